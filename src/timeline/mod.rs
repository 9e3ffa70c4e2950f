//! Per-ticket timelines out of a stream of ticket events: repeated
//! deliveries dropped, events put in ticket order, and the holes and late
//! arrivals a receiver would trip over flagged.
//!
//! The platform retries a delivery (15 s, 5 min, 1 h, 6 h) until it gets a
//! 200, and delivers in parallel, so a receiver sees the same `event_id`
//! several times and the events of one ticket out of order.
//!
//! Memory: for each distinct event only its id, times, stage and status
//! (and its source when the report shows it), never the payload, packed
//! into about 60 bytes ([`Timelines`]). Repeated deliveries cost nothing
//! beyond a counter.
//!
//! [`State`] is what one event reports; this file keeps the states by
//! ticket, drops repeated deliveries, and puts each ticket's states in order
//! with their gaps and late arrivals.

mod finished;
mod ids;
mod packed;
mod prepared;
mod slots;
mod state;
mod store;
mod tickets;

use crate::event::CodeKind;

pub use finished::Finished;
pub use prepared::{Keys, Prepared};
pub use state::{Kind, Prior, State};
pub use store::Timelines;

/// A hole in a timeline: the state before an event is not the one the
/// previous event left the ticket in, so an event between them is missing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Gap {
    /// The event after the hole.
    pub event_id: Option<String>,
    /// Index of that event in [`Timeline::states`].
    pub index: usize,
    /// `Stage` or `Status`.
    pub field: CodeKind,
    /// The value the previous event's `object` left.
    pub expected: i64,
    /// The value before this event: its `old_object` value, or its `object`
    /// value when `old_object` says the field did not change.
    pub found: i64,
    /// `found` comes from `old_object` (not implied by its absence).
    pub reported: bool,
}

/// One ticket's events in ticket order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Timeline {
    pub ticket_id: String,
    /// Repeated deliveries dropped.
    pub duplicates: usize,
    /// Events that arrived after one that comes later in ticket order.
    pub out_of_order: usize,
    pub states: Vec<State>,
    pub gaps: Vec<Gap>,
}

impl Timeline {
    /// Distinct events.
    pub fn events(&self) -> usize {
        self.states.len()
    }
}

/// Whether [`Timelines::add`] kept the event.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Added {
    New,
    /// The ticket already has an event with this `event_id`.
    Duplicate,
    /// Left out: 2^32 distinct events or tickets are already kept.
    Full,
}

/// One ticket's distinct events, in arrival order.
#[derive(Debug)]
struct Pending {
    ticket_id: String,
    duplicates: usize,
    states: Vec<State>,
}

fn order(ticket: Pending) -> Timeline {
    let mut states = ticket.states;
    states.sort_by_key(State::order_key);

    // Late: some event later in ticket order arrived before it.
    let mut first_arrival_after = u64::MAX;
    let mut out_of_order = 0;
    for state in states.iter_mut().rev() {
        if first_arrival_after < state.arrival {
            state.late = true;
            out_of_order += 1;
        }
        first_arrival_after = first_arrival_after.min(state.arrival);
    }

    let mut gaps = Vec::new();
    for (index, pair) in states.windows(2).enumerate() {
        let (prev, state) = (&pair[0], &pair[1]);
        for field in [CodeKind::Stage, CodeKind::Status] {
            let Some(expected) = prev.value(field) else {
                continue;
            };
            let (found, reported) = match state.prior(field) {
                Prior::Reported(v) => (v, true),
                Prior::Unchanged => match state.value(field) {
                    Some(v) => (v, false),
                    None => continue,
                },
                Prior::Unknown => continue,
            };
            if found != expected {
                gaps.push(Gap {
                    event_id: state.event_id.clone(),
                    index: index + 1,
                    field,
                    expected,
                    found,
                    reported,
                });
            }
        }
    }

    Timeline {
        ticket_id: ticket.ticket_id,
        duplicates: ticket.duplicates,
        out_of_order,
        states,
        gaps,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::Location;
    use std::sync::Arc;

    fn state(id: &str, updated_at: i64, old: Option<(i64, i64)>, now: (i64, i64)) -> State {
        let (prior_stage, prior_status, kind) = match old {
            Some((stage, status)) => (
                Prior::Reported(stage),
                Prior::Reported(status),
                Kind::Updated,
            ),
            None => (Prior::Unknown, Prior::Unknown, Kind::Created),
        };
        State {
            event_id: Some(id.to_string()),
            source: Some(Location::new(Arc::from("t"), 1)),
            kind,
            arrival: 0,
            create_time: Some(updated_at + 5),
            updated_at: Some(updated_at),
            stage: Some(now.0),
            status: Some(now.1),
            prior_stage,
            prior_status,
            late: false,
        }
    }

    fn build(states: Vec<State>) -> Vec<Timeline> {
        let mut t = Timelines::default();
        for s in states {
            t.add("T", s);
        }
        t.finish().into_iter().collect()
    }

    fn ids(t: &Timeline) -> Vec<&str> {
        t.states
            .iter()
            .map(|s| s.event_id.as_deref().unwrap_or("?"))
            .collect()
    }

    #[test]
    fn clean_sequence_has_no_flags() {
        let t = build(vec![
            state("c", 100, None, (1, 1)),
            state("u1", 200, Some((1, 1)), (2, 2)),
            state("u2", 300, Some((2, 2)), (2, 51)),
        ]);
        assert_eq!(t.len(), 1);
        assert_eq!(ids(&t[0]), ["c", "u1", "u2"]);
        assert_eq!((t[0].duplicates, t[0].out_of_order), (0, 0));
        assert!(t[0].gaps.is_empty());
    }

    #[test]
    fn duplicates_are_dropped_and_counted() {
        let t = build(vec![
            state("u1", 200, Some((1, 1)), (2, 2)),
            state("u1", 200, Some((1, 1)), (2, 2)),
            state("u1", 200, Some((1, 1)), (2, 2)),
        ]);
        assert_eq!(t[0].events(), 1);
        assert_eq!(t[0].duplicates, 2);
    }

    #[test]
    fn late_arrival_is_reordered_and_flagged() {
        let t = build(vec![
            state("u1", 200, Some((1, 1)), (2, 2)),
            state("u3", 400, Some((2, 3)), (2, 51)),
            state("u2", 300, Some((2, 2)), (2, 3)),
        ]);
        assert_eq!(ids(&t[0]), ["u1", "u2", "u3"]);
        assert_eq!(t[0].out_of_order, 1);
        assert!(t[0].states[1].late);
        assert!(!t[0].states[2].late);
        assert!(t[0].gaps.is_empty(), "{:?}", t[0].gaps);
    }

    #[test]
    fn missed_event_is_a_gap() {
        let t = build(vec![
            state("u1", 200, Some((1, 1)), (2, 2)),
            // u2 (processing -> queued) never arrived
            state("u3", 400, Some((2, 3)), (2, 51)),
        ]);
        assert_eq!(
            t[0].gaps,
            [Gap {
                event_id: Some("u3".into()),
                index: 1,
                field: CodeKind::Status,
                expected: 2,
                found: 3,
                reported: true,
            }]
        );
    }

    #[test]
    fn unchanged_field_implies_its_prior_value() {
        let mut u2 = state("u2", 300, Some((2, 0)), (2, 3));
        u2.prior_status = Prior::Unchanged;
        let t = build(vec![state("u1", 200, Some((1, 1)), (2, 2)), u2]);
        assert_eq!(t[0].gaps.len(), 1);
        assert_eq!((t[0].gaps[0].expected, t[0].gaps[0].found), (2, 3));
        assert!(!t[0].gaps[0].reported);
    }

    #[test]
    fn unset_updated_at_orders_by_create_time() {
        let mut c = state("c", 0, None, (1, 1));
        c.updated_at = Some(-1);
        c.create_time = Some(150);
        let t = build(vec![state("u1", 200, Some((1, 1)), (2, 2)), c]);
        assert_eq!(ids(&t[0]), ["c", "u1"]);
        assert_eq!(t[0].out_of_order, 1);
        assert_eq!(t[0].states[0].order_time(), Some(150));
    }

    #[test]
    fn ties_break_on_create_time_then_arrival() {
        let mut a = state("a", 100, Some((1, 1)), (1, 2));
        let mut b = state("b", 100, Some((1, 2)), (1, 3));
        a.create_time = Some(10);
        b.create_time = Some(5);
        let t = build(vec![a, b]);
        assert_eq!(ids(&t[0]), ["b", "a"]);
    }

    #[test]
    fn tickets_keep_first_seen_order() {
        let mut t = Timelines::default();
        t.add("B", state("1", 1, None, (1, 1)));
        t.add("A", state("2", 1, None, (1, 1)));
        t.add("B", state("3", 2, Some((1, 1)), (1, 2)));
        assert_eq!(t.tickets(), 2);
        let out: Vec<_> = t
            .finish()
            .into_iter()
            .map(|t| (t.ticket_id, t.states.len()))
            .collect();
        assert_eq!(out, [("B".to_string(), 2), ("A".to_string(), 1)]);
    }

    #[test]
    fn events_without_id_are_never_duplicates() {
        let mut s = state("x", 1, None, (1, 1));
        s.event_id = None;
        let t = build(vec![s.clone(), s]);
        assert_eq!((t[0].events(), t[0].duplicates), (2, 0));
    }
}
