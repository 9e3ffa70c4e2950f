//! `decrypt`: the exact plaintext, errors named per record.

mod common;

use common::*;
use predicates::prelude::*;

#[test]
fn reproduces_the_documentation_example_byte_for_byte() {
    // testdata/ticket-updated.encrypted.json was encrypted by pycryptodome
    // (scripts/make-fixtures.py) from the exact bytes of ticket-updated.json.
    let mut expected = read("ticket-updated.json");
    expected.push(b'\n');
    bin()
        .args([
            "decrypt",
            "--encrypt-key",
            KEY,
            "testdata/ticket-updated.encrypted.json",
        ])
        .assert()
        .success()
        .stdout(expected)
        .stderr("");
}

#[test]
fn key_from_env_and_from_file() {
    let dir = tempfile::tempdir().unwrap();
    let key_file = dir.path().join("key");
    std::fs::write(&key_file, format!("{KEY}\n")).unwrap();
    let expected = [read("ticket-updated.json"), b"\n".to_vec()].concat();
    bin()
        .args(["decrypt", "testdata/ticket-updated.encrypted.json"])
        .env("LARK_ENCRYPT_KEY", KEY)
        .assert()
        .success()
        .stdout(expected.clone());
    bin()
        .args([
            "decrypt",
            "testdata/ticket-updated.encrypted.json",
            "--encrypt-key-file",
        ])
        .arg(&key_file)
        .assert()
        .success()
        .stdout(expected);
}

#[test]
fn plain_records_pass_through_unchanged() {
    // The document as it stands in the file (which ends in one newline).
    let expected = read("ticket-updated.json");
    assert_eq!(expected.last(), Some(&b'\n'));
    bin()
        .args(["decrypt", "testdata/ticket-updated.json"])
        .assert()
        .success()
        .stdout(expected);
}

#[test]
fn pretty_reindents_keeping_key_order() {
    let out = bin()
        .args([
            "decrypt",
            "--pretty",
            "--encrypt-key",
            KEY,
            "testdata/url-verification.encrypted.json",
        ])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        "{\n  \"challenge\": \"ajls384kdjx98XX\",\n  \"token\": \"rvaYgkND1GOiu5MM0E1rncYC6PLtF7JV\",\n  \"type\": \"url_verification\"\n}\n"
    );
}

#[test]
fn stdin_and_dash() {
    let input = read("url-verification.encrypted.json");
    let expected = [read("url-verification.json")].concat();
    for args in [vec!["decrypt"], vec!["decrypt", "-"]] {
        bin()
            .args(&args)
            .env("LARK_ENCRYPT_KEY", KEY)
            .write_stdin(input.clone())
            .assert()
            .success()
            .stdout(expected.clone());
    }
}

#[test]
fn http_captures_and_capture_records_yield_their_bodies() {
    let out = bin()
        .args([
            "decrypt",
            "--encrypt-key",
            KEY,
            "testdata/capture.http",
            "testdata/captures.ndjson",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 4);
    assert!(lines[0].contains("\"helpdesk.ticket.updated_v1\""));
    assert!(lines[2].contains("\"helpdesk.ticket_message.created_v1\""));
    // body_base64 record, not encrypted: passed through as its exact body.
    assert!(lines[3].contains("\"helpdesk.notification.approve_v1\""));
}

#[test]
fn each_failure_is_named_with_its_location() {
    let out = bin()
        .args([
            "decrypt",
            "--encrypt-key",
            KEY,
            "testdata/bad-records.ndjson",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stdout = String::from_utf8(out.stdout).unwrap();
    // All ten good records (odd lines) survive, in order. Line 17 is valid
    // JSON that decrypt passes through (it is not an event, but decrypt does
    // not care).
    let good: Vec<_> = stdout.lines().filter(|l| l.contains("evt-01")).collect();
    assert_eq!(good.len(), 10, "{stdout}");
    for (i, line) in good.iter().enumerate() {
        assert!(line.contains(&format!("\"evt-{:04}\"", 101 + i)), "{line}");
    }
    let stderr = String::from_utf8(out.stderr).unwrap();
    for expected in [
        "testdata/bad-records.ndjson:2: malformed JSON",
        "testdata/bad-records.ndjson:4: invalid base64 in \"encrypt\" at offset 3",
        "testdata/bad-records.ndjson:6: decrypted bytes are not PKCS#7 padded: wrong encrypt key?",
        "testdata/bad-records.ndjson:8: malformed JSON: unterminated string",
        "testdata/bad-records.ndjson:10: expected a JSON object, found an array",
        "testdata/bad-records.ndjson:12: unexpected text",
        "testdata/bad-records.ndjson:14: ciphertext length 40 is not a multiple of 16",
        "testdata/bad-records.ndjson:18: decrypted bytes are not PKCS#7 padded, but the bytes between the first '{' and the last '}' are JSON",
    ] {
        assert!(
            stderr.contains(expected),
            "missing {expected:?} in\n{stderr}"
        );
    }
    assert!(
        stderr.lines().all(|l| l.starts_with("lark-ticket: ")),
        "{stderr}"
    );
    assert!(!stderr.contains(KEY) && !stdout.contains(KEY));
}

#[test]
fn wrong_key_and_nonstandard_padding() {
    bin()
        .args(["decrypt", "--encrypt-key", KEY, "testdata/wrong-key.json"])
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::contains(
            "testdata/wrong-key.json:1: decrypted bytes are not PKCS#7 padded: wrong encrypt key?",
        ))
        .stderr(predicate::str::contains("hint:"));
    bin()
        .args([
            "decrypt",
            "--encrypt-key",
            KEY,
            "testdata/nonstandard-padding.json",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("the key is right"))
        .stderr(predicate::str::contains("Go SDK accepts"));
}

#[test]
fn missing_key_is_an_error_with_a_hint() {
    bin()
        .args(["decrypt", "testdata/ticket-updated.encrypted.json"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "testdata/ticket-updated.encrypted.json:1: record is encrypted and no Encrypt Key was given",
        ))
        .stderr(predicate::str::contains("LARK_ENCRYPT_KEY"));
}

#[test]
fn too_short_and_empty_ciphertexts() {
    bin()
        .args(["decrypt", "--encrypt-key", KEY])
        .write_stdin("{\"encrypt\":\"\"}\n{\"encrypt\":\"AAAAAAAAAAAAAAAAAAAAAA==\"}\n")
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "-:1: ciphertext too short: 0 bytes",
        ))
        .stderr(predicate::str::contains(
            "-:2: ciphertext too short: 16 bytes",
        ));
}

#[test]
fn missing_files_and_directories_do_not_stop_the_others() {
    let expected = [read("url-verification.json")].concat();
    bin()
        .args([
            "decrypt",
            "testdata/no-such-file.json",
            "testdata",
            "testdata/url-verification.json",
        ])
        .assert()
        .code(2)
        .stdout(expected)
        .stderr(predicate::str::contains(
            "lark-ticket: error: testdata/no-such-file.json: no such file",
        ))
        .stderr(predicate::str::contains(
            "lark-ticket: error: testdata: is a directory",
        ));
}
