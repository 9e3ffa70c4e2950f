//! `verify`'s failures that are not crashes: missing headers, a stale
//! timestamp, no key or a wrong one, bad input, and a tampered encrypted
//! request, each a clear answer or error.

mod common;

use common::verify::{TS, check, detail, path, status, verify};
use common::*;
use serde_json::Value;

#[test]
fn missing_headers_fail_the_signature_check_clearly() {
    let out = verify(
        &[&path("verify-body.json"), "--timestamp", TS, "-o", "json"],
        None,
    );
    assert_eq!(out.code, 1, "{}{}", out.stdout, out.stderr);
    let r = out.one();
    let detail = check(&r, "signature")["detail"].as_str().unwrap();
    assert_eq!(status(&r, "signature"), "fail");
    assert!(
        detail.contains("X-Lark-Request-Nonce, X-Lark-Signature are missing"),
        "{detail}"
    );
    assert_eq!(r["received_signature"], Value::Null);
    assert_eq!(r["diagnosis"], Value::Null);
    // No headers at all, as a table.
    let out = verify(&[&path("verify-body.json")], None);
    assert_eq!(out.code, 1);
    assert!(out.stdout.contains("FAILED: signature"));
    assert!(out.stderr.is_empty(), "{}", out.stderr);
}

#[test]
fn timestamp_age_is_reported_and_checked_with_max_age() {
    let args = |extra: &[&str]| {
        let mut a = vec![path("verify-request.http"), "-o".into(), "json".into()];
        a.extend(extra.iter().map(|s| s.to_string()));
        a
    };
    let run = |extra: &[&str]| {
        let a = args(extra);
        verify(&a.iter().map(String::as_str).collect::<Vec<_>>(), None)
    };
    let out = run(&["--now", "1700000100"]);
    let r = out.one();
    assert_eq!(status(&r, "timestamp"), "skip");
    assert!(
        check(&r, "timestamp")["detail"]
            .as_str()
            .unwrap()
            .contains("100 s ago")
    );
    assert_eq!(out.code, 0);
    let out = run(&["--now", "1700000100", "--max-age", "300"]);
    assert_eq!(status(&out.one(), "timestamp"), "pass");
    assert_eq!(out.code, 0);
    let out = run(&["--now", "1700000400", "--max-age", "300"]);
    assert_eq!(status(&out.one(), "timestamp"), "fail");
    assert_eq!(out.code, 1);
}

#[test]
fn no_key_is_an_error_with_a_hint() {
    let out = bin()
        .args(["verify"])
        .arg(testdata("verify-request.http"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.starts_with("lark-ticket: error: "), "{stderr}");
    assert!(stderr.contains("no Encrypt Key"), "{stderr}");
    assert!(
        stderr.contains("lark-ticket: hint: set LARK_ENCRYPT_KEY"),
        "{stderr}"
    );
}

#[test]
fn a_wrong_key_still_checks_and_diagnoses_the_signature() {
    // The encrypted record does not decrypt with another key, and its
    // signature fails with it: the request is not authentic (1), and the
    // decryption error is in the detail.
    let out = bin()
        .env("LARK_ENCRYPT_KEY", "some-other-key")
        .args(["verify", "-o", "json"])
        .arg(testdata("verify-cause-plaintext_signed.ndjson"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&out.stdout);
    let r: Value = serde_json::from_str(stdout.trim()).unwrap();
    assert_eq!(status(&r, "signature"), "fail");
    assert_eq!(status(&r, "token"), "skip");
    assert!(
        detail(&r, "token").contains("did not decrypt: decrypted bytes are not PKCS#7 padded"),
        "{r}"
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("verify-cause-plaintext_signed.ndjson:1"),
        "{stderr}"
    );
}

#[test]
fn bad_input_is_an_error_not_a_crash() {
    for (stdin, expect) in [
        (&b"not json"[..], "body is not JSON"),
        (b"", "body is empty"),
        (b"{}\n{}\n", "more than one JSON document"),
        (
            b"POST /e HTTP/1.1\nContent-Length: 99\n\n{}",
            "truncated HTTP capture",
        ),
    ] {
        let out = verify(&["--signature", "x"], Some(stdin));
        assert_eq!(out.code, 2, "{expect}: {}{}", out.stdout, out.stderr);
        assert!(out.stderr.contains(expect), "{expect}: {}", out.stderr);
    }
    let out = verify(&["-H", "no colon here"], Some(b"{}"));
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("-H expects 'Name: value'"),
        "{}",
        out.stderr
    );
    let out = verify(&["/nonexistent/body.json"], None);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("no such file"), "{}", out.stderr);
}

#[test]
fn a_tampered_encrypted_request_is_a_negative_answer() {
    // A genuine signed request, then one base64 character of its body changed.
    let signed = bin()
        .args(["sign", "-o", "json", "--encrypt", "--encrypt-key", KEY])
        .args(["--iv", "000102030405060708090a0b0c0d0e0f"])
        .arg(testdata("ticket-updated.compact.json"))
        .output()
        .unwrap();
    assert!(signed.status.success());
    let mut capture: Value = serde_json::from_slice(&signed.stdout).unwrap();
    let body = capture["body"].as_str().unwrap().to_string();
    // In the last block: the padding no longer checks out.
    let at = body.rfind("\"}").unwrap() - 6;
    let mut bytes = body.into_bytes();
    bytes[at] = if bytes[at] == b'A' { b'B' } else { b'A' };
    capture["body"] = Value::String(String::from_utf8(bytes).unwrap());
    let out = bin()
        .args(["verify", "-o", "json", "--encrypt-key", KEY, "-"])
        .write_stdin(capture.to_string())
        .output()
        .unwrap();
    let r: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(status(&r, "signature"), "fail", "{r}");
    assert!(detail(&r, "token").contains("did not decrypt"), "{r}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.starts_with("lark-ticket: warning: -:1: "),
        "{stderr}"
    );
    assert_eq!(out.status.code(), Some(1), "{stderr}");
}
