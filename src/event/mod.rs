//! The event model: envelopes (schema 2.0, schema 1.0, url_verification) and
//! the helpdesk events inside them. Anything else is kept as generic JSON.
//! This file reads a whole event; its parts live beside it (the envelope,
//! the body by type, the ticket models, the transitions, the lenient fields).

mod body;
pub mod challenge;
mod envelope;
pub mod fields;
pub mod labels;
pub mod raw;
mod settle;
pub mod ticket;
pub mod transition;

use crate::json::Scalar;
use body::read_body;
pub use body::{Body, NOTIFICATION_APPROVE, TICKET_CREATED, TICKET_MESSAGE, TICKET_UPDATED};
pub use challenge::challenge_response;
use envelope::{EVENT, read_v1_envelope, read_v2_envelope};
pub use envelope::{Envelope, Schema};
pub use fields::{Issue, Issues, Path};
pub use labels::{CodeKind, Lang};
use raw::{RawDoc, RawEvent};
pub use settle::{Plain, Settled, settle};
pub use ticket::{Approval, CustomField, Detail, MessageContent, Ticket, TicketMessage, User};
pub use transition::{FieldValue, Transition};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Event {
    pub envelope: Envelope,
    pub body: Body,
    pub issues: Vec<Issue>,
}

/// The payload is not an event callback at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "not a Lark event callback: no \"schema\" (2.0), \"uuid\" (1.0) or \"type\":\"url_verification\""
)]
pub struct NotAnEvent;

impl Event {
    /// Reads an event straight from its JSON bytes (no `serde_json::Value`).
    pub fn from_slice(bytes: &[u8]) -> Result<Event, EventError> {
        Event::from_slice_with(bytes, Detail::Full)
    }

    /// Reads an event from text known to be UTF-8 (a decrypted record's),
    /// boxed as the event is made (see [`Event::boxed_from_raw`]).
    pub fn boxed_from_text(text: &str, detail: Detail) -> Result<Box<Event>, EventError> {
        let mut slot = None;
        let raw =
            RawDoc::read_in(text, &mut slot).map_err(|e| EventError::Malformed(e.to_string()))?;
        Event::boxed_from_raw(raw, detail).map_err(|_| EventError::NotAnEvent(NotAnEvent))
    }

    /// Reads an event, with tickets read to the given detail.
    pub fn from_slice_with(bytes: &[u8], detail: Detail) -> Result<Event, EventError> {
        // Records reach here already checked to be UTF-8 (by the splitter
        // or the decryption); checking it once with SIMD lets serde_json
        // skip its own check of every string. Anything else keeps
        // serde_json's message for where the bad byte is.
        let mut slot = None;
        let raw: &RawDoc = match simdutf8::basic::from_utf8(bytes) {
            Ok(text) => RawDoc::read_in(text, &mut slot),
            Err(_) => serde_json::from_slice(bytes).map(|doc| &*slot.insert(doc)),
        }
        .map_err(|e| EventError::Malformed(e.to_string()))?;
        Event::from_raw(raw, detail).map_err(|_| EventError::NotAnEvent(NotAnEvent))
    }

    /// The one way a command reads a record's event: from its plaintext
    /// bytes (decrypted, or the body itself), never from a re-serialized
    /// value, so every command reads the same event or reports the same
    /// error.
    pub fn of_record(
        record: &crate::record::Record,
        detail: Detail,
    ) -> Result<Event, crate::input::RecordError> {
        Event::boxed_of_record(record, detail).map(|event| *event)
    }

    /// [`Event::of_record`], boxed as the event is made (as the pipeline
    /// hands it on).
    pub fn boxed_of_record(
        record: &crate::record::Record,
        detail: Detail,
    ) -> Result<Box<Event>, crate::input::RecordError> {
        Event::boxed_of_plaintext(record, detail)
            .map_err(|e| crate::input::RecordError::new(record.location().clone(), e.to_string()))
    }

    /// [`Event::boxed_of_record`] with the error as the reader gave it
    /// (for a caller that words a malformed plaintext its own way).
    pub fn boxed_of_plaintext(
        record: &crate::record::Record,
        detail: Detail,
    ) -> Result<Box<Event>, EventError> {
        match record.decrypted_text() {
            Some(text) => Event::boxed_from_text(text, detail),
            None => Event::from_slice_with(record.plaintext_bytes(), detail).map(Box::new),
        }
    }

    pub fn from_raw(doc: &RawDoc<'_>, detail: Detail) -> Result<Event, NotAnEvent> {
        Event::with_raw(doc, detail, |envelope, body, issues| Event {
            envelope,
            body,
            issues,
        })
    }

    /// [`Event::from_raw`], boxed as the event is made: the pipeline hands
    /// it on boxed, and a 600-byte value moved into a box on the way costs
    /// a copy or two more than building it there.
    pub fn boxed_from_raw(doc: &RawDoc<'_>, detail: Detail) -> Result<Box<Event>, NotAnEvent> {
        Event::with_raw(doc, detail, |envelope, body, issues| {
            Box::new(Event {
                envelope,
                body,
                issues,
            })
        })
    }

    /// Reads the parts of an event and hands them to `make`.
    #[inline(always)]
    fn with_raw<T>(
        doc: &RawDoc<'_>,
        detail: Detail,
        make: impl FnOnce(Envelope, Body, Vec<Issue>) -> T,
    ) -> Result<T, NotAnEvent> {
        let mut issues = Issues::default();
        let non_empty = |v: &Option<Scalar<'_>>| {
            v.as_ref()
                .and_then(Scalar::as_str)
                .is_some_and(|s| !s.is_empty())
        };
        let (envelope, body) =
            if doc.kind.as_ref().and_then(Scalar::as_str) == Some("url_verification") {
                let envelope = Envelope {
                    token: issues.string(doc.token.as_ref(), &Path::ROOT, "token"),
                    ..Envelope::default()
                };
                let challenge = issues.string(doc.challenge.as_ref(), &Path::ROOT, "challenge");
                if challenge.is_none() {
                    issues.warn("challenge".to_string(), "missing");
                }
                (envelope, Body::UrlVerification { challenge })
            } else if non_empty(&doc.schema) {
                let envelope = read_v2_envelope(doc, detail, &mut issues);
                let event = event_object(doc, &mut issues);
                let body = read_body(
                    envelope.event_type.as_deref(),
                    event,
                    &EVENT,
                    detail,
                    &mut issues,
                );
                (envelope, body)
            } else if non_empty(&doc.uuid) {
                let event = event_object(doc, &mut issues);
                let envelope = read_v1_envelope(doc, event, detail, &mut issues);
                let body = read_body(
                    envelope.event_type.as_deref(),
                    event,
                    &EVENT,
                    detail,
                    &mut issues,
                );
                (envelope, body)
            } else {
                return Err(NotAnEvent);
            };
        Ok(make(envelope, body, issues.0))
    }

    pub fn is_url_verification(&self) -> bool {
        matches!(self.body, Body::UrlVerification { .. })
    }

    /// The ticket state, for ticket events.
    pub fn ticket(&self) -> Option<&Ticket> {
        match &self.body {
            Body::TicketUpdated { ticket, .. } | Body::TicketCreated { ticket } => Some(ticket),
            Body::TicketMessage(message) => message.ticket.as_deref(),
            _ => None,
        }
    }

    pub fn transitions(&self) -> &[Transition] {
        match &self.body {
            Body::TicketUpdated { transitions, .. } => transitions,
            _ => &[],
        }
    }

    pub fn warnings(&self) -> impl Iterator<Item = &Issue> {
        self.issues.iter().filter(|i| i.warn)
    }
}

/// Why bytes are not an event.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EventError {
    #[error("malformed JSON: {0}")]
    Malformed(String),
    #[error(transparent)]
    NotAnEvent(NotAnEvent),
}

fn event_object<'d, 'a>(doc: &'d RawDoc<'a>, issues: &mut Issues) -> Option<&'d RawEvent<'a>> {
    let event = issues.object(doc.event.as_ref(), &Path::ROOT, "event");
    if event.is_none() {
        issues.deviate("event".to_string(), "missing");
    }
    event
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{Value, json};

    /// An event from its JSON bytes, as every command reads it.
    fn from_value(value: &Value) -> Result<Event, NotAnEvent> {
        Event::from_slice(&serde_json::to_vec(value).unwrap()).map_err(|_| NotAnEvent)
    }

    #[test]
    fn detection() {
        assert!(
            from_value(&json!({"type":"url_verification","challenge":"c"}))
                .unwrap()
                .is_url_verification()
        );
        let v1 = from_value(&json!({"uuid":"u","ts":"1.5","type":"event_callback","event":{"type":"message","app_id":"a"}})).unwrap();
        assert_eq!(v1.envelope.schema, Some(Schema::V1));
        assert_eq!(v1.envelope.event_type.as_deref(), Some("message"));
        assert_eq!(v1.envelope.create_time, Some(1500));
        assert_eq!(v1.envelope.app_id.as_deref(), Some("a"));
        assert_eq!(from_value(&json!({"foo":1})), Err(NotAnEvent));
        assert_eq!(from_value(&json!({"schema":""})), Err(NotAnEvent));
    }

    #[test]
    fn every_field_is_optional() {
        let e = from_value(&json!({"schema":"2.0","header":{"event_type":TICKET_UPDATED},"event":{"object":{}, "old_object":{}}})).unwrap();
        let ticket = e.ticket().unwrap();
        assert_eq!(ticket, &Ticket::default());
        assert!(e.transitions().is_empty());
        // Missing required fields are deviations, not warnings.
        assert!(
            e.issues
                .iter()
                .any(|i| i.path == "event.object.ticket_id" && !i.warn)
        );
        assert_eq!(e.warnings().count(), 0);
    }

    #[test]
    fn wrong_types_and_unknown_values_warn() {
        let e = from_value(&json!({"schema":"2.0","header":{"event_type":TICKET_UPDATED},
            "event":{"object":{"ticket_id":1,"status":"51","stage":9,"score":true},"old_object":{"status":50,"foo":1}}})).unwrap();
        let t = e.ticket().unwrap();
        assert_eq!(t.ticket_id.as_deref(), Some("1"));
        assert_eq!(t.status, Some(51));
        assert_eq!(t.stage, Some(9));
        assert_eq!(t.score, None);
        let paths: Vec<_> = e.warnings().map(|i| i.path.as_str()).collect();
        for p in [
            "event.object.ticket_id",
            "event.object.status",
            "event.object.stage",
            "event.object.score",
            "event.old_object.foo",
        ] {
            assert!(paths.contains(&p), "{p} not in {paths:?}");
        }
    }

    #[test]
    fn message_position_string_or_number() {
        for pos in [json!("3"), json!(3)] {
            let e = from_value(&json!({"schema":"2.0","header":{"event_type":TICKET_MESSAGE},"event":{"position":pos,"sender_type":3,"ticket":{"ticket_id":"t","status":2}}})).unwrap();
            let Body::TicketMessage(m) = &e.body else {
                panic!("{e:?}")
            };
            assert_eq!(m.position.as_deref(), Some("3"));
            assert_eq!(m.sender_type, Some(3));
            assert_eq!(e.ticket().and_then(|t| t.status), Some(2));
            assert_eq!(e.warnings().count(), 0, "{:?}", e.issues);
        }
    }
}

#[cfg(test)]
mod detail_tests {
    use super::*;

    /// Reading only the state gives the same envelope, state and
    /// transitions as reading everything, and leaves the people out.
    #[test]
    fn state_detail_agrees_with_full() {
        let stream = include_str!("../../testdata/stream.plain.ndjson");
        let mut compared = 0;
        for line in stream.lines() {
            let full = Event::from_slice(line.as_bytes()).unwrap();
            let state = Event::from_slice_with(line.as_bytes(), Detail::State).unwrap();
            // The state of an event leaves out the token, the app and the
            // tenant (a url_verification is read whole).
            let kept = match full.body {
                Body::UrlVerification { .. } => full.envelope.clone(),
                _ => Envelope {
                    token: None,
                    app_id: None,
                    tenant_key: None,
                    ..full.envelope.clone()
                },
            };
            assert_eq!(kept, state.envelope);
            assert_eq!(full.transitions(), state.transitions());
            if let (Some(f), Some(s)) = (full.ticket(), state.ticket()) {
                assert_eq!(
                    (&f.ticket_id, f.stage, f.status, f.updated_at),
                    (&s.ticket_id, s.stage, s.status, s.updated_at)
                );
                assert!(s.guest.is_none() && s.agents.is_none() && s.customized_fields.is_none());
                assert!(s.helpdesk_id.is_none() && s.chat_id.is_none());
                assert!(s.score.is_none() && s.channel.is_none() && s.created_at.is_none());
                assert!(full.envelope.app_id.is_some() && full.envelope.token.is_some());
                compared += 1;
            }
        }
        assert!(compared >= 3);
    }
}
