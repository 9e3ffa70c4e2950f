//! `listen --capture`: requests are captured exactly (header names as
//! sent, a body that is not UTF-8), the capture file replays through
//! `verify`, `parse` and `diff` with the same verdicts, and Ctrl-C stops
//! the server with the capture on disk.

mod common;

use std::path::Path;
use std::process::Command;

use common::listen::{Headers, Secrets, Server, now, post, raw, refs, signed};
use common::*;
use serde_json::Value;

fn capture_records(path: &Path) -> Vec<Value> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// A verdict with the timestamp's age ("N s ago") left out: the live check
/// and its replay run a moment apart, and may fall in different seconds.
fn without_age(verdict: &Value) -> Value {
    let mut verdict = verdict.clone();
    if let Some(checks) = verdict["checks"].as_array_mut() {
        for check in checks {
            if let Some(detail) = check["detail"].as_str()
                && let Some(end) = detail.find(" s ago")
            {
                let start = detail[..end]
                    .trim_end_matches(|c: char| c.is_ascii_digit())
                    .len();
                check["detail"] = Value::from(format!("{}N{}", &detail[..start], &detail[end..]));
            }
        }
    }
    verdict
}

/// `lark-ticket ARGS` over a file, with the fixtures' secrets; exit code and
/// NDJSON stdout.
fn replay(args: &[&str]) -> (i32, Vec<Value>) {
    let out = bin()
        .env("LARK_ENCRYPT_KEY", KEY)
        .env("LARK_VERIFICATION_TOKEN", TOKEN)
        .args(args)
        .output()
        .unwrap();
    (out.status.code().unwrap_or(-1), json_lines(&out))
}

#[test]
fn requests_are_captured_exactly_and_replay_with_the_same_verdicts() {
    let dir = tempfile::tempdir().unwrap();
    let capture = dir.path().join("capture.ndjson");
    let capture_arg = capture.to_str().unwrap();
    let server = Server::start(
        Secrets::KeyAndToken,
        &[
            "-o",
            "json",
            "--max-requests",
            "6",
            "--capture",
            capture_arg,
        ],
    );
    let ts = now();
    let plain = read("ticket-updated.json");
    let encrypted = read("ticket-updated.encrypted.json");
    let crlf = String::from_utf8(plain.clone())
        .unwrap()
        .replace('\n', "\r\n")
        .into_bytes();
    let sent: Vec<(Vec<u8>, Headers)> = vec![
        (read("url-verification.json"), vec![]),
        (read("url-verification.encrypted.json"), vec![]),
        (plain.clone(), signed(&ts, &plain)),
        (encrypted.clone(), signed(&ts, &encrypted)),
        // Signed, then its line endings converted on the way: fails, and says why.
        (crlf, signed(&ts, &plain)),
    ];
    for (body, headers) in &sent {
        post(&server.base, &refs(headers), body);
    }
    // Header names exactly as sent, and a body that is not UTF-8.
    let odd = b"{\"schema\":\"2.0\",\"x\":\"\xff\"}";
    let mut request = format!(
        "POST /webhook/event?from=tunnel HTTP/1.1\r\nX-Odd-CASE: kept\r\nContent-Length: {}\r\n\r\n",
        odd.len()
    )
    .into_bytes();
    request.extend_from_slice(odd);
    raw(&server.addr(), &request);
    let done = server.finish();
    let live = done.json();
    let records = capture_records(&capture);
    assert_eq!(records.len(), 6);
    for ((body, headers), record) in sent.iter().zip(&records) {
        assert_eq!(record["body"].as_str().unwrap().as_bytes(), body.as_slice());
        for (name, value) in headers {
            let got = record["headers"]
                .as_object()
                .unwrap()
                .iter()
                .find(|(n, _)| n.eq_ignore_ascii_case(name))
                .map(|(_, v)| v.as_str().unwrap());
            assert_eq!(got, Some(value.as_str()));
        }
        assert_eq!(record["method"], "POST");
        assert_eq!(record["path"], "/webhook/event");
        assert!(record["received_at"].as_i64().unwrap() > 1_700_000_000_000);
    }
    assert_eq!(records[5]["headers"]["X-Odd-CASE"], "kept");
    assert_eq!(records[5]["path"], "/webhook/event?from=tunnel");
    use base64::Engine;
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(records[5]["body_base64"].as_str().unwrap())
        .unwrap();
    assert_eq!(decoded, odd);
    // The live source names the capture line; replay gives the same verdicts.
    let (code, replayed) = replay(&["verify", "-o", "json", capture_arg]);
    assert_eq!(code, 2, "the last record is not an event");
    assert_eq!(replayed.len(), 5);
    for (i, (live, again)) in live.iter().zip(&replayed).enumerate() {
        assert_eq!(live["source"], format!("{capture_arg}:{}", i + 1));
        assert_eq!(
            without_age(&live["verify"]),
            without_age(again),
            "record {}",
            i + 1
        );
    }
    assert_eq!(live[4]["status"], 401);
    assert_eq!(replayed[4]["diagnosis"]["cause"], "line_endings_changed");
    let (_, parsed) = replay(&["parse", "-o", "json", capture_arg]);
    assert_eq!(parsed.len(), 5);
    for (live, again) in live.iter().zip(&parsed) {
        assert_eq!(live["parse"], *again);
    }
    let (code, rows) = replay(&["diff", "--timeline", "-o", "json", capture_arg]);
    assert_eq!(code, 2, "the non-UTF-8 record is reported");
    assert!(!rows.is_empty());
    if std::env::var_os("LARK_TICKET_UPDATE_LISTEN_CAPTURE").is_some() {
        let keep: Vec<String> = records[..5].iter().map(Value::to_string).collect();
        std::fs::write(testdata("listen-capture.ndjson"), keep.join("\n") + "\n").unwrap();
    }
}

#[cfg(unix)]
#[test]
fn ctrl_c_stops_cleanly_with_the_capture_on_disk() {
    let dir = tempfile::tempdir().unwrap();
    let capture = dir.path().join("c.ndjson");
    let server = Server::start(
        Secrets::KeyAndToken,
        &["-o", "json", "--capture", capture.to_str().unwrap()],
    );
    post(&server.base, &[], &read("url-verification.json"));
    let status = Command::new("kill")
        .args(["-INT", &server.child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let done = server.finish();
    assert_eq!(done.code, Some(0), "{}", done.stderr);
    assert!(
        done.stderr.contains("stopped after 1 request"),
        "{}",
        done.stderr
    );
    assert_eq!(capture_records(&capture).len(), 1);
    assert_eq!(done.json().len(), 1);
}
