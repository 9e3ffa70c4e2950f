//! The event model: envelopes (schema 2.0, schema 1.0, url_verification) and
//! the helpdesk events inside them. Anything else is kept as generic JSON.

pub mod challenge;
pub mod fields;
pub mod labels;
pub mod raw;
pub mod ticket;

use crate::transition::{self, Transition};
pub use challenge::challenge_response;
pub use fields::{Issue, Issues, Path};

const HEADER: Path<'static> = Path::top("header");
const EVENT: Path<'static> = Path::top("event");
pub use labels::{CodeKind, Lang};
use raw::{RawDoc, RawEvent, RawTicket, Scalar};
pub use ticket::{Approval, CustomField, Detail, MessageContent, Ticket, TicketMessage, User};

pub const TICKET_UPDATED: &str = "helpdesk.ticket.updated_v1";
pub const TICKET_CREATED: &str = "helpdesk.ticket.created_v1";
pub const TICKET_MESSAGE: &str = "helpdesk.ticket_message.created_v1";
pub const NOTIFICATION_APPROVE: &str = "helpdesk.notification.approve_v1";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Schema {
    V2,
    V1,
}

impl Schema {
    pub fn as_str(self) -> &'static str {
        match self {
            Schema::V2 => "2.0",
            Schema::V1 => "1.0",
        }
    }
}

/// The envelope fields every event has, whatever its schema.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Envelope {
    /// `None` for url_verification.
    pub schema: Option<Schema>,
    pub event_type: Option<String>,
    pub event_id: Option<String>,
    /// Milliseconds since the epoch.
    pub create_time: Option<i64>,
    /// The verification token carried by the payload (never printed).
    pub token: Option<String>,
    pub app_id: Option<String>,
    pub tenant_key: Option<String>,
}

/// What the event says, by type.
// One Event lives per record and briefly; boxing the large variants would
// add an allocation per record on the hot path for no memory benefit.
#[allow(clippy::large_enum_variant)]
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Body {
    UrlVerification {
        challenge: Option<String>,
    },
    TicketUpdated {
        ticket: Ticket,
        transitions: Vec<Transition>,
        /// Whether the payload had an `old_object` at all.
        old_object: bool,
    },
    TicketCreated {
        ticket: Ticket,
    },
    TicketMessage(TicketMessage),
    Approval(Approval),
    /// Any other event: the top-level keys of its `event` object.
    Other {
        keys: Vec<String>,
    },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Event {
    pub envelope: Envelope,
    pub body: Body,
    pub issues: Vec<Issue>,
}

/// What one parse of a plain record settles ([`Event::from_plain`]).
#[derive(Debug)]
// Short-lived, one per record: boxing the event would cost an allocation
// per record on the hot path.
#[allow(clippy::large_enum_variant)]
pub enum Plain {
    /// The record is this event.
    Event(Event),
    /// The record wraps another (encrypted, or a capture record): what a
    /// probe of it finds.
    Wrapper(crate::input::Probe),
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

    /// Reads an event, with tickets read to the given detail.
    pub fn from_slice_with(bytes: &[u8], detail: Detail) -> Result<Event, EventError> {
        // Records reach here already checked to be UTF-8 (by the splitter
        // or the decryption); checking it once with SIMD lets serde_json
        // skip its own check of every string. Anything else keeps
        // serde_json's message for where the bad byte is.
        let raw: RawDoc = match simdutf8::basic::from_utf8(bytes) {
            Ok(text) => serde_json::from_str(text),
            Err(_) => serde_json::from_slice(bytes),
        }
        .map_err(|e| EventError::Malformed(e.to_string()))?;
        Event::from_raw(&raw, detail).map_err(|_| EventError::NotAnEvent(NotAnEvent))
    }

    /// Reads a plain record the splitter left unchecked
    /// ([`crate::input::Raw::Unchecked`]) in the one parse that also checks
    /// it: its event, or what a probe finds when it is an encrypted wrapper
    /// or a capture record. `None` unless that parse alone settles the
    /// record (the bytes are UTF-8 and JSON, and an event or a wrapper);
    /// such a record goes the general way, which reports what is wrong with
    /// it exactly as the splitter would have. Whatever this gives, the
    /// general way gives too.
    pub fn from_plain(bytes: &[u8], detail: Detail) -> Option<Plain> {
        if let Some(probe) = crate::input::Probe::of_bare_wrapper(bytes) {
            return Some(Plain::Wrapper(probe));
        }
        let text = simdutf8::basic::from_utf8(bytes).ok()?;
        let raw: RawDoc = serde_json::from_str(text).ok()?;
        let probe = raw.probe();
        if probe.encrypt.is_some() || probe.capture_record {
            return Some(Plain::Wrapper(probe));
        }
        Event::from_raw(&raw, detail).ok().map(Plain::Event)
    }

    /// The one way a command reads a record's event: from its plaintext
    /// bytes (decrypted, or the body itself), never from a re-serialized
    /// value, so every command reads the same event or reports the same
    /// error.
    pub fn of_record(
        record: &crate::record::Record,
        detail: Detail,
    ) -> Result<Event, crate::input::RecordError> {
        Event::from_slice_with(record.plaintext_bytes(), detail)
            .map_err(|e| crate::input::RecordError::new(record.location().clone(), e.to_string()))
    }

    pub fn from_raw(doc: &RawDoc<'_>, detail: Detail) -> Result<Event, NotAnEvent> {
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
                let envelope = read_v2_envelope(doc, &mut issues);
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
                let envelope = read_v1_envelope(doc, event, &mut issues);
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
        Ok(Event {
            envelope,
            body,
            issues: issues.0,
        })
    }

    pub fn is_url_verification(&self) -> bool {
        matches!(self.body, Body::UrlVerification { .. })
    }

    /// The ticket state, for ticket events.
    pub fn ticket(&self) -> Option<&Ticket> {
        match &self.body {
            Body::TicketUpdated { ticket, .. } | Body::TicketCreated { ticket } => Some(ticket),
            Body::TicketMessage(message) => message.ticket.as_ref(),
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

fn read_v2_envelope(doc: &RawDoc<'_>, issues: &mut Issues) -> Envelope {
    if let Some(schema) = doc.schema.as_ref().and_then(Scalar::as_str)
        && schema != "2.0"
    {
        issues.warn("schema".to_string(), format!("unknown schema {schema:?}"));
    }
    let Some(header) = issues.object(doc.header.as_ref(), &Path::ROOT, "header") else {
        issues.deviate("header".to_string(), "missing");
        return Envelope {
            schema: Some(Schema::V2),
            ..Envelope::default()
        };
    };
    issues.require(
        fields::present(header.event_id.as_ref()),
        &HEADER,
        "event_id",
    );
    issues.require(
        fields::present(header.event_type.as_ref()),
        &HEADER,
        "event_type",
    );
    issues.require(
        fields::present(header.create_time.as_ref()),
        &HEADER,
        "create_time",
    );
    let create_time = header
        .create_time
        .as_ref()
        .and_then(|v| read_create_time(v, "header.create_time", issues));
    Envelope {
        schema: Some(Schema::V2),
        event_type: issues.string(header.event_type.as_ref(), &HEADER, "event_type"),
        event_id: issues.string(header.event_id.as_ref(), &HEADER, "event_id"),
        create_time,
        token: issues.string(header.token.as_ref(), &HEADER, "token"),
        app_id: issues.string(header.app_id.as_ref(), &HEADER, "app_id"),
        tenant_key: issues.string(header.tenant_key.as_ref(), &HEADER, "tenant_key"),
    }
}

/// `create_time` is milliseconds as a string; some old events use 16-digit
/// microseconds.
fn read_create_time(value: &Scalar<'_>, path: &str, issues: &mut Issues) -> Option<i64> {
    let n = match value {
        Scalar::Str(s) => match s.parse::<i64>() {
            Ok(n) => n,
            Err(_) => {
                issues.warn(
                    path.to_string(),
                    format!("expected a millisecond timestamp, found {s:?}"),
                );
                return None;
            }
        },
        Scalar::Int(n) => {
            issues.warn(path.to_string(), "expected a string, found a number");
            *n
        }
        Scalar::Number(n) => {
            issues.warn(path.to_string(), format!("expected an integer, found {n}"));
            return None;
        }
        Scalar::Null => return None,
        other => {
            issues.wrong_type(path.to_string(), "a string", other.kind());
            return None;
        }
    };
    // Fifteen digits or more are microseconds, when they are a time at all
    // as such; anything else keeps its value (and renders as out of range).
    let micros =
        n.unsigned_abs() >= 100_000_000_000_000 && jiff::Timestamp::from_microsecond(n).is_ok();
    Some(if micros { n / 1000 } else { n })
}

fn read_v1_envelope(
    doc: &RawDoc<'_>,
    event: Option<&RawEvent<'_>>,
    issues: &mut Issues,
) -> Envelope {
    let create_time = match &doc.ts {
        Some(Scalar::Str(ts)) => match parse_seconds(ts) {
            Seconds::Millis(ms) => Some(ms),
            Seconds::Malformed => {
                issues.warn(
                    "ts".to_string(),
                    format!("expected seconds like \"1608725989.000000\", found {ts:?}"),
                );
                None
            }
            Seconds::OutOfRange => {
                issues.warn("ts".to_string(), format!("{ts} seconds is out of range"));
                None
            }
        },
        Some(Scalar::Int(n)) => n.checked_mul(1000).or_else(|| {
            issues.warn("ts".to_string(), format!("{n} seconds is out of range"));
            None
        }),
        Some(Scalar::Number(n)) => {
            let ms = n.as_f64().map(|s| (s * 1000.0).round());
            // i64::MAX is not an f64: 2^63 is the first value beyond.
            match ms.filter(|ms| (-(2f64.powi(63))..2f64.powi(63)).contains(ms)) {
                Some(ms) => Some(ms as i64),
                None => {
                    issues.warn("ts".to_string(), format!("{n} seconds is out of range"));
                    None
                }
            }
        }
        _ => None,
    };
    let (event_type, app_id, tenant_key) = match event {
        Some(e) => (
            issues.string(e.kind.as_ref(), &EVENT, "type"),
            issues.string(e.app_id.as_ref(), &EVENT, "app_id"),
            issues.string(e.tenant_key.as_ref(), &EVENT, "tenant_key"),
        ),
        None => (None, None, None),
    };
    Envelope {
        schema: Some(Schema::V1),
        event_type,
        event_id: issues.string(doc.uuid.as_ref(), &Path::ROOT, "uuid"),
        create_time,
        token: issues.string(doc.token.as_ref(), &Path::ROOT, "token"),
        app_id,
        tenant_key,
    }
}

/// What a schema 1.0 `ts` string says.
#[derive(Debug, PartialEq, Eq)]
enum Seconds {
    Millis(i64),
    Malformed,
    /// Seconds, but not a millisecond count an i64 holds.
    OutOfRange,
}

/// "seconds.fraction" -> milliseconds, exactly (the fraction cut to
/// milliseconds, toward zero; "-1.5" is -1500).
fn parse_seconds(ts: &str) -> Seconds {
    let (secs, frac) = ts.split_once('.').unwrap_or((ts, ""));
    let whole = match secs.parse::<i64>() {
        Ok(whole) => whole,
        Err(e) => {
            use std::num::IntErrorKind::{NegOverflow, PosOverflow};
            return match e.kind() {
                PosOverflow | NegOverflow => Seconds::OutOfRange,
                _ => Seconds::Malformed,
            };
        }
    };
    if !frac.bytes().all(|b| b.is_ascii_digit()) {
        return Seconds::Malformed;
    }
    let millis = frac
        .bytes()
        .chain(std::iter::repeat(b'0'))
        .take(3)
        .fold(0i64, |acc, b| acc * 10 + i64::from(b - b'0'));
    let millis = if secs.starts_with('-') {
        -millis
    } else {
        millis
    };
    whole
        .checked_mul(1000)
        .and_then(|ms| ms.checked_add(millis))
        .map_or(Seconds::OutOfRange, Seconds::Millis)
}

fn read_body(
    event_type: Option<&str>,
    event: Option<&RawEvent<'_>>,
    path: &Path<'_>,
    detail: Detail,
    issues: &mut Issues,
) -> Body {
    let empty = RawEvent::default();
    let event = event.unwrap_or(&empty);
    let ticket_object = |issues: &mut Issues| {
        let object = issues.object(event.object.as_ref(), path, "object");
        let object_path = path.key("object");
        if object.is_none() {
            issues.deviate(object_path.to_string(), "missing");
        }
        let empty_ticket = RawTicket::default();
        Ticket::read(
            object.unwrap_or(&empty_ticket),
            &object_path,
            object.is_some(),
            detail,
            issues,
        )
    };
    match event_type {
        Some(TICKET_UPDATED) => {
            let ticket = ticket_object(issues);
            let (transitions, old_object) =
                match issues.object(event.old_object.as_ref(), path, "old_object") {
                    Some(old) => (
                        transition::from_old_object(
                            &ticket,
                            event.object.as_ref(),
                            old,
                            &path.key("old_object"),
                            issues,
                        ),
                        true,
                    ),
                    None => {
                        issues.deviate(path.join("old_object"), "missing");
                        (Vec::new(), false)
                    }
                };
            Body::TicketUpdated {
                ticket,
                transitions,
                old_object,
            }
        }
        Some(TICKET_CREATED) => Body::TicketCreated {
            ticket: ticket_object(issues),
        },
        Some(TICKET_MESSAGE) => Body::TicketMessage(TicketMessage::read(event, path, issues)),
        Some(NOTIFICATION_APPROVE) => Body::Approval(Approval::read(event, path, issues)),
        _ => Body::Other {
            keys: event.keys.iter().map(|k| k.to_string()).collect(),
        },
    }
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
    fn seconds_to_millis() {
        use Seconds::*;
        assert_eq!(
            parse_seconds("1608725989.123456"),
            Millis(1_608_725_989_123)
        );
        assert_eq!(parse_seconds("1608725989.5"), Millis(1_608_725_989_500));
        assert_eq!(parse_seconds("1608725989"), Millis(1_608_725_989_000));
        assert_eq!(parse_seconds("-1.5"), Millis(-1500));
        assert_eq!(parse_seconds("-0.25"), Millis(-250));
        assert_eq!(parse_seconds("x.1"), Malformed);
        assert_eq!(parse_seconds("1.x"), Malformed);
        assert_eq!(parse_seconds("-"), Malformed);
        assert_eq!(parse_seconds("9223372036854775807"), OutOfRange);
        assert_eq!(parse_seconds("-9223372036854775808.5"), OutOfRange);
        assert_eq!(parse_seconds("99999999999999999999"), OutOfRange);
        assert_eq!(parse_seconds("-9223372036854775.808"), Millis(i64::MIN));
    }

    #[test]
    fn microsecond_create_time() {
        let mut issues = Issues::default();
        assert_eq!(
            read_create_time(&Scalar::Str("1608725989000123".into()), "p", &mut issues),
            Some(1_608_725_989_000)
        );
        assert_eq!(
            read_create_time(&Scalar::Str("1608725989000".into()), "p", &mut issues),
            Some(1_608_725_989_000)
        );
        assert!(issues.0.is_empty());
        // Not microseconds either: kept as it came, never negated.
        for n in [i64::MIN, i64::MAX, -1_000_000_000_000_000_000] {
            let s = Scalar::Str(n.to_string().into());
            assert_eq!(read_create_time(&s, "p", &mut issues), Some(n));
        }
        assert_eq!(
            read_create_time(&Scalar::Str("-1608725989000123".into()), "p", &mut issues),
            Some(-1_608_725_989_000)
        );
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
            assert_eq!(full.envelope, state.envelope);
            assert_eq!(full.transitions(), state.transitions());
            if let (Some(f), Some(s)) = (full.ticket(), state.ticket()) {
                assert_eq!(
                    (&f.ticket_id, f.stage, f.status, f.updated_at),
                    (&s.ticket_id, s.stage, s.status, s.updated_at)
                );
                assert!(s.guest.is_none() && s.agents.is_none() && s.customized_fields.is_none());
                compared += 1;
            }
        }
        assert!(compared >= 3);
    }
}
