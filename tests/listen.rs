//! `listen` as the platform and a developer meet it: the real binary on an
//! ephemeral loopback port, real HTTP requests (ureq, or raw bytes where the
//! wire itself is the point), then the capture file replayed through
//! `verify` and `parse`. Every server is started with `--max-requests` so it
//! stops by itself, and is killed by a guard if a test fails first.
//! The capture and its replay are in `tests/listen_capture.rs`, forwarding
//! to a handler in `tests/listen_forward.rs`; the server and requests the
//! three share in `tests/common/listen.rs`.

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use common::listen::{CHALLENGE, SUCCESS, Secrets, Server, now, post, raw, refs, signed};
use common::*;
use serde_json::Value;

#[test]
fn challenges_are_answered_plain_and_encrypted() {
    let server = Server::start(Secrets::KeyAndToken, &["-o", "json", "--max-requests", "2"]);
    for fixture in ["url-verification.json", "url-verification.encrypted.json"] {
        let (status, body) = post(&server.base, &[], &read(fixture));
        assert_eq!((status, body.as_str()), (200, CHALLENGE), "{fixture}");
    }
    let done = server.finish();
    assert_eq!(done.code, Some(0), "{}", done.stderr);
    done.assert_no_secrets();
    let lines = done.json();
    assert_eq!(lines.len(), 2);
    for (line, encrypted) in lines.iter().zip([false, true]) {
        assert_eq!(line["status"], 200);
        assert_eq!(line["response"], CHALLENGE);
        assert_eq!(line["method"], "POST");
        assert_eq!(line["path"], "/webhook/event");
        assert_eq!(line["parse"]["kind"], "url_verification");
        assert_eq!(line["parse"]["encrypted"], encrypted);
        assert_eq!(line["verify"]["ok"], true);
        assert_eq!(line["verify"]["checks"][1]["status"], "pass", "token");
        assert_eq!(line["forwarded"], Value::Null);
    }
}

#[test]
fn without_a_key_the_plain_challenge_is_answered_and_events_pass_unchecked() {
    let server = Server::start(Secrets::None, &["-o", "json", "--max-requests", "3"]);
    let (status, body) = post(&server.base, &[], &read("url-verification.json"));
    assert_eq!((status, body.as_str()), (200, CHALLENGE));
    let (status, body) = post(&server.base, &[], &read("url-verification.encrypted.json"));
    assert_eq!(status, 500, "{body}");
    assert!(body.contains("no Encrypt Key"), "{body}");
    let (status, body) = post(&server.base, &[], &read("ticket-updated.json"));
    assert_eq!((status, body.as_str()), (200, SUCCESS));
    let done = server.finish();
    assert!(
        done.stderr.contains("warning: no Encrypt Key"),
        "{}",
        done.stderr
    );
    let lines = done.json();
    assert_eq!(lines[2]["verify"], Value::Null);
    assert!(
        lines[2]["checks_skipped"]
            .as_str()
            .unwrap()
            .contains("no Encrypt Key"),
        "{}",
        lines[2]
    );
    assert_eq!(
        lines[2]["parse"]["event_type"],
        "helpdesk.ticket.updated_v1"
    );
    assert_eq!(done.code, Some(2), "the encrypted challenge was an error");
}

#[test]
fn signed_events_pass_and_a_bad_signature_is_diagnosed() {
    let server = Server::start(Secrets::KeyAndToken, &["-o", "json", "--max-requests", "3"]);
    let ts = now();
    let body = read("ticket-updated.compact.json");
    let headers = signed(&ts, &body);
    let (status, answer) = post(&server.base, &refs(&headers), &body);
    assert_eq!((status, answer.as_str()), (200, SUCCESS));
    let encrypted = read("ticket-updated.encrypted.json");
    let enc_headers = signed(&ts, &encrypted);
    let (status, answer) = post(&server.base, &refs(&enc_headers), &encrypted);
    assert_eq!((status, answer.as_str()), (200, SUCCESS));
    // The classic mistake: a newline appended after signing.
    let mut changed = body.clone();
    changed.push(b'\n');
    let (status, answer) = post(&server.base, &refs(&headers), &changed);
    assert_eq!(status, 401, "{answer}");
    let answer: Value = serde_json::from_str(&answer).unwrap();
    assert_eq!(answer["failed"][0]["check"], "signature");
    assert_eq!(answer["cause"], "trailing_newline_added");
    let expected_for_changed = signed(&ts, &changed)[2].1.clone();
    assert!(
        !answer.to_string().contains(&expected_for_changed),
        "the 401 body must not reveal the expected signature"
    );
    let done = server.finish();
    assert_eq!(done.code, Some(1), "a failed check: {}", done.stderr);
    done.assert_no_secrets();
    let lines = done.json();
    assert_eq!(lines[0]["verify"]["ok"], true);
    assert_eq!(lines[1]["parse"]["encrypted"], true);
    assert_eq!(lines[1]["verify"]["ok"], true);
    assert_eq!(lines[2]["status"], 401);
    assert_eq!(
        lines[2]["verify"]["diagnosis"]["cause"],
        "trailing_newline_added"
    );
}

#[test]
fn bad_requests_are_answered_and_the_server_keeps_serving() {
    let server = Server::start(
        Secrets::KeyAndToken,
        &[
            "-o",
            "json",
            "--max-requests",
            "7",
            "--max-body-size",
            "4096",
        ],
    );
    let addr = server.addr();
    let (status, body) = post(&server.base, &[], b"garbage that is not JSON");
    assert_eq!(status, 400, "{body}");
    assert!(body.contains("not JSON"), "{body}");
    // Over the bound: refused from the head alone, the body never sent (a
    // server waiting for the body would not answer at all).
    let answer = raw(
        &addr,
        b"POST /webhook/event HTTP/1.1\r\nHost: x\r\nContent-Length: 104857600\r\n\r\n",
    );
    assert!(answer.starts_with("HTTP/1.1 413 "), "{answer}");
    assert!(answer.contains("--max-body-size"), "{answer}");
    // A chunked body has no length up front: read up to the bound.
    let mut chunked =
        b"POST /webhook/event HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n".to_vec();
    for _ in 0..5 {
        chunked.extend_from_slice(b"400\r\n");
        chunked.extend_from_slice(&[b' '; 0x400]);
        chunked.extend_from_slice(b"\r\n");
    }
    chunked.extend_from_slice(b"0\r\n\r\n");
    let answer = raw(&addr, &chunked);
    assert!(answer.starts_with("HTTP/1.1 413 "), "{answer}");
    let answer = raw(&addr, b"BREW /pot HTCPCP\r\n\r\n");
    assert!(answer.starts_with("HTTP/1.1 400 "), "{answer}");
    let (status, _) = post(&format!("{}/favicon.ico", server.origin()), &[], b"");
    assert_eq!(status, 404);
    let answer = raw(
        &addr,
        b"GET /webhook/event HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    );
    assert!(answer.starts_with("HTTP/1.1 405 "), "{answer}");
    // Still serving.
    let (status, body) = post(&server.base, &[], &read("url-verification.json"));
    assert_eq!((status, body.as_str()), (200, CHALLENGE));
    let done = server.finish();
    let statuses: Vec<u64> = done
        .json()
        .iter()
        .map(|l| l["status"].as_u64().unwrap())
        .collect();
    assert_eq!(statuses, [400, 413, 413, 400, 404, 405, 200]);
    assert_eq!(done.code, Some(2));
    assert!(
        done.stderr.contains("stopped after 7 requests"),
        "{}",
        done.stderr
    );
}

#[test]
fn a_stalled_client_gets_408_and_does_not_hold_the_server() {
    let server = Server::start(Secrets::Key, &["-o", "json", "--max-requests", "2"]);
    let mut stalled = TcpStream::connect(server.addr()).unwrap();
    stalled
        .write_all(b"POST /webhook/event HTTP/1.1\r\nContent-Length: 100\r\n\r\n{")
        .unwrap();
    stalled
        .set_read_timeout(Some(Duration::from_secs(15)))
        .unwrap();
    let mut answer = String::new();
    let _ = stalled.read_to_string(&mut answer);
    assert!(answer.starts_with("HTTP/1.1 408 "), "{answer}");
    let (status, _) = post(&server.base, &[], &read("url-verification.json"));
    assert_eq!(status, 200);
    assert_eq!(server.finish().json()[0]["status"], 408);
}

#[test]
fn the_table_shows_the_answer_the_event_and_the_checks() {
    let server = Server::start(Secrets::KeyAndToken, &["--max-requests", "1"]);
    let body = read("ticket-updated.compact.json");
    let headers = signed(&now(), &body);
    post(&server.base, &refs(&headers), &body);
    let done = server.finish();
    done.assert_no_secrets();
    let first = done.stdout.lines().next().unwrap();
    assert!(
        first.contains("POST /webhook/event  ->  200 {\"msg\":\"success\"}"),
        "{first}"
    );
    assert!(done.stdout.contains("request:1 helpdesk.ticket.updated_v1"));
    assert!(done.stdout.contains("request:1 ok"));
    assert!(done.stdout.contains("closed by bot (50)"));
}

#[test]
fn bad_flags_are_usage_errors() {
    for args in [
        &["--path", "webhook"][..],
        &["--max-requests", "0"],
        &["--forward-to", "https://example.com/hook"],
        &["--addr", "not an address"],
    ] {
        let out = bin()
            .arg("listen")
            .args(args)
            .timeout(Duration::from_secs(10))
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.starts_with("lark-ticket: error: "), "{stderr}");
    }
}
