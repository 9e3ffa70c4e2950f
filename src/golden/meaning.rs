//! What a path means in a Lark event: which values are enum codes, which
//! are times, and which envelope fields differ on every delivery.

use crate::event::CodeKind;

use super::diff::Difference;
use super::path::Segment;

/// Envelope fields that differ on every delivery.
pub const DEFAULT_IGNORES: [&str; 3] = ["header.event_id", "header.create_time", "header.token"];

/// What a value at a path is, in the event schema.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Meaning {
    Code(CodeKind),
    /// Milliseconds since the epoch (a number, or a string for `header.create_time`).
    Time,
}

impl Meaning {
    fn of(path: &[Segment]) -> Option<Meaning> {
        let keys: Vec<&str> = path
            .iter()
            .map(|s| match s {
                Segment::Key(k) => Some(k.as_str()),
                Segment::Index(_) => None,
            })
            .collect::<Option<_>>()?;
        match keys.as_slice() {
            ["header", "create_time"] => Some(Meaning::Time),
            ["event", "sender_type"] => Some(Meaning::Code(CodeKind::SenderType)),
            ["event", "object" | "old_object" | "ticket", field] => match *field {
                "stage" => Some(Meaning::Code(CodeKind::Stage)),
                "status" => Some(Meaning::Code(CodeKind::Status)),
                "score" => Some(Meaning::Code(CodeKind::Score)),
                "solve" => Some(Meaning::Code(CodeKind::Solve)),
                "channel" => Some(Meaning::Code(CodeKind::Channel)),
                "created_at" | "updated_at" | "closed_at" => Some(Meaning::Time),
                _ => None,
            },
            _ => None,
        }
    }
}

impl Difference {
    /// What the path means in a Lark event, for labelling its values.
    pub fn meaning(&self) -> Option<Meaning> {
        Meaning::of(&self.path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn meanings() {
        let m = |p: &[&str]| {
            Meaning::of(
                &p.iter()
                    .map(|k| Segment::Key(k.to_string()))
                    .collect::<Vec<_>>(),
            )
        };
        assert_eq!(
            m(&["event", "object", "status"]),
            Some(Meaning::Code(CodeKind::Status))
        );
        assert_eq!(
            m(&["event", "old_object", "stage"]),
            Some(Meaning::Code(CodeKind::Stage))
        );
        assert_eq!(m(&["event", "object", "updated_at"]), Some(Meaning::Time));
        assert_eq!(m(&["header", "create_time"]), Some(Meaning::Time));
        assert_eq!(m(&["event", "object", "ticket_id"]), None);
    }
}
