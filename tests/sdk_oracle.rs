//! The official SDKs as oracles for decryption over the fixtures: every
//! `"encrypt"` string in them, which `lark-ticket decrypt` accepts or
//! rejects as the Python SDK (lark-oapi) and the Node SDK
//! (`@larksuiteoapi/node-sdk`) do, and decrypts to the same bytes. Seeded
//! random cases are compared in `sdk_oracle_random.rs`.
//!
//! Skipped with a message when an SDK is not installed, and failing instead
//! in CI (`common::oracles_required`); `.ci/run` installs both.

mod common;

use std::process::{Command, Output};

use common::sdk_oracle::{node_decrypt, python_decrypt};
use common::*;
use serde_json::{Value, json};

/// Every `"encrypt"` string in the fixtures, with whether `lark-ticket
/// decrypt` should accept it: three that decrypt, and the rejected ones
/// (wrong key, non-standard padding, and the bad records: lenient base64
/// decoders and all, each SDK rejects them as well).
fn fixture_cases() -> Vec<(String, bool)> {
    let mut cases = Vec::new();
    for (name, accepted) in [
        ("ticket-updated.encrypted.json", true),
        ("url-verification.encrypted.json", true),
        ("capture.http", true),
        ("wrong-key.json", false),
        ("nonstandard-padding.json", false),
        ("bad-records.ndjson", false),
    ] {
        let text = String::from_utf8(read(name)).unwrap();
        let mut found = 0;
        for (at, _) in text.match_indices("{\"encrypt\"") {
            let wrapper: Value = serde_json::Deserializer::from_str(&text[at..])
                .into_iter::<Value>()
                .next()
                .unwrap()
                .unwrap();
            cases.push((wrapper["encrypt"].as_str().unwrap().to_string(), accepted));
            found += 1;
        }
        assert!(found > 0, "no \"encrypt\" in testdata/{name}");
    }
    assert_eq!(cases.len(), 9, "3 good and 6 bad encrypt strings");
    cases
}

/// `lark-ticket decrypt` on one `{"encrypt":...}` body: the plaintext, or
/// `None` when it exits 2 (the record was rejected).
fn lark_ticket_decrypt(encrypt: &str) -> Option<Vec<u8>> {
    let out = bin()
        .args(["decrypt", "--encrypt-key", KEY])
        .write_stdin(json!({ "encrypt": encrypt }).to_string())
        .output()
        .unwrap();
    match out.status.code() {
        Some(0) => {
            let mut text = out.stdout;
            assert_eq!(
                text.pop(),
                Some(b'\n'),
                "decrypt ends the plaintext with a newline"
            );
            Some(text)
        }
        Some(2) => None,
        other => panic!("decrypt exited {other:?} on {encrypt}"),
    }
}

fn fixtures_agree(sdk: &str, decrypt: impl Fn(&[(String, String)]) -> Vec<Option<Vec<u8>>>) {
    let fixtures = fixture_cases();
    let cases: Vec<_> = fixtures
        .iter()
        .map(|(encrypt, _)| (KEY.to_string(), encrypt.clone()))
        .collect();
    for ((encrypt, accepted), theirs) in fixtures.iter().zip(decrypt(&cases)) {
        let ours = lark_ticket_decrypt(encrypt);
        assert_eq!(
            ours.is_some(),
            *accepted,
            "lark-ticket decrypt on {encrypt}"
        );
        assert_eq!(ours, theirs, "lark-ticket and the {sdk} SDK on {encrypt}");
    }
}

#[test]
fn fixtures_decrypt_like_the_python_sdk() {
    let Some(python) = sdk_python() else { return };
    fixtures_agree("Python", |cases| python_decrypt(&python, cases));
}

#[test]
fn fixtures_decrypt_like_the_node_sdk() {
    let Some(node) = sdk_node() else { return };
    fixtures_agree("Node", |cases| node_decrypt(&node, cases));
}

/// Runs one test of this binary in a child process with the oracles'
/// locations pointing nowhere, `CI` and `LARK_TICKET_REQUIRE_SDK` unset, and
/// then `env` applied.
fn without_oracles(test: &str, env: &[(&str, &str)]) -> Output {
    let nowhere = root().join("tests/no-oracle-here");
    let mut child = Command::new(std::env::current_exe().unwrap());
    child
        .args([test, "--exact", "--nocapture"])
        .env("LARK_TICKET_SDK_PYTHON", nowhere.join("python"))
        .env("LARK_TICKET_SDK_NODE", nowhere.join("node_modules"))
        .env_remove("CI")
        .env_remove("LARK_TICKET_REQUIRE_SDK");
    for (name, value) in env {
        child.env(name, value);
    }
    child.output().unwrap()
}

#[test]
fn a_missing_oracle_fails_in_ci_and_skips_elsewhere() {
    for test in [
        "fixtures_decrypt_like_the_python_sdk",
        "fixtures_decrypt_like_the_node_sdk",
    ] {
        for (env, fails) in [
            (&[][..], false),
            (&[("CI", "")][..], false),
            (&[("CI", "true")][..], true),
            (&[("CI", "1")][..], true),
            (&[("LARK_TICKET_REQUIRE_SDK", "1")][..], true),
        ] {
            let out = without_oracles(test, env);
            let stderr = String::from_utf8_lossy(&out.stderr);
            let stdout = String::from_utf8_lossy(&out.stdout);
            let context = format!("{test} with {env:?}:\n{stdout}\n{stderr}");
            assert!(
                stdout.contains("1 passed") || stdout.contains("1 failed"),
                "{context}"
            );
            if fails {
                assert_eq!(out.status.code(), Some(101), "{context}");
                assert!(stderr.contains("fails instead of skipping"), "{context}");
            } else {
                assert_eq!(out.status.code(), Some(0), "{context}");
                assert!(stderr.contains("skipping: the official"), "{context}");
            }
        }
    }
}
