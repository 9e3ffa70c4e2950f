//! The events, the numbers put into them, and what `parse -o json` must
//! say of each.

use serde_json::{Value, json};

/// An event, and the JSON pointers of the fields that hold numbers (or
/// strings that numbers may stand in for).
pub struct Template {
    pub value: Value,
    pub fields: &'static [&'static str],
}

pub fn templates() -> Vec<Template> {
    let updated: Value =
        serde_json::from_str(include_str!("../../testdata/ticket-updated.json")).expect("fixture");
    let mut created = updated.clone();
    created["header"]["event_type"] = json!("helpdesk.ticket.created_v1");
    if let Some(event) = created["event"].as_object_mut() {
        event.remove("old_object");
    }
    let message = json!({"schema": "2.0",
        "header": {"event_id": "m", "event_type": "helpdesk.ticket_message.created_v1", "create_time": "1616920600000"},
        "event": {"ticket_message_id": "1", "position": "10", "sender_type": 2, "text": "hi",
                  "ticket": {"ticket_id": "7001", "stage": 1, "status": 2, "updated_at": 1616920600000_i64}}});
    let approval = json!({"schema": "2.0",
        "header": {"event_id": "a", "event_type": "helpdesk.notification.approve_v1", "create_time": "1616920700000"},
        "event": {"notification_id": "698", "helpdesk_id": "662", "approve_status": "APPROVED"}});
    let v1: Value =
        serde_json::from_str(include_str!("../../testdata/schema-1.0.json")).expect("fixture");
    const UPDATED: [&str; 16] = [
        "/header/create_time",
        "/event/object/stage",
        "/event/object/status",
        "/event/object/score",
        "/event/object/solve",
        "/event/object/channel",
        "/event/object/created_at",
        "/event/object/updated_at",
        "/event/object/closed_at",
        "/event/object/ticket_id",
        "/event/object/customized_fields/0/position",
        "/event/old_object/stage",
        "/event/old_object/status",
        "/event/old_object/updated_at",
        // Not documented: kept whole and shown as it came.
        "/event/old_object/score",
        "/event/object/helpdesk_id",
    ];
    const CREATED: [&str; 5] = [
        "/header/create_time",
        "/event/object/status",
        "/event/object/updated_at",
        "/event/object/closed_at",
        "/event/object/customized_fields/0/position",
    ];
    const MESSAGE: [&str; 9] = [
        "/header/create_time",
        "/event/position",
        "/event/sender_type",
        "/event/ticket_message_id",
        "/event/ticket/ticket_id",
        "/event/ticket/stage",
        "/event/ticket/status",
        "/event/ticket/updated_at",
        "/event/ticket/created_at",
    ];
    const APPROVAL: [&str; 4] = [
        "/header/create_time",
        "/event/notification_id",
        "/event/helpdesk_id",
        "/event/approve_status",
    ];
    vec![
        Template {
            value: updated,
            fields: &UPDATED,
        },
        Template {
            value: created,
            fields: &CREATED,
        },
        Template {
            value: message,
            fields: &MESSAGE,
        },
        Template {
            value: approval,
            fields: &APPROVAL,
        },
        Template {
            value: v1,
            fields: &["/ts"],
        },
    ]
}

/// The template with each `(pointer, literal, as_string)` put in: the
/// literal as a JSON number, or as a JSON string.
pub fn build(template: &Value, slots: &[(&str, &str, bool)]) -> Vec<u8> {
    let mut value = template.clone();
    for (i, (pointer, _, _)) in slots.iter().enumerate() {
        let (parent, key) = pointer.rsplit_once('/').expect("a pointer");
        let Some(Value::Object(map)) = value.pointer_mut(parent) else {
            panic!("{parent} is not an object")
        };
        map.insert(key.to_string(), json!(format!("@slot{i}@")));
    }
    let mut text = value.to_string();
    for (i, (_, literal, as_string)) in slots.iter().enumerate() {
        let literal = if *as_string {
            format!("\"{literal}\"")
        } else {
            literal.to_string()
        };
        text = text.replace(&format!("\"@slot{i}@\""), &literal);
    }
    text.into_bytes()
}

/// What the lenient integer reading makes of a literal: a JSON number
/// that is an i64, or a string that parses as one.
fn as_i64(literal: &str, as_string: bool) -> Option<i64> {
    let n: i64 = literal.trim().parse().ok()?;
    // "-0" as a JSON number is a float to serde_json.
    (as_string || literal != "-0").then_some(n)
}

/// Whether a literal stands for the value it replaces: the same string, or
/// the same number (`-0` is `0`).
pub fn same(before: Option<&Value>, literal: &str, as_string: bool) -> bool {
    match before {
        Some(Value::String(s)) => as_string && s == literal,
        Some(Value::Number(n)) if !as_string => {
            n.to_string() == literal || (literal == "-0" && n.as_i64() == Some(0))
        }
        _ => false,
    }
}

/// A time as `parse` shows it: the RFC 3339 instant of `ms`, `unset`, or
/// `out of range (ms)`.
fn shows_time(label: &str, ms: i64) -> bool {
    match jiff::Timestamp::from_millisecond(ms) {
        _ if ms == -1 => label == "unset",
        Ok(_) => label
            .parse::<jiff::Timestamp>()
            .is_ok_and(|t| t.as_millisecond() == ms),
        Err(_) => label == format!("out of range ({ms})"),
    }
}

/// A time beyond the calendar is shown as its number, said to be out of
/// range, in the table.
fn table_shows(table: &str, ms: i64) -> bool {
    jiff::Timestamp::from_millisecond(ms).is_ok() || table.contains(&format!("out of range ({ms})"))
}

/// One field set to one literal: what `parse` says of it, in JSON and
/// (for times) in the table.
pub fn check_field(pointer: &str, literal: &str, as_string: bool, (out, table): &(Value, String)) {
    let n = as_i64(literal, as_string);
    let context = format!("{pointer} = {literal} (string: {as_string}): {out}");
    let warned = |path: &str| out["warnings"].to_string().contains(path);
    let field = pointer.rsplit('/').next().unwrap_or_default();
    // A message's ticket is the ticket too.
    let ticket = &out["ticket"];
    match pointer {
        "/header/create_time" => match (n, &out["create_time"]) {
            (Some(n), Value::Number(got)) => {
                let got = got.as_i64().expect("an i64");
                assert!(got == n || (got == n / 1000 && n.unsigned_abs() >= 10u64.pow(14)));
                assert!(table_shows(table, got), "{context}\n{table}");
            }
            (None, Value::Null) => assert!(warned("header.create_time"), "{context}"),
            _ => panic!("{context}"),
        },
        "/ts" => match (literal.parse::<i64>().ok(), &out["create_time"]) {
            (Some(s), got) if s.checked_mul(1000).is_some() && literal != "-0" => {
                assert_eq!(got, &json!(s * 1000), "{context}")
            }
            (_, Value::Null) => assert!(warned("ts"), "{context}"),
            (_, got) => assert!(got.is_i64(), "{context}"),
        },
        p if p.ends_with("/stage")
            || p.ends_with("/status")
            || p.ends_with("/score") && p.contains("/object/")
            || p.ends_with("/solve")
            || p.ends_with("/channel")
            || p.ends_with("/sender_type") =>
        {
            let got = if p.starts_with("/event/old_object/") {
                let t = out["transitions"].as_array().expect("transitions");
                let t = t
                    .iter()
                    .find(|t| t["field"] == field)
                    .expect("a transition");
                t["from"].clone()
            } else if p == "/event/sender_type" {
                out["details"]["sender_type"].clone()
            } else {
                ticket[field].clone()
            };
            match n {
                Some(n) => assert_eq!(got["value"], n, "{context}"),
                None => assert!(got.is_null() && warned(field), "{context}"),
            }
        }
        p if p.ends_with("_at") => {
            if p.starts_with("/event/old_object/") {
                let t = &out["transitions"][2];
                assert_eq!(t["field"], "updated_at");
                match n {
                    Some(n) => {
                        assert_eq!(t["from"]["value"], n, "{context}");
                        let label = t["from"]["label"].as_str().expect("a label");
                        assert!(shows_time(label, n), "{label} for {context}");
                    }
                    None => assert!(t["from"].is_null() && warned(field), "{context}"),
                }
            } else {
                match n {
                    Some(n) => {
                        assert_eq!(ticket[field], n, "{context}");
                        assert!(table_shows(table, n), "{context}\n{table}");
                    }
                    None => assert!(ticket[field].is_null() && warned(field), "{context}"),
                }
            }
        }
        p if p.ends_with("/0/position") => {
            let got = &ticket["customized_fields"][0]["position"];
            match n {
                Some(n) => assert_eq!(got, &json!(n), "{context}"),
                None => assert!(got.is_null() && warned("position"), "{context}"),
            }
        }
        "/event/old_object/score" => {
            let t = out["transitions"].as_array().expect("transitions");
            let t = t
                .iter()
                .find(|t| t["field"] == "score")
                .expect("kept whole");
            assert!(!t["from"].is_null(), "{context}");
        }
        // Ids and the like: text, whatever form they came in.
        _ => {
            let got = match pointer {
                p if p.contains("/ticket/") || p.contains("/object/") => &ticket[field],
                _ => &out["details"][field],
            };
            let text = got.as_str().unwrap_or_else(|| panic!("{context}"));
            if as_string {
                assert_eq!(text, literal, "{context}");
            }
        }
    }
}
