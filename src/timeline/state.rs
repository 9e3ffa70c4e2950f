//! One ticket state as one event reports it: the event's kind, its times,
//! its stage and status, and what its `old_object` says they were before.

use crate::event::{Body, CodeKind, Event, FieldValue};
use crate::input::Location;

/// Which event put the state on the timeline.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// `helpdesk.ticket.created_v1`: the ticket's first state.
    Created,
    /// `helpdesk.ticket.updated_v1`.
    Updated,
}

/// What an event says a field was before it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Prior {
    /// `old_object` carries the field.
    Reported(i64),
    /// `old_object` is there without the field: it did not change, so it was
    /// what `object` says it is now.
    Unchanged,
    /// The event does not say (a created event, no `old_object`, a value of
    /// the wrong type).
    Unknown,
}

/// One ticket state, as one event reports it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct State {
    pub event_id: Option<String>,
    /// Where it was first delivered (`None` when the report has no use
    /// for it and [`super::Timelines`] did not keep it).
    pub source: Option<Location>,
    pub kind: Kind,
    /// Position among the distinct events of the input, counted over all
    /// tickets (0-based).
    pub arrival: u64,
    /// `header.create_time`, ms.
    pub create_time: Option<i64>,
    /// `object.updated_at`, ms; -1 when the platform left it unset.
    pub updated_at: Option<i64>,
    pub stage: Option<i64>,
    pub status: Option<i64>,
    pub prior_stage: Prior,
    pub prior_status: Prior,
    /// Arrived after an event that comes later in ticket order.
    pub late: bool,
}

impl State {
    /// The state a ticket event reports, with the ticket it belongs to;
    /// `None` for events that are neither created nor updated ticket events.
    /// `has_old_object` says whether the payload carries an `old_object`.
    pub fn from_event(
        source: Location,
        event: &Event,
        has_old_object: bool,
    ) -> Option<(Option<String>, State)> {
        let (kind, ticket) = match &event.body {
            Body::TicketCreated { ticket } => (Kind::Created, ticket),
            Body::TicketUpdated { ticket, .. } => (Kind::Updated, ticket),
            _ => return None,
        };
        let prior = |field: &str| {
            if kind == Kind::Created {
                return Prior::Unknown;
            }
            match event.transitions().iter().find(|t| t.field == field) {
                Some(t) => match t.from {
                    Some(FieldValue::Code(_, v)) => Prior::Reported(v),
                    _ => Prior::Unknown,
                },
                None if has_old_object => Prior::Unchanged,
                None => Prior::Unknown,
            }
        };
        let state = State {
            event_id: event.envelope.event_id.clone(),
            source: Some(source),
            kind,
            arrival: 0,
            create_time: event.envelope.create_time,
            updated_at: ticket.updated_at,
            stage: ticket.stage,
            status: ticket.status,
            prior_stage: prior("stage"),
            prior_status: prior("status"),
            late: false,
        };
        Some((ticket.ticket_id.clone(), state))
    }

    /// The time that places the event in ticket order: `object.updated_at`,
    /// or when that is unset (-1) or absent, `header.create_time`.
    pub fn order_time(&self) -> Option<i64> {
        self.updated_at.filter(|t| *t >= 0).or(self.create_time)
    }

    pub(super) fn order_key(&self) -> (i64, i64, u64) {
        (
            self.order_time().unwrap_or(i64::MAX),
            self.create_time.unwrap_or(i64::MAX),
            self.arrival,
        )
    }

    pub(super) fn value(&self, field: CodeKind) -> Option<i64> {
        match field {
            CodeKind::Stage => self.stage,
            _ => self.status,
        }
    }

    pub(super) fn prior(&self, field: CodeKind) -> Prior {
        match field {
            CodeKind::Stage => self.prior_stage,
            _ => self.prior_status,
        }
    }
}
