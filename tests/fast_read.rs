//! The fast reader ([`lark_ticket::json::read_fast`]) against serde_json,
//! its oracle: whatever text it reads, serde_json reads into an equal
//! document; whatever serde_json rejects, it leaves alone; and it does read
//! the records it is for (compact ones with no escapes), so that the
//! equivalence is not won by reading nothing.

use lark_ticket::event::raw::{RawCustomField, RawDoc, RawUser};
use lark_ticket::json::{FastFill, FastRead, Nested, NestedList, read_fast};
use proptest::prelude::*;
use serde::Deserialize;
use serde_json::{Value, json};

/// When the fast reader reads `text` as a `T`, serde_json reads the same.
/// Returns whether the fast reader read it.
fn agrees<'a, T>(text: &'a str) -> bool
where
    T: FastRead<'a> + Deserialize<'a> + PartialEq + std::fmt::Debug,
{
    let Some(fast) = read_fast::<T>(text) else {
        return false;
    };
    let slow: Result<T, _> = serde_json::from_str(text);
    assert_eq!(slow.ok().as_ref(), Some(&fast), "{text}");
    true
}

/// Every lenient type the records are read into, on one text.
fn all_agree(text: &str) -> bool {
    fn nested<'a, T: FastFill<'a> + Deserialize<'a> + PartialEq + std::fmt::Debug>(text: &'a str) {
        agrees::<Nested<T>>(text);
        agrees::<NestedList<T>>(text);
    }
    nested::<RawUser>(text);
    nested::<RawCustomField>(text);
    agrees::<RawDoc>(text)
}

#[test]
fn reads_every_plain_fixture_as_serde_json_does() {
    let mut read = 0;
    for entry in std::fs::read_dir("testdata").unwrap() {
        let path = entry.unwrap().path();
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        for line in text.lines().chain([text.as_str()]) {
            read += usize::from(all_agree(line));
        }
    }
    // The stream fixtures alone have dozens of plain one-line records.
    assert!(read >= 40, "the fast reader read only {read} texts");
}

/// A repeated key's object replaces the one before it whole, as serde_json
/// reads it, where the fast reader fills objects in place too.
#[test]
fn a_repeated_object_replaces_the_one_before() {
    for text in [
        r#"{"schema":"2.0","event":{"object":{"status":1,"stage":2},"object":{"status":3}}}"#,
        r#"{"schema":"2.0","event":{"object":{"status":1}},"event":{"type":"x","old_object":{"stage":1}}}"#,
        r#"{"schema":"2.0","header":{"event_id":"a","token":"t"},"header":{"event_id":"b"}}"#,
        r#"{"schema":"2.0","event":{"object":{"status":1}},"event":7}"#,
        r#"{"schema":"2.0","event":7,"event":{"object":{"status":1}}}"#,
    ] {
        assert!(agrees::<RawDoc>(text), "not read fast: {text}");
    }
}

#[test]
fn leaves_escapes_floats_signs_and_depth_to_serde_json() {
    for text in [
        r#"{"schema":"2.0","uuid":"a\"b"}"#,
        "{\"schema\":\"2.0\",\t\"uuid\":\"x\"}",
        r#"{"schema":"2.0","ts":1.5}"#,
        r#"{"schema":"2.0","ts":-1}"#,
        r#"{"schema":"2.0","ts":18446744073709551616}"#,
        &format!(
            r#"{{"schema":"2.0","x":{}1{}}}"#,
            "[".repeat(101),
            "]".repeat(101)
        ),
    ] {
        assert!(read_fast::<RawDoc>(text).is_none(), "{text}");
        assert!(serde_json::from_str::<RawDoc>(text).is_ok(), "{text}");
    }
    // Floats and signs skipped over, not kept, are read.
    assert!(agrees::<RawDoc>(
        r#"{"schema":"2.0","x":[-1.5e3,0,-0,1E+2]}"#
    ));
}

#[test]
fn rejects_what_serde_json_rejects() {
    for text in [
        "",
        " ",
        "{",
        r#"{"a":1,}"#,
        r#"{"a":01}"#,
        r#"{"a":1.}"#,
        r#"{"a":-}"#,
        r#"{"a":1e}"#,
        r#"{"a":tru}"#,
        r#"{"a":nul}"#,
        r#"{"a" 1}"#,
        r#"{a:1}"#,
        r#"{"a":[1,]}"#,
        r#"{"a":[1 2]}"#,
        r#"{"a":1}x"#,
        r#"{"a":1} {"b":2}"#,
        r#"{"a":"b}"#,
        r#"["schema"]"#,
        r#"{"schema":"2.0","header":{"event_id":"x",}}"#,
    ] {
        assert!(serde_json::from_str::<RawDoc>(text).is_err(), "{text}");
        assert!(read_fast::<RawDoc>(text).is_none(), "{text}");
    }
}

/// A value of any kind, mostly the kinds the fast reader reads, with keys
/// from the payload's schema so that the typed fields are exercised.
fn any_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        (0u64..100).prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        "[a-z0-9 _.\u{e9}\u{4e2d}]{0,12}".prop_map(Value::from),
        "[a-z\"\\\\\t\u{1}]{0,4}".prop_map(Value::from),
    ];
    let keys = prop_oneof![
        Just("schema"),
        Just("header"),
        Just("event"),
        Just("event_type"),
        Just("object"),
        Just("old_object"),
        Just("ticket_id"),
        Just("status"),
        Just("stage"),
        Just("guest"),
        Just("agents"),
        Just("id"),
        Just("name"),
        Just("customized_fields"),
        Just("value"),
        Just("encrypt"),
        Just("x"),
    ];
    leaf.prop_recursive(5, 48, 6, move |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..5).prop_map(Value::from),
            proptest::collection::vec((keys.clone(), inner), 0..6).prop_map(|members| {
                // Repeated keys are kept as written: serde_json's Map would
                // fold them, so the text is assembled by hand.
                Value::String(format!(
                    "\u{0}{{{}}}",
                    members
                        .iter()
                        .map(|(k, v)| format!("\"{k}\":{}", text_of(v)))
                        .collect::<Vec<_>>()
                        .join(",")
                ))
            }),
        ]
    })
}

/// A value's text; a string starting with NUL is an object written by hand.
fn text_of(value: &Value) -> String {
    match value {
        Value::String(s) if s.starts_with('\u{0}') => s[1..].to_string(),
        Value::Array(items) => format!(
            "[{}]",
            items.iter().map(text_of).collect::<Vec<_>>().join(",")
        ),
        other => other.to_string(),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    /// Any document, as written and with one byte changed.
    #[test]
    fn agrees_with_serde_json(
        value in any_value(),
        spaced in any::<bool>(),
        at in any::<prop::sample::Index>(),
        byte in prop_oneof![
            Just(b'{'), Just(b'}'), Just(b'['), Just(b']'), Just(b','), Just(b':'),
            Just(b'"'), Just(b'0'), Just(b'-'), Just(b'.'), Just(b'e'), Just(b' '), Just(b'n'),
        ],
    ) {
        let mut text = text_of(&value);
        if spaced {
            text = text.replace(',', " , ").replace(':', ": ");
        }
        all_agree(&text);
        let mut bytes = text.into_bytes();
        if !bytes.is_empty() {
            let i = at.index(bytes.len());
            bytes[i] = byte;
            if let Ok(changed) = String::from_utf8(bytes) {
                all_agree(&changed);
            }
        }
    }
}

#[test]
fn a_whole_ticket_update_is_read_fast() {
    let doc = json!({"schema":"2.0","header":{"event_id":"e","event_type":"helpdesk.ticket.updated_v1","create_time":"1"},
        "event":{"object":{"ticket_id":"t","stage":2,"status":50,"guest":{"id":{"open_id":"ou"},"name":"王"},
        "agents":[{"name":"a"}],"customized_fields":[{"id":"1","value":"v"}],"zz":[1,{"a":null}]},
        "old_object":{"stage":1,"extra":{"b":[true,false]}}}});
    let text = doc.to_string();
    assert!(agrees::<RawDoc>(&text));
    let spaced = serde_json::to_string_pretty(&doc)
        .unwrap()
        .replace('\n', " ");
    assert!(agrees::<RawDoc>(&spaced));
}
