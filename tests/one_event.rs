//! Every command reads a record's event the one way `parse` does, from the
//! record's bytes: the same body gives the same event, or the same error,
//! through `parse`, `verify` and `listen`. A `serde_json::Value` cannot hold
//! a number beyond 64-bit floats, so a body with one in a field nobody
//! reads is the case that told them apart.

mod common;

use common::*;
use serde_json::Value;

/// A documented event with `"extra":1e400` where no one looks.
const HUGE_NUMBER: &str = r#"{"schema":"2.0","header":{"event_id":"e1","event_type":"helpdesk.ticket.updated_v1","create_time":"1616920429000","token":"rvaYgkND1GOiu5MM0E1rncYC6PLtF7JV","app_id":"a","tenant_key":"t"},"event":{"object":{"ticket_id":"T1","stage":1,"status":50},"old_object":{"stage":1,"status":1,"updated_at":1616920429000}},"extra":1e400}"#;

/// Not an event callback at all.
const NOT_AN_EVENT: &str = r#"{"foo":1}"#;

fn parse_json(body: &str) -> (Option<i32>, Option<Value>, String) {
    let o = bin()
        .args(["parse", "-o", "json", "-"])
        .write_stdin(body)
        .output()
        .expect("runs");
    let line = String::from_utf8_lossy(&o.stdout)
        .lines()
        .next()
        .map(|l| serde_json::from_str::<Value>(l).expect("JSON"));
    (
        o.status.code(),
        line,
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

/// The message of `lark-ticket: error: -:1: MESSAGE`, with the location cut.
fn message(stderr: &str) -> String {
    let line = stderr
        .lines()
        .find(|l| l.contains("not a Lark event"))
        .unwrap_or_else(|| panic!("no event error in {stderr}"));
    line[line.find("not a Lark event").unwrap_or(0)..].to_string()
}

#[test]
fn a_number_beyond_floats_is_the_same_event_everywhere() {
    let (code, parsed, err) = parse_json(HUGE_NUMBER);
    assert_eq!(code, Some(0), "{err}");
    let parsed = parsed.expect("parse prints the event");
    assert_eq!(parsed["ticket"]["status"]["label"], "closed by bot");

    // verify reads the same event: the token is found and checked.
    let o = bin()
        .args([
            "verify",
            "-o",
            "json",
            "--encrypt-key",
            KEY,
            "--verification-token",
            TOKEN,
        ])
        .args(["--timestamp", "1", "--nonce", "n", "--signature", "0"])
        .write_stdin(HUGE_NUMBER)
        .output()
        .expect("runs");
    let verdict: Value = serde_json::from_slice(&o.stdout).expect("one JSON verdict");
    let token = verdict["checks"]
        .as_array()
        .and_then(|c| c.iter().find(|c| c["name"] == "token"))
        .expect("a token check")
        .clone();
    assert_eq!(token["status"], "pass", "{verdict}");
    assert!(!String::from_utf8_lossy(&o.stderr).contains("not a Lark event"));

    // listen answers it as an event and shows exactly what parse shows.
    let listen = Listen::start(&["-o", "json", "--max-requests", "1"], &[]);
    let answer = listen.send(b"/webhook/event", &[], HUGE_NUMBER.as_bytes());
    assert!(
        answer.starts_with(b"HTTP/1.1 200"),
        "{}",
        String::from_utf8_lossy(&answer)
    );
    let o = listen.finish();
    let delivery: Value = serde_json::from_slice(&o.stdout).expect("one JSON delivery");
    let mut shown = delivery["parse"].clone();
    let mut expected = parsed.clone();
    // The source names the input: stdin for parse, the request for listen.
    shown["source"] = Value::Null;
    expected["source"] = Value::Null;
    assert_eq!(shown, expected);
}

#[test]
fn a_body_that_is_not_an_event_is_the_same_error_everywhere() {
    let (code, parsed, err) = parse_json(NOT_AN_EVENT);
    assert_eq!(code, Some(2));
    assert!(parsed.is_none());
    let expected = message(&err);

    let o = bin()
        .args([
            "verify",
            "--encrypt-key",
            KEY,
            "--timestamp",
            "1",
            "--nonce",
            "n",
        ])
        .args(["--signature", "0", "--color", "never"])
        .write_stdin(NOT_AN_EVENT)
        .output()
        .expect("runs");
    assert_eq!(message(&String::from_utf8_lossy(&o.stderr)), expected);

    let listen = Listen::start(&["-o", "json", "--max-requests", "1"], &[]);
    listen.send(b"/webhook/event", &[], NOT_AN_EVENT.as_bytes());
    let o = listen.finish();
    let delivery: Value = serde_json::from_slice(&o.stdout).expect("one JSON delivery");
    let error = delivery["error"].as_str().expect("an error");
    assert_eq!(
        &error[error.find("not a Lark event").unwrap_or(0)..],
        expected
    );
}

#[test]
fn decrypt_pretty_and_diff_against_say_why_instead_of_printing_null() {
    let o = bin()
        .args(["decrypt", "--pretty", "-"])
        .write_stdin(HUGE_NUMBER)
        .output()
        .expect("runs");
    assert_eq!(o.status.code(), Some(2));
    assert!(!String::from_utf8_lossy(&o.stdout).contains("null"));
    assert!(String::from_utf8_lossy(&o.stderr).contains("number out of range"));

    let dir = tempfile::tempdir().expect("temp dir");
    let expected = dir.path().join("expected.json");
    std::fs::write(&expected, HUGE_NUMBER).expect("written");
    let o = bin()
        .args(["diff", "--against"])
        .arg(&expected)
        .arg("-")
        .write_stdin(NOT_AN_EVENT)
        .output()
        .expect("runs");
    // Before: both sides compared as values, the expected one silently null.
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("number out of range"));
}
