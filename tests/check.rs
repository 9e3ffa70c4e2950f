//! `check` against handlers no one here wrote (the official Python and Node
//! SDKs' webhook handling) and against ours that each break one thing
//! (`tests/peers/handlers/`): every check reports what the README's table
//! says, and `send` is accepted by both SDK handlers.

mod common;

use common::handlers::Handler;
use common::*;
use serde_json::Value;

const KEY: &str = "test-key";
const TOKEN: &str = "test-token";

/// `check -o json URL` with the key and token; the exit code and each
/// check's name and status.
fn check(url: &str, key: Option<&str>, token: Option<&str>) -> (i32, Vec<(String, String)>, Value) {
    let mut cmd = command();
    cmd.args(["check", "-o", "json", url]);
    if let Some(key) = key {
        cmd.env("LARK_ENCRYPT_KEY", key);
    }
    if let Some(token) = token {
        cmd.env("LARK_VERIFICATION_TOKEN", token);
    }
    let out = cmd.output().expect("check runs");
    let report: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}{}", stdout(&out), stderr(&out)));
    let statuses = report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["name"].as_str().unwrap().to_string(),
                c["status"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    (code(&out), statuses, report)
}

fn show(statuses: &[(String, String)]) -> String {
    statuses
        .iter()
        .map(|(n, s)| format!("{n}={s}"))
        .collect::<Vec<_>>()
        .join(" ")
}

/// The statuses, in the battery's order, from `name=status` words.
fn expect(words: &str) -> Vec<(String, String)> {
    words
        .split_whitespace()
        .map(|w| {
            let (n, s) = w.split_once('=').expect("name=status");
            (n.to_string(), s.to_string())
        })
        .collect()
}

/// The README's table, "what `check` says about a handler built on each
/// SDK": the key and the token configured on both sides.
#[test]
fn the_sdk_handlers_with_a_key_and_a_token() {
    let Some(python) = sdk_python() else { return };
    let Some(node) = sdk_node() else { return };
    let handler = Handler::python_sdk(&python, Some(KEY), Some(TOKEN));
    let (code, statuses, report) = check(&handler.url, Some(KEY), Some(TOKEN));
    assert_eq!(
        show(&statuses),
        show(&expect(
            "challenge=pass event_accepted=pass redelivery_accepted=pass \
             forged_signature_rejected=pass tampered_body_rejected=pass wrong_token_rejected=pass \
             raw_body_hashed=pass stale_timestamp=pass unknown_event_type_accepted=warn \
             garbage_rejected=warn"
        ))
    );
    assert_eq!(code, 0);
    assert_eq!(report["ok"], true);
    assert_eq!(report["url"], handler.url.as_str());
    let unknown = &report["checks"][8];
    assert_eq!(unknown["http_status"], 500);
    assert!(
        unknown["detail"]
            .as_str()
            .unwrap()
            .contains("processor not found"),
        "{unknown}"
    );
    // The SDK ran the handler for the genuine event and its redelivery only.
    assert_eq!(handler.handled().len(), 4, "{:?}", handler.handled());

    let handler = Handler::node_sdk(&node, Some(KEY), Some(TOKEN));
    let (code, statuses, report) = check(&handler.url, Some(KEY), Some(TOKEN));
    assert_eq!(
        show(&statuses),
        show(&expect(
            "challenge=pass event_accepted=pass redelivery_accepted=pass \
             forged_signature_rejected=fail tampered_body_rejected=fail wrong_token_rejected=warn \
             raw_body_hashed=skip stale_timestamp=pass unknown_event_type_accepted=pass \
             garbage_rejected=warn"
        ))
    );
    assert_eq!(code, 1);
    let forged = report["checks"][3]["detail"].as_str().unwrap();
    assert!(forged.contains("the genuine event's answer"), "{forged}");
}

/// Without an Encrypt Key the token is the only proof.
#[test]
fn the_sdk_handlers_with_a_token_only() {
    let Some(python) = sdk_python() else { return };
    let Some(node) = sdk_node() else { return };
    let handler = Handler::python_sdk(&python, None, Some(TOKEN));
    let (code, statuses, _) = check(&handler.url, None, Some(TOKEN));
    assert_eq!(
        show(&statuses),
        show(&expect(
            "challenge=pass event_accepted=pass redelivery_accepted=pass \
             forged_signature_rejected=skip tampered_body_rejected=skip wrong_token_rejected=pass \
             raw_body_hashed=skip stale_timestamp=skip unknown_event_type_accepted=warn \
             garbage_rejected=warn"
        ))
    );
    assert_eq!(code, 0);
    let handler = Handler::node_sdk(&node, None, Some(TOKEN));
    let (code, statuses, _) = check(&handler.url, None, Some(TOKEN));
    assert_eq!(
        show(&statuses),
        show(&expect(
            "challenge=pass event_accepted=pass redelivery_accepted=pass \
             forged_signature_rejected=skip tampered_body_rejected=skip wrong_token_rejected=fail \
             raw_body_hashed=skip stale_timestamp=skip unknown_event_type_accepted=pass \
             garbage_rejected=warn"
        ))
    );
    assert_eq!(code, 1);
}

/// Each broken handler makes exactly the checks it breaks fail or warn.
#[test]
fn each_broken_handler_is_caught_by_its_checks() {
    let Some(python) = sdk_python() else { return };
    let all_pass = |except: &[(&str, &str)]| {
        let names = [
            "challenge",
            "event_accepted",
            "redelivery_accepted",
            "forged_signature_rejected",
            "tampered_body_rejected",
            "wrong_token_rejected",
            "raw_body_hashed",
            "stale_timestamp",
            "unknown_event_type_accepted",
            "garbage_rejected",
        ];
        names
            .iter()
            .map(|n| {
                let status = except
                    .iter()
                    .find(|(e, _)| e == n)
                    .map_or("pass", |(_, s)| s);
                (n.to_string(), status.to_string())
            })
            .collect::<Vec<_>>()
    };
    /// A handler's kind, the checks it breaks (with their status), its exit code.
    type Case<'a> = (&'a str, &'a [(&'a str, &'a str)], i32);
    let cases: &[Case<'_>] = &[
        ("correct", &[], 0),
        (
            "accept_all",
            &[
                ("forged_signature_rejected", "fail"),
                ("tampered_body_rejected", "fail"),
                ("wrong_token_rejected", "warn"),
                // Accepting forgeries, its answers cannot show it.
                ("raw_body_hashed", "skip"),
            ],
            1,
        ),
        ("reserialize", &[("raw_body_hashed", "warn")], 0),
        ("slow", &[("event_accepted", "warn")], 0),
        ("bad_challenge", &[("challenge", "fail")], 1),
        ("dup_500", &[("redelivery_accepted", "fail")], 1),
        (
            "silent_drop",
            &[
                ("forged_signature_rejected", "warn"),
                ("tampered_body_rejected", "warn"),
                ("wrong_token_rejected", "warn"),
            ],
            0,
        ),
        ("no_token_check", &[("wrong_token_rejected", "warn")], 0),
    ];
    for (kind, broken, exit) in cases {
        let handler = Handler::broken(&python, kind, Some(KEY), Some(TOKEN));
        let (code, statuses, _) = check(&handler.url, Some(KEY), Some(TOKEN));
        assert_eq!(show(&statuses), show(&all_pass(broken)), "{kind}");
        assert_eq!(code, *exit, "{kind}");
    }
}

/// The table for people, and a handler that is not there.
#[test]
fn the_table_and_an_unreachable_handler() {
    let Some(python) = sdk_python() else { return };
    let handler = Handler::broken(&python, "bad_challenge", Some(KEY), Some(TOKEN));
    let out = command()
        .args(["check", "--color", "never", &handler.url])
        .env("LARK_ENCRYPT_KEY", KEY)
        .env("LARK_VERIFICATION_TOKEN", TOKEN)
        .env("COLUMNS", "160")
        .output()
        .unwrap();
    assert_eq!(code(&out), 1);
    let text = stdout(&out);
    assert!(text.contains("│ challenge "), "{text}");
    assert!(text.contains("not the \"lark-ticket-"), "{text}");
    assert!(
        text.trim_end()
            .ends_with("FAILED: 9 passed, 0 warned, 1 failed, 0 skipped"),
        "{text}"
    );
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let out = command()
        .args(["check", &format!("http://{port}/webhook/event")])
        .output()
        .unwrap();
    assert_eq!(code(&out), 2);
    assert!(
        stderr(&out).contains("cannot reach the handler"),
        "{}",
        stderr(&out)
    );
    assert!(stdout(&out).is_empty());
}

/// What `send` signs, both SDKs accept and handle.
#[test]
fn the_sdk_handlers_accept_what_send_signs() {
    let Some(python) = sdk_python() else { return };
    let Some(node) = sdk_node() else { return };
    let dir = tempfile::tempdir().unwrap();
    let fixture = dir.path().join("event.json");
    let text = std::fs::read_to_string(root().join("testdata/ticket-updated.json")).unwrap();
    std::fs::write(
        &fixture,
        text.replace("rvaYgkND1GOiu5MM0E1rncYC6PLtF7JV", TOKEN),
    )
    .unwrap();
    for handler in [
        Handler::python_sdk(&python, Some(KEY), Some(TOKEN)),
        Handler::node_sdk(&node, Some(KEY), Some(TOKEN)),
    ] {
        let out = command()
            .args(["send", "--compact", "--encrypt", "-o", "json", &handler.url])
            .arg(&fixture)
            .env("LARK_ENCRYPT_KEY", KEY)
            .output()
            .unwrap();
        assert_eq!(code(&out), 0, "{}{}", stdout(&out), stderr(&out));
        assert_eq!(json_lines(&out)[0]["status"], 200);
        let handled = handler.handled();
        assert_eq!(handled.len(), 1, "{handled:?}");
        assert_eq!(handled[0]["event_id"], "5e3702a84e847582be8db7fb73283c02");
    }
}

/// `send` to a handler slower than the platform's 3 s: a warning; past
/// `--max-time`: no answer, exit 2.
#[test]
fn send_flags_a_slow_handler_and_gives_up_after_max_time() {
    let Some(python) = sdk_python() else { return };
    let handler = Handler::broken(&python, "slow", Some(KEY), Some(TOKEN));
    let dir = tempfile::tempdir().unwrap();
    let fixture = dir.path().join("event.json");
    let text =
        std::fs::read_to_string(root().join("testdata/ticket-updated.compact.json")).unwrap();
    std::fs::write(
        &fixture,
        text.replace("rvaYgkND1GOiu5MM0E1rncYC6PLtF7JV", TOKEN),
    )
    .unwrap();
    let send = |max_time: &str| {
        command()
            .args(["send", "--encrypt", "--max-time", max_time, &handler.url])
            .arg(&fixture)
            .env("LARK_ENCRYPT_KEY", KEY)
            .output()
            .unwrap()
    };
    let out = send("10");
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(
        stderr(&out).contains("the platform gives up after 3 s"),
        "{}",
        stderr(&out)
    );
    let out = send("1");
    assert_eq!(code(&out), 2, "{}", stderr(&out));
    assert!(stderr(&out).contains("no answer"), "{}", stderr(&out));
}
