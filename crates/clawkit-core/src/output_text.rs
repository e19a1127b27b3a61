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

    /// Whether `delta` would pass through unchanged and leave nothing held:
    /// nothing is held now and no rule could match or start a match in it.
    /// When `true`, the caller may send `delta` on without calling
    /// [`push`](Self::push) (the state it would leave is the same).
    pub(crate) fn passes(&self, transforms: &TextTransforms, delta: &str) -> bool {
        self.stages.len() == transforms.output.len()
            && self
                .stages
                .iter()
                .zip(&transforms.output)
                .all(|(stage, replacement)| {
                    stage.pending.is_empty()
                        && match replacement.streaming_literal() {
                            Some((_, false)) if stage.fired => true,
                            Some((from, _)) => find_start(delta, from) == Start::Nothing,
                            None => false,
                        }
                })
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
        // Fast path: nothing held and no match in this piece. It passes on
        // at once, except a tail that could start a match, which is held
        // (in a buffer that keeps its capacity): no allocation either way.
        if self.pending.is_empty() {
            match find_start(&input, from) {
                Start::Nothing => return input,
                Start::Tail(keep) => {
                    let emit_to = input.len() - keep;
                    self.pending.push_str(&input[emit_to..]);
                    return match input {
                        Cow::Borrowed(text) => Cow::Borrowed(&text[..emit_to]),
                        Cow::Owned(mut text) => {
                            text.truncate(emit_to);
                            Cow::Owned(text)
                        }
                    };
                }
                Start::Match(_) => {}
            }
        }
        self.pending.push_str(&input);
        let mut out = String::with_capacity(self.pending.len());
        let mut rest = 0;
        while global || !self.fired {
            match find_start(&self.pending[rest..], from) {
                Start::Match(at) => {
                    let start = rest + at;
                    out.push_str(&self.pending[rest..start]);
                    replacement.replace_literal_match(from, &mut out);
                    rest = start + from.len();
                    self.fired = true;
                }
                tail => {
                    let keep = match tail {
                        Start::Tail(keep) => keep,
                        _ => 0,
                    };
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

/// Where a match of `from` could start in `text`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Start {
    /// The leftmost whole match starts here.
    Match(usize),
    /// No match, but the last `n` bytes are a proper prefix of `from`: the
    /// longest such tail, which could still become a match.
    Tail(usize),
    /// Neither.
    Nothing,
}

/// One pass over the places `from`'s first byte occurs (memchr): the
/// leftmost match, else the longest tail that starts one. A first byte of
/// `from` is the first byte of a character, so every place found is a
/// character boundary of `text`.
fn find_start(text: &str, from: &str) -> Start {
    let (text, from) = (text.as_bytes(), from.as_bytes());
    let Some(&first) = from.first() else {
        return Start::Nothing;
    };
    for at in memchr::memchr_iter(first, text) {
        let rest = &text[at..];
        if rest.len() >= from.len() {
            if rest.starts_with(from) {
                return Start::Match(at);
            }
        } else if from.starts_with(rest) {
            // Every later place is shorter still: no match can follow.
            return Start::Tail(rest.len());
        }
    }
    Start::Nothing
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
            .map(|d| {
                let passes = rewriter.passes(transforms, d);
                let out = rewriter.push(transforms, d).into_owned();
                // `passes` promises exactly what `push` then does.
                assert!(
                    !passes || (out == *d && rewriter.passes(transforms, "")),
                    "{d:?}"
                );
                out
            })
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
    fn find_start_finds_the_leftmost_match_or_the_longest_tail() {
        assert_eq!(find_start("a blue basket", "blue basket"), Start::Match(2));
        assert_eq!(find_start("a blue bas", "blue basket"), Start::Tail(8));
        assert_eq!(find_start("bb", "bbc"), Start::Tail(2));
        assert_eq!(find_start("xbbcb", "bbc"), Start::Match(1));
        assert_eq!(find_start("hello", "blue"), Start::Nothing);
        assert_eq!(find_start("", "blue"), Start::Nothing);
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

        #[test]
        fn self_overlapping_patterns_stream_like_the_whole_text(
            (text, mut points) in "[ab]{0,24}".prop_flat_map(cuts)
        ) {
            points.sort_unstable();
            let mut deltas = Vec::new();
            let mut last = 0;
            for p in points {
                deltas.push(&text[last..p]);
                last = p;
            }
            deltas.push(&text[last..]);
            let transforms = TextTransforms::new()
                .output(Replacement::literal_global("aab", "b"))
                .output(Replacement::literal("bab", "[$&]"));
            let (streamed_text, _) = streamed(&transforms, &deltas);
            prop_assert_eq!(streamed_text, transforms.apply_output(&text).into_owned());
        }
    }
}
