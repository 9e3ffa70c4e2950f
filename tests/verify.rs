//! `verify` over the testdata/verify-* fixtures (made by
//! scripts/make-verify-fixtures.py with hashlib/hmac): a correct request
//! passes from every input form. The diagnosis of each cause is in
//! `tests/verify_diagnosis.rs`, the failures that are not crashes in
//! `tests/verify_failures.rs`, the agreement with the official Python SDK's
//! own signature check in `tests/verify_sdk.rs`; the helpers the four share
//! in `tests/common/verify.rs`.

mod common;

use common::verify::{NONCE, TS, check, path, sign, status, verify};
use common::*;
use serde_json::Value;

// ---- a correct request passes from every input form ----

#[test]
fn body_file_with_flags() {
    let body = read("verify-body.json");
    let sig = sign(&body);
    let out = verify(
        &[
            &path("verify-body.json"),
            "--timestamp",
            TS,
            "--nonce",
            NONCE,
            "--signature",
            &sig,
            "--verification-token",
            TOKEN,
            "-o",
            "json",
        ],
        None,
    );
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    let r = out.one();
    assert_eq!(r["ok"], true);
    assert_eq!(status(&r, "signature"), "pass");
    assert_eq!(status(&r, "token"), "pass");
    // The file ends with a newline, so it is not what JSON.stringify writes.
    let detail = check(&r, "signature")["detail"].as_str().unwrap();
    assert!(
        detail.contains("the Node SDK would still reject it"),
        "{detail}"
    );
    assert_eq!(r["expected_signature"], sig.as_str());
    assert_eq!(r["received_signature"], sig.as_str());
    assert_eq!(r["diagnosis"], Value::Null);
    assert!(
        r["source"]
            .as_str()
            .unwrap()
            .ends_with("verify-body.json:1")
    );
}

#[test]
fn body_on_stdin_with_header_flags_in_any_case() {
    let body = read("verify-body.json");
    let sig = sign(&body);
    let out = verify(
        &[
            "-H",
            &format!("x-lark-request-timestamp: {TS}"),
            "-H",
            &format!("X-LARK-REQUEST-NONCE:{NONCE}"),
            "-H",
            &format!("X-Lark-Signature: {sig}"),
            "-o",
            "json",
        ],
        Some(&body),
    );
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    assert_eq!(out.one()["source"], "-:1");
}

#[test]
fn http_capture() {
    let out = verify(
        &[
            &path("verify-request.http"),
            "--verification-token",
            TOKEN,
            "-o",
            "json",
        ],
        None,
    );
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    let r = out.one();
    assert_eq!(status(&r, "signature"), "pass");
    assert_eq!(status(&r, "token"), "pass");
    // A compact body, as the platform sends: the Node SDK agrees.
    let detail = check(&r, "signature")["detail"].as_str().unwrap();
    assert!(!detail.contains("Node SDK"), "{detail}");
}

#[test]
fn header_flags_override_the_capture() {
    let out = verify(
        &[
            &path("verify-request.http"),
            "--nonce",
            "other",
            "-o",
            "json",
        ],
        None,
    );
    assert_eq!(out.code, 1);
    assert_eq!(status(&out.one(), "signature"), "fail");
}

#[test]
fn capture_record_stream_gives_one_result_per_record() {
    let out = verify(
        &[
            &path("verify-captures.ndjson"),
            "--verification-token",
            TOKEN,
            "-o",
            "json",
        ],
        None,
    );
    let results = out.json();
    assert_eq!(results.len(), 4, "{}", out.stdout);
    let ok: Vec<bool> = results.iter().map(|r| r["ok"] == true).collect();
    // good, good encrypted, forged, challenge
    assert_eq!(ok, [true, true, false, true]);
    assert_eq!(status(&results[1], "token"), "pass", "decrypted token");
    assert_eq!(results[2]["diagnosis"]["cause"], Value::Null);
    assert_eq!(out.code, 1);
    let lines: Vec<&str> = results
        .iter()
        .map(|r| r["source"].as_str().unwrap())
        .collect();
    assert!(lines[3].ends_with("verify-captures.ndjson:4"), "{lines:?}");
}

#[test]
fn url_verification_is_unsigned_and_shows_the_response() {
    let out = verify(
        &[
            &path("verify-challenge.json"),
            "--verification-token",
            TOKEN,
        ],
        None,
    );
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    assert!(
        out.stdout
            .contains(r#"HTTP 200 and the body {"challenge":"ajls384kdjx98XX"}"#),
        "{}",
        out.stdout
    );
    let r = verify(
        &[
            &path("verify-challenge.json"),
            "-o",
            "json",
            "--verification-token",
            TOKEN,
        ],
        None,
    )
    .one();
    assert_eq!(status(&r, "signature"), "skip");
    assert_eq!(status(&r, "token"), "pass");
    assert_eq!(status(&r, "url_verification"), "pass");
    assert!(
        check(&r, "url_verification")["detail"]
            .as_str()
            .unwrap()
            .ends_with(r#"the body {"challenge":"ajls384kdjx98XX"}"#)
    );
    // The token is checked: a wrong one fails.
    let out = verify(
        &[
            &path("verify-challenge.json"),
            "-o",
            "json",
            "--verification-token",
            "wrong",
        ],
        None,
    );
    assert_eq!(out.code, 1);
    assert_eq!(status(&out.one(), "token"), "fail");
}

#[test]
fn url_verification_does_not_need_the_key() {
    let out = bin()
        .args(["verify", "-o", "json"])
        .arg(testdata("verify-challenge.json"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
}
