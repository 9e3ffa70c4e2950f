//! `send` posts records as the platform delivers them: tested against
//! `listen` (which checks what arrives and captures it byte for byte); the
//! SDK handlers are in `tests/check.rs`.

mod common;

use common::*;
use serde_json::{Value, json};

const KEY: &str = "lark-ticket-test-key";
const KEY_FILE: &str = "testdata/key.txt";

fn url(listen: &Listen) -> String {
    format!("http://{}/webhook/event", listen.addr)
}

/// A header of a capture record, by name in any case (HTTP names are
/// case-insensitive, and the client sends them in lowercase).
fn header<'a>(record: &'a Value, name: &str) -> Option<&'a Value> {
    record["headers"]
        .as_object()?
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v)
}

/// The capture records listen wrote.
fn captured(path: &std::path::Path) -> Vec<Value> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[test]
fn signed_requests_pass_listens_checks_and_arrive_byte_for_byte() {
    let dir = tempfile::tempdir().unwrap();
    let capture = dir.path().join("c.ndjson");
    let listen = Listen::start(
        &[
            "--max-requests",
            "3",
            "-o",
            "json",
            "--capture",
            capture.to_str().unwrap(),
        ],
        &[("LARK_ENCRYPT_KEY", KEY)],
    );
    let out = command()
        .args(["send", &url(&listen), "--encrypt-key-file", KEY_FILE])
        .args([
            "testdata/ticket-updated.json",
            "testdata/ticket-updated.encrypted.json",
            "testdata/url-verification.json",
        ])
        .output()
        .unwrap();
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let lines = stdout(&out);
    assert!(
        lines.contains("testdata/ticket-updated.json:1  200  "),
        "{lines}"
    );
    assert!(
        lines.contains("{\"challenge\":\"ajls384kdjx98XX\"}"),
        "{lines}"
    );
    let seen = json_lines(&listen.finish());
    assert!(seen.iter().all(|d| d["status"] == 200), "{seen:?}");
    assert!(seen[..2].iter().all(|d| d["verify"]["ok"] == true));
    // The exact bytes of each file, pretty-printed as they are.
    let records = captured(&capture);
    let file = std::fs::read_to_string(root().join("testdata/ticket-updated.json")).unwrap();
    assert_eq!(records[0]["body"], file.trim_end());
    let h = |name| header(&records[0], name).and_then(Value::as_str).unwrap();
    assert_eq!(h("Content-Type"), "application/json");
    let ts: i64 = h("X-Lark-Request-Timestamp").parse().unwrap();
    assert!(ts > 1_700_000_000);
    assert_eq!(h("X-Lark-Request-Nonce").len(), 16);
}

#[test]
fn compact_and_encrypt_rewrite_the_body_before_it_is_signed() {
    let dir = tempfile::tempdir().unwrap();
    let capture = dir.path().join("c.ndjson");
    let listen = Listen::start(
        &[
            "--max-requests",
            "2",
            "-o",
            "json",
            "--capture",
            capture.to_str().unwrap(),
        ],
        &[("LARK_ENCRYPT_KEY", KEY)],
    );
    for flags in [&["--compact"][..], &["--compact", "--encrypt"]] {
        let out = command()
            .args(["send", &url(&listen), "--encrypt-key-file", KEY_FILE])
            .args(flags)
            .arg("testdata/ticket-updated.json")
            .output()
            .unwrap();
        assert_eq!(code(&out), 0, "{flags:?}: {}", stderr(&out));
    }
    let seen = json_lines(&listen.finish());
    assert!(seen.iter().all(|d| d["verify"]["ok"] == true), "{seen:?}");
    let records = captured(&capture);
    let compact =
        std::fs::read_to_string(root().join("testdata/ticket-updated.compact.json")).unwrap();
    assert_eq!(records[0]["body"], compact.trim_end());
    let wrapper: Value = serde_json::from_str(records[1]["body"].as_str().unwrap()).unwrap();
    assert!(wrapper["encrypt"].is_string(), "{wrapper}");
    assert_eq!(seen[1]["parse"]["encrypted"], true);
}

#[test]
fn as_captured_replays_a_capture_exactly() {
    let dir = tempfile::tempdir().unwrap();
    let first = dir.path().join("first.ndjson");
    let second = dir.path().join("second.ndjson");
    let listen = Listen::start(
        &["--max-requests", "2", "--capture", second.to_str().unwrap()],
        &[("LARK_ENCRYPT_KEY", KEY)],
    );
    // A capture with headers of its own, an odd one among them.
    let record = json!({
        "headers": {"X-Lark-Request-Timestamp": "1700000000", "X-Lark-Request-Nonce": "n",
                    "X-Lark-Signature": "00", "X-Custom": "kept", "Host": "elsewhere"},
        "body": "{\"encrypt\":\"not really\"}",
    });
    std::fs::write(&first, format!("{record}\n{record}\n")).unwrap();
    let out = command()
        .args(["send", "--as-captured", &url(&listen)])
        .arg(&first)
        .output()
        .unwrap();
    // listen refuses the stale signature: an answer, not 2xx.
    assert_eq!(code(&out), 1, "{}{}", stdout(&out), stderr(&out));
    listen.finish();
    for replayed in captured(&second) {
        assert_eq!(replayed["body"], record["body"]);
        for name in [
            "X-Lark-Request-Timestamp",
            "X-Lark-Request-Nonce",
            "X-Lark-Signature",
            "X-Custom",
        ] {
            assert_eq!(
                header(&replayed, name),
                Some(&record["headers"][name]),
                "{name}"
            );
        }
        assert_eq!(header(&replayed, "Content-Type"), None);
        assert_ne!(header(&replayed, "Host"), Some(&json!("elsewhere")));
    }
}

#[test]
fn without_a_key_nothing_is_signed() {
    let dir = tempfile::tempdir().unwrap();
    let capture = dir.path().join("c.ndjson");
    let listen = Listen::start(
        &[
            "--max-requests",
            "1",
            "--capture",
            capture.to_str().unwrap(),
        ],
        &[],
    );
    let out = command()
        .args([
            "send",
            "-o",
            "json",
            &url(&listen),
            "testdata/ticket-updated.json",
        ])
        .output()
        .unwrap();
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let line = &json_lines(&out)[0];
    assert_eq!(line["source"], "testdata/ticket-updated.json:1");
    assert_eq!(line["status"], 200);
    assert_eq!(line["error"], Value::Null);
    assert!(line["elapsed_ms"].is_u64());
    assert_eq!(line["response"], "{\"msg\":\"success\"}");
    listen.finish();
    let headers = &captured(&capture)[0]["headers"];
    let names: Vec<String> = headers
        .as_object()
        .unwrap()
        .keys()
        .map(|n| n.to_lowercase())
        .collect();
    assert!(!names.iter().any(|n| n.starts_with("x-lark")), "{names:?}");
    assert!(names.contains(&"content-type".to_string()));
}

#[test]
fn exit_statuses() {
    // A refused signature is an answer: 1. Every record is still sent.
    let listen = Listen::start(&["--max-requests", "2"], &[("LARK_ENCRYPT_KEY", KEY)]);
    let out = command()
        .args(["send", &url(&listen), "--encrypt-key", "another-key"])
        .args([
            "testdata/ticket-updated.json",
            "testdata/ticket-updated.compact.json",
        ])
        .output()
        .unwrap();
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    assert_eq!(
        stdout(&out).matches("  401  ").count(),
        2,
        "{}",
        stdout(&out)
    );
    listen.finish();
    // Nobody listening: 2, with the reason.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let out = command()
        .args([
            "send",
            &format!("http://{port}/x"),
            "testdata/ticket-updated.json",
        ])
        .output()
        .unwrap();
    assert_eq!(code(&out), 2);
    assert!(stderr(&out).contains("no answer"), "{}", stderr(&out));
    // A bad record is an error, but the good ones are sent.
    let listen = Listen::start(&["--max-requests", "1", "-o", "json"], &[]);
    let out = command()
        .args(["send", &url(&listen), "testdata/bad-records.ndjson"])
        .output()
        .unwrap();
    assert_eq!(code(&out), 2, "{}", stderr(&out));
    assert!(stdout(&out).contains("  200  "), "{}", stdout(&out));
    drop(listen);
    // Usage.
    for args in [
        &["send", "ftp://x/"][..],
        &["send", "http://127.0.0.1:1/", "--encrypt"],
    ] {
        let out = command().args(args).output().unwrap();
        assert_eq!(code(&out), 2, "{args:?}");
    }
}

#[test]
fn a_listen_capture_round_trips_through_as_captured() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a.ndjson"), dir.path().join("b.ndjson"));
    let first = Listen::start(
        &["--max-requests", "1", "--capture", a.to_str().unwrap()],
        &[("LARK_ENCRYPT_KEY", KEY)],
    );
    let sent = command()
        .args([
            "send",
            &url(&first),
            "--encrypt",
            "--encrypt-key-file",
            KEY_FILE,
        ])
        .arg("testdata/ticket-updated.compact.json")
        .output()
        .unwrap();
    assert_eq!(code(&sent), 0, "{}", stderr(&sent));
    first.finish();
    let second = Listen::start(
        &[
            "--max-requests",
            "1",
            "-o",
            "json",
            "--capture",
            b.to_str().unwrap(),
        ],
        &[("LARK_ENCRYPT_KEY", KEY)],
    );
    let replayed = command()
        .args(["send", "--as-captured", &url(&second)])
        .arg(&a)
        .output()
        .unwrap();
    assert_eq!(code(&replayed), 0, "{}", stderr(&replayed));
    // The replay passes the same checks: same body, same signature headers.
    assert_eq!(json_lines(&second.finish())[0]["verify"]["ok"], true);
    let (a, b) = (&captured(&a)[0], &captured(&b)[0]);
    assert_eq!(a["body"], b["body"]);
    for name in [
        "X-Lark-Request-Timestamp",
        "X-Lark-Request-Nonce",
        "X-Lark-Signature",
        "Content-Type",
    ] {
        assert_eq!(header(a, name), header(b, name), "{name}");
        assert!(header(a, name).is_some(), "{name}");
    }
}
