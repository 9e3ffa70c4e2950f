//! `parse` reading records: each located in concatenated documents, HTTP
//! captures and capture records; a bad record costs only itself, a pretty
//! stream resynchronises, `--strict` lists every deviation, and what is
//! not an event, invalid UTF-8 or a closed pipe ends cleanly.

mod common;

use common::parse::parse_json;
use common::*;
use predicates::prelude::*;
use serde_json::{Value, json};

#[test]
fn concatenated_documents_are_located() {
    let (values, stderr, code) = parse_json(&["--encrypt-key", KEY, "testdata/concatenated.json"]);
    assert_eq!(code, Some(0), "{stderr}");
    let sources: Vec<&str> = values
        .iter()
        .map(|v| v["source"].as_str().unwrap())
        .collect();
    assert_eq!(
        sources,
        [
            "testdata/concatenated.json:1",
            "testdata/concatenated.json:33",
            "testdata/concatenated.json:33",
            "testdata/concatenated.json:34"
        ]
    );
    assert_eq!(values[3]["encrypted"], true);
}

#[test]
fn http_captures_crlf_and_lf_and_capture_records() {
    let (values, stderr, code) = parse_json(&[
        "--encrypt-key",
        KEY,
        "testdata/capture.http",
        "testdata/captures-lf.http",
        "testdata/captures.ndjson",
    ]);
    assert_eq!(code, Some(0), "{stderr}");
    let got: Vec<(&str, &str)> = values
        .iter()
        .map(|v| {
            (
                v["source"].as_str().unwrap(),
                v["event_type"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            ("testdata/capture.http:1", "helpdesk.ticket.updated_v1"),
            ("testdata/captures-lf.http:1", "helpdesk.ticket.created_v1"),
            (
                "testdata/captures-lf.http:8",
                "helpdesk.notification.approve_v1"
            ),
            ("testdata/captures.ndjson:1", "helpdesk.ticket.updated_v1"),
            (
                "testdata/captures.ndjson:2",
                "helpdesk.ticket_message.created_v1"
            ),
            (
                "testdata/captures.ndjson:3",
                "helpdesk.notification.approve_v1"
            ),
        ]
    );
}

#[test]
fn bad_records_cost_only_themselves() {
    let (values, stderr, code) = parse_json(&["--encrypt-key", KEY, "testdata/bad-records.ndjson"]);
    assert_eq!(code, Some(2));
    let sources: Vec<String> = values
        .iter()
        .map(|v| v["source"].as_str().unwrap().to_string())
        .collect();
    let expected: Vec<String> = (0..10)
        .map(|i| format!("testdata/bad-records.ndjson:{}", 2 * i + 1))
        .collect();
    assert_eq!(sources, expected);
    let error_lines: Vec<u32> = stderr
        .lines()
        .filter_map(|l| l.strip_prefix("lark-ticket: error: testdata/bad-records.ndjson:"))
        .map(|rest| rest.split(':').next().unwrap().parse().unwrap())
        .collect();
    assert_eq!(error_lines, [2, 4, 6, 8, 10, 12, 14, 16, 18]);
    assert!(stderr.contains("bad-records.ndjson:16: not a Lark event callback"));
}

#[test]
fn resynchronises_inside_a_pretty_stream() {
    // An unterminated document is followed by good ones at column 0.
    let input = "{\n  \"schema\": \"2.0\",\n  \"header\": {\"event_type\": \"x\"\n{\"type\":\"url_verification\",\"challenge\":\"a\"}\n{\n  \"type\": \"url_verification\",\n  \"challenge\": \"b\"\n}\n";
    let out = bin()
        .args(["parse", "-o", "json"])
        .write_stdin(input)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stdout = String::from_utf8(out.stdout).unwrap();
    let sources: Vec<Value> = stdout
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap()["source"].clone())
        .collect();
    assert_eq!(sources, [json!("-:4"), json!("-:5")]);
    assert!(
        String::from_utf8(out.stderr)
            .unwrap()
            .contains("lark-ticket: error: -:1: malformed JSON")
    );
}

#[test]
fn strict_lists_every_deviation_by_path() {
    let out = bin()
        .args([
            "parse",
            "--strict",
            "-o",
            "json",
            "testdata/deviations.json",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8(out.stderr).unwrap();
    for path in [
        "event.object.ticket_id: missing",
        "event.object.stage: unknown stage value 3",
        "event.object.status: unknown status value 99",
        "event.object.score: expected an integer, found a string",
        "event.old_object.priority: not a documented old_object field",
    ] {
        assert!(stderr.contains(path), "{path} not in\n{stderr}");
    }
    // Still rendered, unknown values keep their number.
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        v["ticket"]["status"],
        json!({"value": 99, "label": "unknown (99)"})
    );
    assert_eq!(v["ticket"]["updated_at"], -1);
    assert_eq!(v["transitions"][1]["field"], "priority");
    // Without --strict: exit 0, the warnings are in the JSON.
    let (values, _, code) = parse_json(&["testdata/deviations.json"]);
    assert_eq!(code, Some(0));
    let warnings = values[0]["warnings"].as_array().unwrap();
    assert!(
        warnings
            .iter()
            .any(|w| w == "event.object.status: unknown status value 99")
    );
    // Missing fields are deviations only, not warnings.
    assert!(
        !warnings
            .iter()
            .any(|w| w.as_str().unwrap().contains("ticket_id"))
    );
    // A conforming record passes --strict.
    bin()
        .args(["parse", "--strict", "testdata/ticket-updated.json"])
        .assert()
        .success();
}

#[test]
fn not_an_event_is_an_error() {
    bin()
        .args(["parse"])
        .write_stdin("{\"hello\":\"world\"}")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("-:1: not a Lark event callback"));
}

#[test]
fn closed_pipe_exits_quietly() {
    use std::io::{BufRead, BufReader, Write};
    use std::process::{Command, Stdio};
    let line = String::from_utf8(read("ticket-updated.compact.json")).unwrap();
    let input = line.repeat(20_000);
    let mut child = Command::new(assert_cmd::cargo::cargo_bin("lark-ticket"))
        .args(["parse", "-o", "json"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || {
        let _ = stdin.write_all(input.as_bytes());
    });
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    assert!(first.contains("\"helpdesk.ticket.updated_v1\""));
    // stdout is dropped here: the pipe closes like `| head -1`.
    let out = child.wait_with_output().unwrap();
    let _ = writer.join();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(String::from_utf8_lossy(&out.stderr), "");
}

#[test]
fn invalid_utf8_inside_a_string_is_an_error() {
    let mut input =
        b"{\"type\":\"url_verification\",\"challenge\":\"a\",\"x\":\"\xff\"}\n".to_vec();
    input.extend_from_slice(b"{\"type\":\"url_verification\",\"challenge\":\"b\"}\n");
    let out = bin()
        .args(["parse", "-o", "json"])
        .write_stdin(input)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .contains("-:1: malformed JSON: invalid UTF-8 at byte 48")
    );
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert_eq!(stdout.lines().count(), 1);
    assert!(stdout.contains("\"challenge\":\"b\""));
}
