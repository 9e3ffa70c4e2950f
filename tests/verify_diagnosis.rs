//! `verify`'s diagnosis over the testdata/verify-cause-* fixtures: each
//! cause is named when it is the cause, a mismatch with no known cause shows
//! both signatures and the body's length and SHA-256, and the secrets never
//! appear.

mod common;

use common::verify::{NONCE, TS, path, sha256_hex, sign, status, verify};
use common::*;
use serde_json::Value;

const CAUSES: &[&str] = &[
    "trailing_newline_added",
    "trailing_newline_removed",
    "line_endings_changed",
    "body_reserialized",
    "plaintext_signed",
    "verification_token_as_key",
    "key_whitespace",
    "timestamp_nonce_swapped",
    "hmac_instead_of_hash",
    "card_callback_sha1",
    "uppercase_hex",
];

#[test]
fn every_cause_is_named_when_it_is_the_cause() {
    for &cause in CAUSES {
        let file = path(&format!("verify-cause-{cause}.ndjson"));
        let out = verify(&[&file, "--verification-token", TOKEN, "-o", "json"], None);
        assert_eq!(out.code, 1, "{cause}: {}{}", out.stdout, out.stderr);
        let r = out.one();
        assert_eq!(r["ok"], false);
        assert_eq!(status(&r, "signature"), "fail", "{cause}");
        assert_eq!(r["diagnosis"]["cause"], cause, "{cause}: {r}");
        let message = r["diagnosis"]["message"].as_str().unwrap();
        assert!(
            message.len() > 40,
            "{cause}: a sentence to act on: {message}"
        );
        // The table names it too.
        let table = verify(&[&file, "--verification-token", TOKEN], None);
        assert!(
            table.stdout.contains(&format!("diagnosis {cause}: ")),
            "{cause}: {}",
            table.stdout
        );
    }
}

#[test]
fn a_python_signer_hashing_json_dumps_is_body_reserialized() {
    let out = verify(
        &[
            &path("verify-cause-body_reserialized-python.ndjson"),
            "-o",
            "json",
        ],
        None,
    );
    let r = out.one();
    assert_eq!(r["diagnosis"]["cause"], "body_reserialized");
    assert!(
        r["diagnosis"]["message"]
            .as_str()
            .unwrap()
            .contains("Python json.dumps"),
        "{r}"
    );
}

#[test]
fn trailing_newline_in_a_body_file_is_named() {
    // The file ends with a newline; the platform signed the body without it.
    let body = read("verify-body.json");
    let signed = body
        .strip_suffix(b"\n")
        .expect("fixture ends with a newline");
    let out = verify(
        &[
            &path("verify-body.json"),
            "--timestamp",
            TS,
            "--nonce",
            NONCE,
            "--signature",
            &sign(signed),
            "-o",
            "json",
        ],
        None,
    );
    assert_eq!(out.code, 1);
    let r = out.one();
    assert_eq!(r["diagnosis"]["cause"], "trailing_newline_added");
    assert!(
        r["diagnosis"]["message"]
            .as_str()
            .unwrap()
            .contains("newline the signed body did not have")
    );
}

#[test]
fn no_match_shows_both_signatures_length_and_sha256_never_the_key() {
    let out = verify(&[&path("verify-cause-none.ndjson"), "-o", "json"], None);
    assert_eq!(out.code, 1);
    let r = out.one();
    assert_eq!(r["diagnosis"]["cause"], Value::Null);
    // The fixture's body is the compact event (verify-body.json without its newline).
    let body = read("verify-body.json");
    let body = body.strip_suffix(b"\n").unwrap();
    let expected = sign(body);
    let received = r["received_signature"].as_str().unwrap().to_string();
    assert_eq!(r["expected_signature"], expected.as_str());
    let message = r["diagnosis"]["message"].as_str().unwrap();
    assert!(message.contains(&expected), "{message}");
    assert!(message.contains(&received), "{message}");
    assert!(
        message.contains(&format!(
            "body ({} bytes, SHA-256 {})",
            body.len(),
            sha256_hex(&[body])
        )),
        "{message}"
    );
    assert!(
        message.contains(
            "Not tried without a verification token: verification_token_as_key, card_callback_sha1"
        ),
        "{message}"
    );
    let table = verify(&[&path("verify-cause-none.ndjson")], None);
    assert!(table.stdout.contains(&format!("expected  {expected}")));
    assert!(table.stdout.contains(&format!("received  {received}")));
    assert!(
        table
            .stdout
            .contains("diagnosis no known cause reproduces the received signature")
    );
}

#[test]
fn secrets_never_appear_even_when_they_are_the_cause() {
    // verify() asserts it for every run; these are the runs most tempted to.
    for cause in [
        "verification_token_as_key",
        "key_whitespace",
        "card_callback_sha1",
    ] {
        let file = path(&format!("verify-cause-{cause}.ndjson"));
        verify(&[&file, "--verification-token", TOKEN], None);
        verify(&[&file, "--verification-token", TOKEN, "-o", "json"], None);
    }
    let out = verify(&["--help"], None);
    assert_eq!(out.code, 0);
}
