//! `subscribe` against the scripted long-connection server
//! (`tests/peers/lark_ws_server.py`) when things go wrong: fatal and
//! retryable discovery answers, refused upgrades, ReconnectCount, TLS with
//! a known and an unknown CA, and stopping on SIGTERM and SIGINT. What
//! works is in `subscribe_connection.rs` and `subscribe_reconnect.rs`.
//!
//! Everything is counted from the server's log, never timed. Skipped when
//! the official Python SDK is missing, failing instead in CI.

mod common;

use std::process::{Command, Output};

use common::subscribe_connection::{deliver, python, quick, replies_to};
use common::ws_server::{
    WsServer, assert_no_secrets, finish, header, spawn_subscribe, subscribe, subscribe_with,
};
use common::*;
use serde_json::{Value, json};

/// The run's exit code is `want`; its stderr.
fn exited(out: &Output, want: i32) -> String {
    let err = stderr(out);
    assert_eq!(code(out), want, "stdout:\n{}\nstderr:\n{err}", stdout(out));
    err
}

/// The `lark-ticket: error: ` line, which must be there.
fn error_line(err: &str) -> &str {
    err.lines()
        .find(|l| l.starts_with("lark-ticket: error: "))
        .unwrap_or_else(|| panic!("no error line:\n{err}"))
}

#[test]
fn fatal_discovery_answers_end_the_run_at_once() {
    let Some(python) = python() else { return };
    for (body, says) in [
        (json!({"code": 10003, "msg": "invalid param"}), "code 10003"),
        (
            json!({"code": 1000040344, "msg": "app id or secret missing"}),
            "code 1000040344",
        ),
    ] {
        let server = WsServer::start(
            &python,
            json!({"discovery": [{"status": 200, "body": body}, "ok"]}),
        );
        let err = exited(&subscribe(&server, &["--timeout", "20"]), 2);
        let error = error_line(&err);
        assert!(error.contains(says), "{error}");
        assert!(
            error.contains("App ID") && error.contains("App Secret"),
            "{error}"
        );
        assert!(!err.contains("reconnecting"), "{err}");
        assert_eq!(server.records("discovery").len(), 1, "no retry");
        assert!(server.records("connect").is_empty());
    }
}

#[test]
fn retryable_discovery_answers_are_retried_until_one_succeeds() {
    let Some(python) = python() else { return };
    let mut first = deliver("m1");
    first.push(json!({"drop": true}));
    let failures = [
        (
            json!({"status": 503, "body": {"code": 0, "msg": "overloaded"}}),
            "HTTP 503",
        ),
        (
            json!({"status": 200, "body": {"code": 1, "msg": "busy"}}),
            "code 1 ",
        ),
        (
            json!({"status": 200, "body": {"code": 1000040343}}),
            "code 1000040343",
        ),
        (
            json!({"status": 200, "body": {"code": 0, "data": {}}}),
            "no data.URL",
        ),
        (
            json!({"status": 200, "body": "<html>busy</html>"}),
            "not JSON",
        ),
    ];
    let mut discovery = vec![json!("ok")];
    discovery.extend(failures.iter().map(|(answer, _)| answer.clone()));
    discovery.push(json!("ok"));
    let server = WsServer::start(
        &python,
        json!({"client_config": quick(), "discovery": discovery,
            "connections": [{"steps": first}, {"steps": deliver("m2")}]}),
    );
    let err = exited(&subscribe(&server, &["--max-events", "2"]), 0);
    let statuses: Vec<_> = server
        .records("discovery")
        .iter()
        .map(|d| d["status"].as_u64().expect("status"))
        .collect();
    assert_eq!(statuses, [200, 503, 200, 200, 200, 200, 200]);
    let connects = server.records("connect");
    assert_eq!(connects.len(), 2, "{connects:?}");
    assert_eq!(connects[1]["query"]["device_id"], "dev-7");
    assert_eq!(replies_to(&server, "m2").len(), 1);
    for (_, says) in failures {
        assert!(
            err.lines()
                .any(|l| l.starts_with("lark-ticket: cannot connect: ") && l.contains(says)),
            "{says}: {err}"
        );
    }
    assert_eq!(
        err.matches("lark-ticket: reconnecting in ").count(),
        6,
        "{err}"
    );
    assert!(!err.contains("lark-ticket: error:"), "{err}");
}

#[test]
fn a_failure_before_the_first_connection_waits_as_the_defaults_say() {
    let Some(python) = python() else { return };
    // No ClientConfig yet: the SDKs' ReconnectNonce (30 s) applies.
    let server = WsServer::start(
        &python,
        json!({"discovery": [{"status": 503, "body": {"msg": "overloaded"}}]}),
    );
    let err = exited(&subscribe(&server, &["--timeout", "2"]), 0);
    assert!(
        err.contains("cannot connect: endpoint discovery answered HTTP 503"),
        "{err}"
    );
    let wait = err
        .lines()
        .find_map(|l| l.strip_prefix("lark-ticket: reconnecting in "))
        .unwrap_or_else(|| panic!("no reconnecting line: {err}"));
    let seconds: f64 = wait
        .split(' ')
        .next()
        .and_then(|s| s.parse().ok())
        .expect(wait);
    assert!((0.0..=30.0).contains(&seconds), "{wait}");
    assert!(wait.contains("(attempt 1)"), "{wait}");
    assert!(
        !err.contains("ready:") && !err.contains("lark-ticket: error:"),
        "{err}"
    );
    assert!(!server.records("discovery").is_empty());
}

#[test]
fn refused_upgrades_403_and_too_many_connections_are_fatal() {
    let Some(python) = python() else { return };
    for (status, headers, says) in [
        (
            403,
            json!({"Handshake-Status": "403", "Handshake-Msg": "forbidden"}),
            "403",
        ),
        (
            514,
            json!({"Handshake-Status": "514", "Handshake-Msg": "exceed conn limit",
                "Handshake-Autherrcode": "1000040350"}),
            "50 connections",
        ),
    ] {
        let server = WsServer::start(
            &python,
            json!({"client_config": quick(), "connections": [
                {"refuse": {"status": status, "headers": headers}}, {"steps": []}]}),
        );
        let err = exited(&subscribe(&server, &["--timeout", "20"]), 2);
        let error = error_line(&err);
        assert!(error.contains(says), "{error}");
        assert!(!err.contains("reconnecting"), "{err}");
        assert_eq!(server.records("connect").len(), 1, "no retry");
        assert_eq!(server.records("discovery").len(), 1, "no retry");
    }
}

#[test]
fn other_refused_upgrades_are_retried() {
    let Some(python) = python() else { return };
    let server = WsServer::start(
        &python,
        json!({"client_config": quick(), "connections": [
            {"refuse": {"status": 514, "headers": {"Handshake-Status": "514",
                "Handshake-Msg": "busy", "Handshake-Autherrcode": "1000040351"}}},
            {"refuse": {"status": 500}},
            {"steps": deliver("m1")},
        ]}),
    );
    let err = exited(&subscribe(&server, &["--max-events", "1"]), 0);
    assert_eq!(server.records("refused").len(), 2);
    assert_eq!(server.records("connect").len(), 3);
    assert_eq!(
        server.records("discovery").len(),
        3,
        "a fresh URL each time"
    );
    let m1 = replies_to(&server, "m1");
    assert_eq!((m1.len(), &m1[0]["conn"]), (1, &json!(3)), "{m1:?}");
    let refusals: Vec<_> = err
        .lines()
        .filter(|l| l.starts_with("lark-ticket: cannot connect: "))
        .collect();
    assert_eq!(refusals.len(), 2, "{err}");
    assert!(
        refusals[0].contains("514") && refusals[1].contains("500"),
        "{err}"
    );
    assert!(err.contains("lark-ticket: ready: connected to "), "{err}");
}

#[test]
fn reconnect_count_bounds_the_attempts_after_a_drop() {
    let Some(python) = python() else { return };
    for count in [0, 2] {
        let mut first = deliver("m1");
        first.push(json!({"drop": true}));
        let server = WsServer::start(
            &python,
            json!({"client_config": {"PingInterval": 1, "ReconnectInterval": 1,
                    "ReconnectNonce": 0, "ReconnectCount": count},
                "discovery": ["ok", {"status": 503, "body": {"msg": "overloaded"}}],
                "connections": [{"steps": first}]}),
        );
        let err = exited(&subscribe(&server, &["--timeout", "30"]), 2);
        let error = error_line(&err);
        assert!(
            error.contains(&format!("gave up after {count} reconnect attempt")),
            "{error}"
        );
        assert_eq!(replies_to(&server, "m1").len(), 1);
        // The first discovery, then `count` attempts after the drop.
        assert_eq!(server.records("discovery").len(), 1 + count, "{err}");
        assert_eq!(server.records("connect").len(), 1);
    }
}

#[test]
fn wss_with_the_servers_ca_delivers_events() {
    let Some(python) = python() else { return };
    // A large event too, in fragments: many TLS records, reads cut anywhere.
    let mut steps = deliver("m1");
    let mut big: Value = serde_json::from_slice(&read("ticket-updated.json")).expect("JSON");
    big["header"]["event_id"] = json!("ev-big");
    big["event"]["object"]["customized_fields"][0]["value"] = json!("x".repeat(600_000));
    steps.push(json!({"event": {"payload": big, "message_id": "big", "fragments": 3}}));
    steps.push(json!({"expect": "reply", "message_id": "big"}));
    let server = WsServer::start_tls(
        &python,
        json!({"client_config": quick(), "connections": [{"steps": steps}]}),
    );
    assert!(server.http.starts_with("https://"), "{}", server.http);
    let ca = server.ca_file();
    let out = subscribe_with(
        &server,
        &["--max-events", "2"],
        &[("SSL_CERT_FILE", ca.as_os_str())],
    );
    let err = exited(&out, 0);
    assert!(
        err.contains("lark-ticket: ready: connected to wss://127.0.0.1:"),
        "{err}"
    );
    assert_eq!(server.records("discovery").len(), 1);
    assert_eq!(replies_to(&server, "m1").len(), 1);
    assert_eq!(replies_to(&server, "big").len(), 1);
    assert!(stdout(&out).contains("ev-big"), "{}", stdout(&out));
}

#[test]
fn wss_with_an_unknown_ca_cannot_connect() {
    let Some(python) = python() else { return };
    let scenario = json!({"client_config": quick(), "connections": [{"steps": deliver("m1")}]});
    let server = WsServer::start_tls(&python, scenario.clone());
    // Another throwaway CA (of the same name): trusted, but it did not sign
    // the server's certificate.
    let other = WsServer::start_tls(&python, scenario);
    let ca = other.ca_file();
    let out = subscribe_with(
        &server,
        &["--timeout", "3"],
        &[("SSL_CERT_FILE", ca.as_os_str())],
    );
    let err = exited(&out, 0);
    let refused = err
        .lines()
        .find(|l| l.starts_with("lark-ticket: cannot connect: "))
        .unwrap_or_else(|| panic!("{err}"));
    assert!(refused.contains("invalid peer certificate"), "{refused}");
    assert!(!err.contains("ready:"), "{err}");
    assert!(stdout(&out).is_empty(), "{}", stdout(&out));
    assert!(
        server.records("discovery").is_empty(),
        "no request got through"
    );
    assert!(server.records("connect").is_empty());
}

#[test]
fn sigterm_and_sigint_stop_cleanly() {
    let Some(python) = python() else { return };
    for signal in ["TERM", "INT"] {
        // PingInterval 120: the quiet connection stays up until the signal.
        let server = WsServer::start(
            &python,
            json!({"client_config": {"PingInterval": 120, "ReconnectNonce": 0},
                "connections": [{"steps": deliver("m1")}]}),
        );
        let dir = tempfile::tempdir().expect("a temporary directory");
        let capture = dir.path().join("capture.ndjson");
        let child = spawn_subscribe(&server, &["--capture", capture.to_str().expect("UTF-8")]);
        server.wait_for("the reply to m1", |log| {
            log.iter()
                .any(|r| r["kind"] == "frame_in" && header(r, "message_id") == Some("m1"))
        });
        let killed = Command::new("kill")
            .arg(format!("-{signal}"))
            .arg(child.id().to_string())
            .status()
            .expect("kill runs");
        assert!(killed.success());
        let out = finish(child, std::time::Duration::from_secs(30));
        assert_no_secrets(&out);
        let err = exited(&out, 0);
        assert!(
            err.contains("lark-ticket: stopped: 1 message received"),
            "SIG{signal}: {err}"
        );
        // The client said goodbye with a close frame, not a dropped socket.
        let log = server.wait_for("the connection closed", |log| {
            log.iter().any(|r| r["kind"] == "closed")
        });
        let closed = log.iter().find(|r| r["kind"] == "closed").expect("closed");
        assert!(!closed["client_code"].is_null(), "SIG{signal}: {closed}");
        let captured = std::fs::read_to_string(&capture).expect("the capture");
        assert_eq!(captured.lines().count(), 1, "{captured}");
        assert!(captured.contains("ev-m1"), "{captured}");
        assert_eq!(server.records("connect").len(), 1);
    }
}
