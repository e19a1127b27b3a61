//! Output text transforms over a streamed block: the rewrite of the whole
//! text, produced piece by piece as deltas arrive.
//!
//! Each replacement is one stage of a chain, fed by the stage before it.
//! A literal stage (the common case: a control token) holds back only the
//! shortest tail of what it has seen that could still be the start of a
//! match, and passes everything before it on at once. A stage that needs the
//! whole text (a regular expression, `` $` `` or `$'` in the replacement)
//! holds its input until the block ends. Either way, the concatenated output
//! equals [`TextTransforms::apply_output`] over the whole text, however the
//! text was cut into deltas.

use std::borrow::Cow;

use crate::text_transform::{Replacement, TextTransforms};

/// Rewrites one text block as it streams. It holds only its state; the
/// replacements are passed to each call, so it can live in a stream.
#[derive(Debug, Default)]
pub(crate) struct BlockRewriter {
    stages: Vec<Stage>,
}

#[derive(Debug)]
struct Stage {
    /// For a literal stage: whether its first-only replacement has fired.
    fired: bool,
    /// Input seen but not yet passed on.
    pending: String,
}

impl BlockRewriter {
    /// Feeds one delta through the output replacements of `transforms`;
    /// returns what can be emitted now (possibly empty).
    pub(crate) fn push<'t>(&mut self, transforms: &TextTransforms, delta: &'t str) -> Cow<'t, str> {
        self.ensure_stages(transforms);
        let mut current = Cow::Borrowed(delta);
        for (stage, replacement) in self.stages.iter_mut().zip(&transforms.output) {
            current = stage.push(replacement, current);
        }
        current
    }

    /// Ends the block; returns everything still held back, rewritten.
    pub(crate) fn finish(&mut self, transforms: &TextTransforms) -> String {
        self.ensure_stages(transforms);
        let mut carried = String::new();
        for (stage, replacement) in self.stages.iter_mut().zip(&transforms.output) {
            let input = std::mem::take(&mut carried);
            let produced = stage.push(replacement, Cow::Borrowed(&input)).into_owned();
            carried = stage.flush(replacement, produced);
        }
        carried
    }

    fn ensure_stages(&mut self, transforms: &TextTransforms) {
        if self.stages.len() != transforms.output.len() {
            self.stages = transforms
                .output
                .iter()
                .map(|_| Stage {
                    fired: false,
                    pending: String::new(),
                })
                .collect();
        }
    }
}

impl Stage {
    fn push<'t>(&mut self, replacement: &Replacement, input: Cow<'t, str>) -> Cow<'t, str> {
        let Some((from, global)) = replacement.streaming_literal() else {
            // Needs the whole text: hold everything until the block ends.
            self.pending.push_str(&input);
            return Cow::Borrowed("");
        };
        if self.fired && !global {
            return input;
        }
        // Fast path: nothing held, no match and no possible start of one.
        if self.pending.is_empty() && !input.contains(from) && held_tail(&input, from) == 0 {
            return input;
        }
        self.pending.push_str(&input);
        let mut out = String::with_capacity(self.pending.len());
        let mut rest = 0;
        while global || !self.fired {
            match self.pending[rest..].find(from) {
                Some(at) => {
                    let start = rest + at;
                    out.push_str(&self.pending[rest..start]);
                    replacement.replace_literal_match(from, &mut out);
                    rest = start + from.len();
                    self.fired = true;
                }
                None => {
                    let keep = held_tail(&self.pending[rest..], from);
                    let emit_to = self.pending.len() - keep;
                    out.push_str(&self.pending[rest..emit_to]);
                    rest = emit_to;
                    break;
                }
            }
        }
        if self.fired && !global {
            out.push_str(&self.pending[rest..]);
            rest = self.pending.len();
        }
        self.pending.drain(..rest);
        Cow::Owned(out)
    }

    /// Ends the stage: `tail` is what it just produced; appends what it held.
    fn flush(&mut self, replacement: &Replacement, mut tail: String) -> String {
        let pending = std::mem::take(&mut self.pending);
        if replacement.streaming_literal().is_some() {
            tail.push_str(&pending);
        } else {
            tail.push_str(&replacement.apply(&pending));
        }
        tail
    }
}

/// The length of the longest tail of `text` that is a proper prefix of
/// `from`: the part that could still become a match.
fn held_tail(text: &str, from: &str) -> usize {
    let longest = text.len().min(from.len().saturating_sub(1));
    (1..=longest)
        .rev()
        .find(|&k| {
            let start = text.len() - k;
            text.is_char_boundary(start) && from.is_char_boundary(k) && text[start..] == from[..k]
        })
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn acme() -> TextTransforms {
        [
            ("blue basket", "red basket"),
            ("digital ticket", "paper ticket"),
            ("right shelf", "left shelf"),
        ]
        .into_iter()
        .fold(TextTransforms::new(), |t, (from, to)| {
            t.output(Replacement::literal_global(from, to))
        })
    }

    fn streamed(transforms: &TextTransforms, deltas: &[&str]) -> (String, Vec<String>) {
        let mut rewriter = BlockRewriter::default();
        let mut pieces: Vec<String> = deltas
            .iter()
            .map(|d| rewriter.push(transforms, d).into_owned())
            .collect();
        pieces.push(rewriter.finish(transforms));
        (pieces.concat(), pieces)
    }

    #[test]
    fn a_match_cut_across_deltas_is_rewritten_and_only_its_start_is_held() {
        let (text, pieces) = streamed(&acme(), &["put it in the blue bas", "ket now"]);
        assert_eq!(text, "put it in the red basket now");
        assert_eq!(pieces[0], "put it in the ", "only `blue bas` is held back");
        assert_eq!(pieces[1], "red basket now");
    }

    #[test]
    fn text_without_a_possible_match_passes_through_unbuffered() {
        let transforms = acme();
        let mut rewriter = BlockRewriter::default();
        assert!(matches!(
            rewriter.push(&transforms, "hello, all"),
            Cow::Borrowed("hello, all")
        ));
        assert_eq!(rewriter.finish(&transforms), "");
    }

    #[test]
    fn first_match_only_and_regex_stages_follow_whole_text_semantics() {
        let transforms = TextTransforms::new()
            .output(Replacement::literal("ab", "X"))
            .output(Replacement::regex_global("X+", "<$&>").unwrap())
            .output(Replacement::literal("c", "[$`]"));
        let whole = "zabXabcab";
        for cut in 0..=whole.len() {
            let (text, _) = streamed(&transforms, &[&whole[..cut], &whole[cut..]]);
            assert_eq!(text, transforms.apply_output(whole), "cut at {cut}");
        }
    }

    #[test]
    fn multibyte_text_is_cut_only_at_char_boundaries() {
        let transforms = TextTransforms::new().output(Replacement::literal_global("ü€x", "ok"));
        let (text, _) = streamed(&transforms, &["aü", "€", "x ü€", "y"]);
        assert_eq!(text, "aok ü€y");
    }

    fn cuts(text: String) -> impl Strategy<Value = (String, Vec<usize>)> {
        let len = text.len();
        (Just(text), proptest::collection::vec(0..=len, 0..8))
    }

    proptest! {
        #[test]
        fn any_split_streams_the_whole_text_rewrite(
            (text, mut points) in "(blue|bas|ket| |digital|ticket|right|shelf|x|é){0,24}".prop_flat_map(cuts)
        ) {
            points.retain(|&p| text.is_char_boundary(p));
            points.sort_unstable();
            let mut deltas = Vec::new();
            let mut last = 0;
            for p in points {
                deltas.push(&text[last..p]);
                last = p;
            }
            deltas.push(&text[last..]);
            let transforms = acme();
            let (streamed_text, _) = streamed(&transforms, &deltas);
            prop_assert_eq!(streamed_text, transforms.apply_output(&text).into_owned());
        }
    }
}
