//! The event model: envelopes (schema 2.0, schema 1.0, url_verification) and
//! the helpdesk events inside them. Anything else is kept as generic JSON.

pub mod fields;
pub mod labels;
pub mod ticket;

use serde_json::{Map, Value};

use crate::transition::{self, Transition};
pub use fields::{Issue, Issues};
pub use labels::{CodeKind, Lang};
pub use ticket::{Approval, CustomField, MessageContent, Ticket, TicketMessage, User};

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

/// The payload is not an event callback at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "not a Lark event callback: no \"schema\" (2.0), \"uuid\" (1.0) or \"type\":\"url_verification\""
)]
pub struct NotAnEvent;

impl Event {
    pub fn from_value(value: &Value) -> Result<Event, NotAnEvent> {
        let obj = value.as_object().ok_or(NotAnEvent)?;
        let mut issues = Issues::default();
        let non_empty = |key: &str| {
            obj.get(key)
                .and_then(Value::as_str)
                .is_some_and(|s| !s.is_empty())
        };
        let (envelope, body) =
            if obj.get("type").and_then(Value::as_str) == Some("url_verification") {
                let envelope = Envelope {
                    token: issues.string(obj, "token", ""),
                    ..Envelope::default()
                };
                let challenge = issues.string(obj, "challenge", "");
                if challenge.is_none() {
                    issues.warn("challenge".to_string(), "missing");
                }
                (envelope, Body::UrlVerification { challenge })
            } else if non_empty("schema") {
                let envelope = read_v2_envelope(obj, &mut issues);
                let event = event_object(obj, "event", &mut issues);
                let body = read_body(envelope.event_type.as_deref(), event, "event", &mut issues);
                (envelope, body)
            } else if non_empty("uuid") {
                let event = event_object(obj, "event", &mut issues);
                let envelope = read_v1_envelope(obj, event, &mut issues);
                let body = read_body(envelope.event_type.as_deref(), event, "event", &mut issues);
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

fn event_object<'a>(
    obj: &'a Map<String, Value>,
    key: &str,
    issues: &mut Issues,
) -> Option<&'a Map<String, Value>> {
    let event = issues.object(obj, key, "");
    if event.is_none() {
        issues.deviate(key.to_string(), "missing");
    }
    event
}

fn read_v2_envelope(obj: &Map<String, Value>, issues: &mut Issues) -> Envelope {
    if let Some(schema) = obj.get("schema").and_then(Value::as_str)
        && schema != "2.0"
    {
        issues.warn("schema".to_string(), format!("unknown schema {schema:?}"));
    }
    let Some(header) = issues.object(obj, "header", "") else {
        issues.deviate("header".to_string(), "missing");
        return Envelope {
            schema: Some(Schema::V2),
            ..Envelope::default()
        };
    };
    for key in ["event_id", "event_type", "create_time"] {
        issues.require(header, key, "header");
    }
    let create_time = header
        .get("create_time")
        .and_then(|v| read_create_time(v, "header.create_time", issues));
    Envelope {
        schema: Some(Schema::V2),
        event_type: issues.string(header, "event_type", "header"),
        event_id: issues.string(header, "event_id", "header"),
        create_time,
        token: issues.string(header, "token", "header"),
        app_id: issues.string(header, "app_id", "header"),
        tenant_key: issues.string(header, "tenant_key", "header"),
    }
}

/// `create_time` is milliseconds as a string; some old events use 16-digit
/// microseconds.
fn read_create_time(value: &Value, path: &str, issues: &mut Issues) -> Option<i64> {
    let n = match value {
        Value::String(s) => match s.parse::<i64>() {
            Ok(n) => n,
            Err(_) => {
                issues.warn(
                    path.to_string(),
                    format!("expected a millisecond timestamp, found {s:?}"),
                );
                return None;
            }
        },
        Value::Number(_) => {
            let n = issues.int_value(value, path)?;
            issues.warn(path.to_string(), "expected a string, found a number");
            n
        }
        Value::Null => return None,
        other => {
            issues.warn(
                path.to_string(),
                format!("expected a string, found {}", fields::type_name(other)),
            );
            return None;
        }
    };
    Some(if n.abs() >= 100_000_000_000_000 {
        n / 1000
    } else {
        n
    })
}

fn read_v1_envelope(
    obj: &Map<String, Value>,
    event: Option<&Map<String, Value>>,
    issues: &mut Issues,
) -> Envelope {
    let create_time = match obj.get("ts") {
        Some(Value::String(ts)) => parse_seconds(ts).or_else(|| {
            issues.warn(
                "ts".to_string(),
                format!("expected seconds like \"1608725989.000000\", found {ts:?}"),
            );
            None
        }),
        Some(Value::Number(n)) => n.as_f64().map(|s| (s * 1000.0).round() as i64),
        _ => None,
    };
    let (event_type, app_id, tenant_key) = match event {
        Some(e) => (
            issues.string(e, "type", "event"),
            issues.string(e, "app_id", "event"),
            issues.string(e, "tenant_key", "event"),
        ),
        None => (None, None, None),
    };
    Envelope {
        schema: Some(Schema::V1),
        event_type,
        event_id: issues.string(obj, "uuid", ""),
        create_time,
        token: issues.string(obj, "token", ""),
        app_id,
        tenant_key,
    }
}

/// "seconds.fraction" -> milliseconds, exactly.
fn parse_seconds(ts: &str) -> Option<i64> {
    let (secs, frac) = ts.split_once('.').unwrap_or((ts, ""));
    let secs: i64 = secs.parse().ok()?;
    if !frac.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let mut millis = 0i64;
    for (i, b) in frac
        .bytes()
        .chain(std::iter::repeat(b'0'))
        .take(3)
        .enumerate()
    {
        let _ = i;
        millis = millis * 10 + i64::from(b - b'0');
    }
    secs.checked_mul(1000)?.checked_add(millis)
}

fn read_body(
    event_type: Option<&str>,
    event: Option<&Map<String, Value>>,
    path: &str,
    issues: &mut Issues,
) -> Body {
    let empty = Map::new();
    let event = event.unwrap_or(&empty);
    match event_type {
        Some(TICKET_UPDATED) => {
            let object_path = fields::join(path, "object");
            let object = issues.object(event, "object", path);
            if object.is_none() {
                issues.deviate(object_path.clone(), "missing");
            }
            let ticket = Ticket::read(
                object.unwrap_or(&empty),
                &object_path,
                object.is_some(),
                issues,
            );
            let old_path = fields::join(path, "old_object");
            let transitions = match issues.object(event, "old_object", path) {
                Some(old) => transition::from_old_object(
                    &ticket,
                    object.unwrap_or(&empty),
                    old,
                    &old_path,
                    issues,
                ),
                None => {
                    issues.deviate(old_path, "missing");
                    Vec::new()
                }
            };
            Body::TicketUpdated {
                ticket,
                transitions,
            }
        }
        Some(TICKET_CREATED) => {
            let object_path = fields::join(path, "object");
            let object = issues.object(event, "object", path);
            if object.is_none() {
                issues.deviate(object_path.clone(), "missing");
            }
            Body::TicketCreated {
                ticket: Ticket::read(
                    object.unwrap_or(&empty),
                    &object_path,
                    object.is_some(),
                    issues,
                ),
            }
        }
        Some(TICKET_MESSAGE) => Body::TicketMessage(TicketMessage::read(event, path, issues)),
        Some(NOTIFICATION_APPROVE) => Body::Approval(Approval::read(event, path, issues)),
        _ => Body::Other {
            keys: event.keys().cloned().collect(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn seconds_to_millis() {
        assert_eq!(parse_seconds("1608725989.123456"), Some(1_608_725_989_123));
        assert_eq!(parse_seconds("1608725989.5"), Some(1_608_725_989_500));
        assert_eq!(parse_seconds("1608725989"), Some(1_608_725_989_000));
        assert_eq!(parse_seconds("x.1"), None);
        assert_eq!(parse_seconds("1.x"), None);
    }

    #[test]
    fn microsecond_create_time() {
        let mut issues = Issues::default();
        assert_eq!(
            read_create_time(&json!("1608725989000123"), "p", &mut issues),
            Some(1_608_725_989_000)
        );
        assert_eq!(
            read_create_time(&json!("1608725989000"), "p", &mut issues),
            Some(1_608_725_989_000)
        );
        assert!(issues.0.is_empty());
    }

    #[test]
    fn detection() {
        assert!(
            Event::from_value(&json!({"type":"url_verification","challenge":"c"}))
                .unwrap()
                .is_url_verification()
        );
        let v1 = Event::from_value(&json!({"uuid":"u","ts":"1.5","type":"event_callback","event":{"type":"message","app_id":"a"}})).unwrap();
        assert_eq!(v1.envelope.schema, Some(Schema::V1));
        assert_eq!(v1.envelope.event_type.as_deref(), Some("message"));
        assert_eq!(v1.envelope.create_time, Some(1500));
        assert_eq!(v1.envelope.app_id.as_deref(), Some("a"));
        assert_eq!(Event::from_value(&json!({"foo":1})), Err(NotAnEvent));
        assert_eq!(Event::from_value(&json!({"schema":""})), Err(NotAnEvent));
    }

    #[test]
    fn every_field_is_optional() {
        let e = Event::from_value(&json!({"schema":"2.0","header":{"event_type":TICKET_UPDATED},"event":{"object":{}, "old_object":{}}})).unwrap();
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
        let e = Event::from_value(&json!({"schema":"2.0","header":{"event_type":TICKET_UPDATED},
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
            let e = Event::from_value(&json!({"schema":"2.0","header":{"event_type":TICKET_MESSAGE},"event":{"position":pos,"sender_type":3,"ticket":{"ticket_id":"t","status":2}}})).unwrap();
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
