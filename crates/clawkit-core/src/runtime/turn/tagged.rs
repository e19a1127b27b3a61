//! Tagged reasoning: `<think>…</think>` inside text becomes reasoning
//! events, for models whose `resolveReasoningOutputMode` is `tagged`. A tag
//! cut across deltas is found all the same: only a tail that could still
//! start a tag is held back.

use std::collections::HashMap;

use crate::event::StreamEvent;

/// Splits `<think>…</think>` in text into reasoning (tagged reasoning mode).
#[derive(Debug, Default)]
pub(super) struct TagSplitter {
    /// Output index of each pass-through source block.
    pub(super) remap: HashMap<usize, usize>,
    pub(super) next_index: usize,
    /// The open segment of a split text block: (reasoning?, output index, text so far).
    pub(super) open: Option<(bool, usize, String)>,
    pub(super) in_think: bool,
    pub(super) pending: String,
}

const THINK_OPEN: &str = "<think>";
const THINK_CLOSE: &str = "</think>";

impl TagSplitter {
    fn index(&mut self, source: usize) -> usize {
        let next = &mut self.next_index;
        *self.remap.entry(source).or_insert_with(|| {
            let index = *next;
            *next += 1;
            index
        })
    }

    pub(super) fn push(&mut self, event: StreamEvent, out: &mut Vec<StreamEvent>) {
        match event {
            StreamEvent::TextStart { .. } => {}
            StreamEvent::TextDelta { text, .. } => {
                self.pending.push_str(&text);
                self.drain(false, out);
            }
            StreamEvent::TextEnd { .. } => {
                self.drain(true, out);
                self.close(out);
            }
            mut other @ (StreamEvent::ReasoningStart { .. }
            | StreamEvent::ReasoningDelta { .. }
            | StreamEvent::ReasoningEnd { .. }
            | StreamEvent::ToolCallStart { .. }
            | StreamEvent::ToolCallDelta { .. }
            | StreamEvent::ToolCallEnd { .. }) => {
                // Blocks that are not split keep their place, renumbered
                // around the split text blocks.
                if let StreamEvent::ReasoningStart { index }
                | StreamEvent::ReasoningDelta { index, .. }
                | StreamEvent::ReasoningEnd { index, .. }
                | StreamEvent::ToolCallStart { index, .. }
                | StreamEvent::ToolCallDelta { index, .. }
                | StreamEvent::ToolCallEnd { index, .. } = &mut other
                {
                    *index = self.index(*index);
                }
                out.push(other);
            }
            other => {
                if other.is_terminal() {
                    self.drain(true, out);
                    self.close(out);
                }
                out.push(other);
            }
        }
    }

    /// Emits what is certain; at the end, everything.
    fn drain(&mut self, all: bool, out: &mut Vec<StreamEvent>) {
        loop {
            let tag = if self.in_think {
                THINK_CLOSE
            } else {
                THINK_OPEN
            };
            if let Some(at) = self.pending.find(tag) {
                let before: String = self.pending.drain(..at).collect();
                self.pending.drain(..tag.len());
                self.emit(&before, out);
                self.close(out);
                self.in_think = !self.in_think;
                continue;
            }
            let keep = if all {
                0
            } else {
                tail_prefix(&self.pending, tag)
            };
            let cut = self.pending.len() - keep;
            let ready: String = self.pending.drain(..cut).collect();
            self.emit(&ready, out);
            return;
        }
    }

    fn emit(&mut self, text: &str, out: &mut Vec<StreamEvent>) {
        if text.is_empty() {
            return;
        }
        let reasoning = self.in_think;
        if self.open.as_ref().is_none_or(|(r, _, _)| *r != reasoning) {
            self.close(out);
            let index = self.next_index;
            self.next_index += 1;
            out.push(if reasoning {
                StreamEvent::ReasoningStart { index }
            } else {
                StreamEvent::TextStart { index }
            });
            self.open = Some((reasoning, index, String::new()));
        }
        if let Some((_, index, so_far)) = &mut self.open {
            so_far.push_str(text);
            out.push(if reasoning {
                StreamEvent::ReasoningDelta {
                    index: *index,
                    text: text.into(),
                }
            } else {
                StreamEvent::TextDelta {
                    index: *index,
                    text: text.into(),
                }
            });
        }
    }

    fn close(&mut self, out: &mut Vec<StreamEvent>) {
        if let Some((reasoning, index, text)) = self.open.take() {
            out.push(if reasoning {
                StreamEvent::ReasoningEnd {
                    index,
                    text: text.into(),
                    signature: None,
                }
            } else {
                StreamEvent::TextEnd {
                    index,
                    text: text.into(),
                }
            });
        }
    }
}

/// Length of the longest tail of `text` that is a proper prefix of `tag`.
fn tail_prefix(text: &str, tag: &str) -> usize {
    (1..tag.len().min(text.len() + 1))
        .rev()
        .find(|&k| text.is_char_boundary(text.len() - k) && text.ends_with(&tag[..k]))
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(deltas: &[&str]) -> Vec<StreamEvent> {
        let mut splitter = TagSplitter::default();
        let mut out = Vec::new();
        splitter.push(StreamEvent::TextStart { index: 0 }, &mut out);
        for delta in deltas {
            let text = (*delta).into();
            splitter.push(StreamEvent::TextDelta { index: 0, text }, &mut out);
        }
        let whole = deltas.concat();
        splitter.push(
            StreamEvent::TextEnd {
                index: 0,
                text: whole.into(),
            },
            &mut out,
        );
        splitter.push(
            StreamEvent::Done {
                reason: crate::event::StopReason::Stop,
            },
            &mut out,
        );
        out
    }

    #[test]
    fn think_tags_cut_across_deltas_become_a_reasoning_block() {
        let events = split(&["<thi", "nk>step one", " and two</th", "ink>The answer", "."]);
        assert_eq!(
            events,
            vec![
                StreamEvent::ReasoningStart { index: 0 },
                StreamEvent::ReasoningDelta {
                    index: 0,
                    text: "step one".into()
                },
                StreamEvent::ReasoningDelta {
                    index: 0,
                    text: " and two".into()
                },
                StreamEvent::ReasoningEnd {
                    index: 0,
                    text: "step one and two".into(),
                    signature: None
                },
                StreamEvent::TextStart { index: 1 },
                StreamEvent::TextDelta {
                    index: 1,
                    text: "The answer".into()
                },
                StreamEvent::TextDelta {
                    index: 1,
                    text: ".".into()
                },
                StreamEvent::TextEnd {
                    index: 1,
                    text: "The answer.".into()
                },
                StreamEvent::Done {
                    reason: crate::event::StopReason::Stop
                },
            ]
        );
    }

    #[test]
    fn text_without_tags_keeps_a_held_back_less_than_sign_until_the_end() {
        let events = split(&["a <", "b"]);
        let text: String = events
            .iter()
            .filter_map(|e| match e {
                StreamEvent::TextDelta { text, .. } => Some(text.as_str()),
                _ => None,
            })
            .collect();
        assert_eq!(text, "a <b");
    }
}
