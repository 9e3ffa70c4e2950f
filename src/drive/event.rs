//! The event a battery sends, as a JSON template: fresh `event_id`s, the
//! configured token, another event type, a tampered field. Schema 2.0 keeps
//! them in `header`; schema 1.0 at the top (`uuid`, `token`, `event.type`).

use serde_json::{Map, Value, json};

/// The documentation's `helpdesk.ticket.updated_v1` example.
pub const EXAMPLE: &str = include_str!("../../testdata/ticket-updated.json");

/// Where the envelope's members are.
fn header(value: &mut Value) -> Option<&mut Map<String, Value>> {
    let v2 = value.get("schema").and_then(Value::as_str) == Some("2.0");
    let object = value.as_object_mut()?;
    if v2 {
        object.get_mut("header")?.as_object_mut()
    } else {
        Some(object)
    }
}

pub fn is_v2(value: &Value) -> bool {
    value.get("schema").and_then(Value::as_str) == Some("2.0")
}

/// The event with `event_id` (2.0) or `uuid` (1.0) set.
pub fn with_id(mut value: Value, id: &str) -> Value {
    let key = if is_v2(&value) { "event_id" } else { "uuid" };
    if let Some(h) = header(&mut value) {
        h.insert(key.into(), json!(id));
    }
    value
}

/// The event carrying `token`.
pub fn with_token(mut value: Value, token: &str) -> Value {
    if let Some(h) = header(&mut value) {
        h.insert("token".into(), json!(token));
    }
    value
}

/// A sibling event: `helpdesk.notification.approve_v1` with the same
/// envelope.
pub fn approve_notification(mut value: Value) -> Value {
    let v2 = is_v2(&value);
    if v2 && let Some(h) = header(&mut value) {
        h.insert(
            "event_type".into(),
            json!(crate::event::NOTIFICATION_APPROVE),
        );
    }
    let mut body = json!({
        "notification_id": "6985032626234982420",
        "helpdesk_id": "6626871355780366330",
        "approve_status": "APPROVED",
    });
    if !v2 && let Some(b) = body.as_object_mut() {
        b.insert("type".into(), json!(crate::event::NOTIFICATION_APPROVE));
    }
    if let Some(object) = value.as_object_mut() {
        object.insert("event".into(), body);
    }
    value
}

/// The event with one value changed, as a tamperer would: the ticket's
/// status, or a new member when there is none.
pub fn tampered(mut value: Value) -> Value {
    let status = value
        .pointer_mut("/event/object/status")
        .filter(|s| s.is_number());
    match status {
        Some(s) => *s = json!(51),
        None => {
            if let Some(object) = value.as_object_mut() {
                object.insert("tampered".into(), json!(true));
            }
        }
    }
    value
}

/// Compact bytes, keys in their order.
pub fn compact(value: &Value) -> Vec<u8> {
    serde_json::to_vec(value).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn example() -> Value {
        serde_json::from_str(EXAMPLE).unwrap()
    }

    #[test]
    fn templates() {
        let v = with_token(with_id(example(), "e1"), "t1");
        assert_eq!(v["header"]["event_id"], "e1");
        assert_eq!(v["header"]["token"], "t1");
        assert!(compact(&v).starts_with(b"{\"schema\":\"2.0\",\"header\":{\"event_id\":\"e1\""));
        let a = approve_notification(v.clone());
        assert_eq!(
            a["header"]["event_type"],
            "helpdesk.notification.approve_v1"
        );
        assert_eq!(a["event"]["approve_status"], "APPROVED");
        assert_ne!(
            tampered(v.clone())["event"]["object"]["status"],
            v["event"]["object"]["status"]
        );
        let old = with_token(
            with_id(json!({"uuid": "u", "event": {"type": "x"}}), "e2"),
            "t",
        );
        assert_eq!(
            (old["uuid"].as_str(), old["token"].as_str()),
            (Some("e2"), Some("t"))
        );
        assert_eq!(
            approve_notification(old)["event"]["type"],
            "helpdesk.notification.approve_v1"
        );
        assert_eq!(tampered(json!({}))["tampered"], true);
    }
}
