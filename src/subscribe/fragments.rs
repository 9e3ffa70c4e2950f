//! Reassembly of messages the platform splits into fragments: frames that
//! share a `message_id`, each with its 0-based `seq` out of `sum`. Parts
//! may arrive in any order; a message is whole when every slot is filled,
//! and only then answered. Bounded: a series that makes no progress for
//! [`STALE`] is dropped, and the parts held at once are capped in number
//! and bytes, so a peer cannot grow memory without end.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use super::frame::Frame;

/// How long a partial message is kept without a new fragment (the SDKs: 5 s).
pub const STALE: Duration = Duration::from_secs(5);
/// The most fragments one message may have.
pub const MAX_PARTS: usize = 1024;
/// The most bytes held in partial messages at once.
pub const MAX_HELD: usize = 64 * 1024 * 1024;
/// The most partial messages held at once.
pub const MAX_MESSAGES: usize = 256;

/// Why a fragment was refused.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum Refused {
    #[error("fragment seq {seq} is not below sum {sum}")]
    SeqOutOfRange { seq: usize, sum: usize },
    #[error("the fragment count changed from {was} to {now}")]
    SumChanged { was: usize, now: usize },
    #[error("{sum} fragments is more than the {MAX_PARTS} accepted")]
    TooMany { sum: usize },
    #[error("partial messages would hold more than {} MiB", MAX_HELD >> 20)]
    TooLarge,
}

struct Partial {
    parts: Vec<Option<Vec<u8>>>,
    filled: usize,
    bytes: usize,
    touched: Instant,
}

/// What a data frame came to.
#[derive(Debug, PartialEq, Eq)]
pub enum Taken {
    /// A whole message: the frame that completed it (its payload taken
    /// out), its id, and its payload with every fragment joined.
    Whole {
        frame: Frame,
        message_id: String,
        payload: Vec<u8>,
    },
    /// A fragment kept until the rest arrive.
    Partial,
    /// A frame that cannot be used, and why (for a warning).
    Refused(String),
}

#[derive(Default)]
pub struct Fragments {
    partial: HashMap<String, Partial>,
    held: usize,
}

impl Fragments {
    /// Takes one data frame: a message by itself (`sum` absent, 0 or 1), or
    /// a fragment of one.
    pub fn take(&mut self, mut frame: Frame, now: Instant) -> Taken {
        let payload = frame.payload.take().unwrap_or_default();
        let number = |key: &str| frame.header(key).map(|v| v.trim().parse::<usize>());
        let (sum, seq) = match (number("sum"), number("seq")) {
            (None | Some(Ok(0 | 1)), None | Some(Ok(0))) => (1, 0),
            (Some(Ok(sum)), Some(Ok(seq))) => (sum, seq),
            (Some(Ok(sum)), None) => (sum, 0),
            _ => {
                return Taken::Refused(format!(
                    "ignored a data frame with unreadable sum/seq headers ({:?}/{:?})",
                    frame.header("sum").unwrap_or(""),
                    frame.header("seq").unwrap_or("")
                ));
            }
        };
        let message_id = frame.header("message_id").unwrap_or("").to_string();
        let payload = if sum > 1 {
            match self.add(&message_id, sum, seq, payload, now) {
                Ok(Some(whole)) => whole,
                Ok(None) => return Taken::Partial,
                Err(e) => {
                    return Taken::Refused(format!(
                        "message {message_id:?}: dropped its fragments: {e}"
                    ));
                }
            }
        } else {
            payload
        };
        Taken::Whole {
            frame,
            message_id,
            payload,
        }
    }

    /// Takes one fragment. `Ok(Some(payload))` when it completes its
    /// message (the parts joined in `seq` order), `Ok(None)` while parts
    /// are missing. A refused fragment drops its message's partial buffer.
    pub fn add(
        &mut self,
        message_id: &str,
        sum: usize,
        seq: usize,
        payload: Vec<u8>,
        now: Instant,
    ) -> Result<Option<Vec<u8>>, Refused> {
        self.expire(now);
        if sum > MAX_PARTS {
            self.drop_message(message_id);
            return Err(Refused::TooMany { sum });
        }
        if seq >= sum {
            self.drop_message(message_id);
            return Err(Refused::SeqOutOfRange { seq, sum });
        }
        if let Some(p) = self.partial.get(message_id)
            && p.parts.len() != sum
        {
            let was = p.parts.len();
            self.drop_message(message_id);
            return Err(Refused::SumChanged { was, now: sum });
        }
        if self.held.saturating_add(payload.len()) > MAX_HELD {
            self.drop_message(message_id);
            return Err(Refused::TooLarge);
        }
        if !self.partial.contains_key(message_id) && self.partial.len() >= MAX_MESSAGES {
            self.drop_oldest();
        }
        let partial = self
            .partial
            .entry(message_id.to_string())
            .or_insert_with(|| Partial {
                parts: vec![None; sum],
                filled: 0,
                bytes: 0,
                touched: now,
            });
        // A fragment sent again replaces the first copy, as the SDKs do.
        let added = payload.len();
        match partial.parts[seq].replace(payload) {
            Some(old) => {
                partial.bytes -= old.len();
                self.held -= old.len();
            }
            None => partial.filled += 1,
        }
        partial.bytes += added;
        partial.touched = now;
        self.held += added;
        if partial.filled < sum {
            return Ok(None);
        }
        let done = self.partial.remove(message_id).map(|p| {
            self.held -= p.bytes;
            p.parts.into_iter().flatten().flatten().collect()
        });
        Ok(done)
    }

    /// Drops partial messages without a fragment for [`STALE`]; returns
    /// how many.
    pub fn expire(&mut self, now: Instant) -> usize {
        let before = self.partial.len();
        let held = &mut self.held;
        self.partial.retain(|_, p| {
            let keep = now.saturating_duration_since(p.touched) < STALE;
            if !keep {
                *held -= p.bytes;
            }
            keep
        });
        before - self.partial.len()
    }

    /// How many messages are partly received.
    pub fn pending(&self) -> usize {
        self.partial.len()
    }

    fn drop_message(&mut self, message_id: &str) {
        if let Some(p) = self.partial.remove(message_id) {
            self.held -= p.bytes;
        }
    }

    fn drop_oldest(&mut self) {
        let oldest = self
            .partial
            .iter()
            .min_by_key(|(_, p)| p.touched)
            .map(|(id, _)| id.clone());
        if let Some(id) = oldest {
            self.drop_message(&id);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn data(headers: &[(&str, &str)], payload: &[u8]) -> Frame {
        let mut f = Frame::ping(1);
        f.method = super::super::frame::DATA;
        f.headers = headers
            .iter()
            .map(|(k, v)| super::super::frame::Header {
                key: k.to_string(),
                value: v.to_string(),
            })
            .collect();
        f.payload = Some(payload.to_vec());
        f
    }

    #[test]
    fn frames_are_whole_or_fragments() {
        let mut f = Fragments::default();
        let t = Instant::now();
        let Taken::Whole {
            payload,
            message_id,
            frame,
        } = f.take(
            data(&[("message_id", "a"), ("sum", "1"), ("seq", "0")], b"x"),
            t,
        )
        else {
            panic!()
        };
        assert_eq!((payload.as_slice(), message_id.as_str()), (&b"x"[..], "a"));
        assert_eq!(frame.payload, None);
        assert!(matches!(f.take(data(&[], b"y"), t), Taken::Whole { .. }));
        let part =
            |seq: &str, p: &[u8]| data(&[("message_id", "b"), ("sum", "2"), ("seq", seq)], p);
        assert_eq!(f.take(part("1", b"2"), t), Taken::Partial);
        let Taken::Whole { payload, frame, .. } = f.take(part("0", b"1"), t) else {
            panic!()
        };
        assert_eq!(payload, b"12");
        assert_eq!(frame.header("seq"), Some("0"));
        assert!(matches!(f.take(part("2", b""), t), Taken::Refused(_)));
        assert!(matches!(
            f.take(data(&[("sum", "x")], b""), t),
            Taken::Refused(_)
        ));
    }

    #[test]
    fn joins_out_of_order_parts_in_seq_order() {
        let mut f = Fragments::default();
        let t = Instant::now();
        assert_eq!(f.add("m", 3, 2, b"c".to_vec(), t), Ok(None));
        assert_eq!(f.add("m", 3, 0, b"a".to_vec(), t), Ok(None));
        assert_eq!(
            f.add("m", 3, 1, b"b".to_vec(), t),
            Ok(Some(b"abc".to_vec()))
        );
        assert_eq!(f.pending(), 0);
        assert_eq!(f.held, 0);
    }

    #[test]
    fn refuses_broken_series_and_drops_them() {
        let mut f = Fragments::default();
        let t = Instant::now();
        assert_eq!(
            f.add("m", 2, 2, vec![], t),
            Err(Refused::SeqOutOfRange { seq: 2, sum: 2 })
        );
        assert_eq!(f.add("m", 2, 0, b"a".to_vec(), t), Ok(None));
        assert_eq!(
            f.add("m", 3, 1, b"b".to_vec(), t),
            Err(Refused::SumChanged { was: 2, now: 3 })
        );
        assert_eq!(f.pending(), 0);
        // A fragment sent again replaces the first copy.
        assert_eq!(f.add("m", 2, 0, b"x".to_vec(), t), Ok(None));
        assert_eq!(f.add("m", 2, 0, b"a".to_vec(), t), Ok(None));
        assert_eq!(f.add("m", 2, 1, b"b".to_vec(), t), Ok(Some(b"ab".to_vec())));
        assert_eq!(
            f.add("n", usize::MAX, 0, vec![], t),
            Err(Refused::TooMany { sum: usize::MAX })
        );
        assert_eq!(f.held, 0);
    }

    #[test]
    fn stale_partials_are_dropped() {
        let mut f = Fragments::default();
        let t = Instant::now();
        assert_eq!(f.add("m", 2, 0, b"a".to_vec(), t), Ok(None));
        assert_eq!(f.expire(t + STALE / 2), 0);
        assert_eq!(f.expire(t + STALE), 1);
        // The late part starts a new series, which is not whole.
        assert_eq!(f.add("m", 2, 1, b"b".to_vec(), t + STALE), Ok(None));
    }

    #[test]
    fn memory_is_bounded() {
        let mut f = Fragments::default();
        let t = Instant::now();
        for i in 0..(MAX_MESSAGES + 10) {
            assert_eq!(f.add(&i.to_string(), 2, 0, vec![0; 10], t), Ok(None));
        }
        assert_eq!(f.pending(), MAX_MESSAGES);
        assert_eq!(
            f.add("big", 2, 0, vec![0; MAX_HELD], t),
            Err(Refused::TooLarge)
        );
    }
}
