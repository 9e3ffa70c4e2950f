//! The official SDKs as oracles for decryption, over the fixtures and over
//! seeded random cases (intact, wrong keys, flipped bits, truncated,
//! non-standard padding):
//!
//! - the Python SDK (lark-oapi) returns bytes: whatever it decrypts,
//!   `decrypt_raw` decrypts to the same bytes, and what it rejects, we reject;
//! - the Node SDK (`@larksuiteoapi/node-sdk`) returns a UTF-8 string: what
//!   `lark-ticket decrypt` accepts it decrypts to the same text, and every
//!   ciphertext we reject it rejects too, non-standard padding included
//!   (OpenSSL's strict PKCS#7 check), except plaintext that is not UTF-8,
//!   which it returns with U+FFFD in place of the bad bytes.
//!
//! Skipped with a message when an SDK is not installed, and failing instead
//! in CI (`common::oracles_required`); `.ci/run` installs both.

mod common;

use std::io::Write;
use std::process::{Command, Output, Stdio};

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use common::*;
use lark_ticket::crypto::{self, DecryptError};
use lark_ticket::secret::Secret;
use serde_json::{Value, json};

/// Runs the Python SDK's AESCipher over `[{"key","encrypt"}]` cases and
/// prints, per case, the plaintext as base64, or null when the SDK raised.
const PYTHON_ORACLE: &str = r#"
import base64, json, sys
from lark_oapi.core.utils.decryptor import AESCipher
out = []
for case in json.load(sys.stdin):
    try:
        pt = AESCipher(case["key"]).decrypt(base64.b64decode(case["encrypt"]))
        out.append(base64.b64encode(pt).decode())
    except Exception:
        out.append(None)
json.dump(out, sys.stdout)
"#;

/// The same with the Node SDK's AESCipher, whose `decrypt` takes the base64
/// string and returns the plaintext decoded as UTF-8 (sent back as base64).
const NODE_ORACLE: &str = r#"
const { AESCipher } = require('@larksuiteoapi/node-sdk');
const out = JSON.parse(require('fs').readFileSync(0, 'utf8')).map(({ key, encrypt }) => {
  try {
    return Buffer.from(new AESCipher(key).decrypt(encrypt), 'utf8').toString('base64');
  } catch (e) {
    return null;
  }
});
process.stdout.write(JSON.stringify(out));
"#;

/// Feeds the cases to an oracle process; per case, its plaintext or `None`.
fn run_oracle(mut oracle: Command, cases: &[(String, String)]) -> Vec<Option<Vec<u8>>> {
    let cases: Vec<Value> = cases
        .iter()
        .map(|(key, encrypt)| json!({"key": key, "encrypt": encrypt}))
        .collect();
    let mut child = oracle
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("the oracle runs");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(&serde_json::to_vec(&cases).unwrap())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "oracle failed");
    let results: Vec<Option<String>> = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(results.len(), cases.len());
    results
        .into_iter()
        .map(|r| r.map(|b| STANDARD.decode(b).unwrap()))
        .collect()
}

fn python_decrypt(python: &std::path::Path, cases: &[(String, String)]) -> Vec<Option<Vec<u8>>> {
    let mut oracle = Command::new(python);
    oracle.args(["-c", PYTHON_ORACLE]);
    run_oracle(oracle, cases)
}

fn node_decrypt(sdk: &NodeSdk, cases: &[(String, String)]) -> Vec<Option<Vec<u8>>> {
    let mut oracle = sdk.node();
    oracle.args(["-e", NODE_ORACLE]);
    run_oracle(oracle, cases)
}

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

/// A small deterministic generator, so failures reproduce.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn text(&mut self, max: usize) -> String {
        const PIECES: &[&str] = &[
            "a", "Z", "0", " ", "\n", "\"", "\\", "{", "}", "工单", "🎫", "é", "\t", "/",
        ];
        (0..self.below(max + 1))
            .map(|_| PIECES[self.below(PIECES.len())])
            .collect()
    }
}

/// One seeded case: the key to decrypt with, the `encrypt` string (always
/// valid base64: the Node SDK's decoder skips characters that are not base64
/// where ours names them, so bad base64 is not where the two are compared),
/// and the plaintext when the case is intact.
struct Case {
    key: String,
    encrypt: String,
    plaintext: Option<Vec<u8>>,
}

const CASES: usize = 420;

fn random_cases() -> Vec<Case> {
    let mut rng = Rng(0x5eed_1a2c_0ffe_e123);
    (0..CASES)
        .map(|i| {
            let key = match i % 4 {
                0 => KEY.to_string(),
                1 => rng.text(40),
                2 => format!(" {} ", rng.text(10)),
                _ => "钥匙🔑".to_string(),
            };
            let plaintext = json!({"schema": "2.0", "i": i, "text": rng.text(200)}).to_string();
            let secret = Secret::new(key.clone());
            let encrypted = crypto::encrypt(&secret, plaintext.as_bytes(), None).unwrap();
            let mut raw = STANDARD.decode(&encrypted).unwrap();
            let (key, plaintext) = match i % 7 {
                // Flip a ciphertext bit: breaks the padding or garbles the text.
                3 => {
                    let at = 16 + rng.below(raw.len() - 16);
                    raw[at] ^= 1 << rng.below(8);
                    (key, None)
                }
                // Decrypt with a different key.
                4 => (format!("{key}x"), None),
                // Cut: shorter than IV + one block (or than the IV), just
                // the padding block dropped, or anywhere.
                5 => {
                    let len = match rng.below(3) {
                        0 => rng.below(32),
                        1 => raw.len() - 16,
                        _ => rng.below(raw.len()),
                    };
                    raw.truncate(len);
                    (key, None)
                }
                // Pad the JSON to whole blocks without PKCS#7 (zeros, spaces,
                // no padding at all, or k bytes of k + 1), encrypt, and drop
                // the block of PKCS#7 padding that `encrypt` added after them.
                6 => {
                    let mut padded = plaintext.into_bytes();
                    let k = (16 - padded.len() % 16) % 16;
                    let fill = [0, b' ', (k + 1) as u8][rng.below(3)];
                    padded.resize(padded.len() + k, fill);
                    let encrypted = crypto::encrypt(&secret, &padded, None).unwrap();
                    raw = STANDARD.decode(encrypted).unwrap();
                    raw.truncate(raw.len() - 16);
                    (key, None)
                }
                _ => (key, Some(plaintext.into_bytes())),
            };
            Case {
                key,
                encrypt: STANDARD.encode(raw),
                plaintext,
            }
        })
        .collect()
}

fn keys_and_ciphertexts(cases: &[Case]) -> Vec<(String, String)> {
    cases
        .iter()
        .map(|c| (c.key.clone(), c.encrypt.clone()))
        .collect()
}

#[test]
fn random_payloads_agree_with_the_python_sdk() {
    let Some(python) = sdk_python() else { return };
    let cases = random_cases();
    let sdk = python_decrypt(&python, &keys_and_ciphertexts(&cases));
    let mut rejected = 0;
    for (case, theirs) in cases.iter().zip(sdk) {
        let ours = crypto::decode_base64(&case.encrypt)
            .and_then(|raw| crypto::decrypt_raw(&Secret::new(case.key.as_str()), raw))
            .ok();
        assert_eq!(
            ours, theirs,
            "lark-ticket and the Python SDK disagree on {}",
            case.encrypt
        );
        if let Some(pt) = &case.plaintext {
            assert_eq!(ours.as_ref(), Some(pt));
        }
        rejected += usize::from(ours.is_none());
    }
    assert!(rejected > CASES / 4, "only {rejected} rejections compared");
}

#[test]
fn random_payloads_agree_with_the_node_sdk() {
    let Some(node) = sdk_node() else { return };
    let cases = random_cases();
    let sdk = node_decrypt(&node, &keys_and_ciphertexts(&cases));
    // Every way of failing must have been compared, not just some.
    let mut seen = std::collections::BTreeSet::new();
    for (case, theirs) in cases.iter().zip(sdk) {
        let secret = Secret::new(case.key.as_str());
        let ours = crypto::decrypt(&secret, &case.encrypt);
        let what = format!(
            "lark-ticket ({ours:?}) and the Node SDK on {}",
            case.encrypt
        );
        match ours {
            Ok(pt) => {
                assert_eq!(Some(pt.as_bytes()), theirs.as_deref(), "{what}");
                if let Some(expected) = &case.plaintext {
                    assert_eq!(pt.as_bytes(), expected.as_slice());
                }
                seen.insert("accepted");
            }
            // The bytes are right but not UTF-8: Node's decoder replaces the
            // bad sequences with U+FFFD, as String::from_utf8_lossy does.
            Err(DecryptError::NotUtf8 { .. }) => {
                let raw = crypto::decrypt_raw(&secret, STANDARD.decode(&case.encrypt).unwrap());
                let lossy = String::from_utf8_lossy(&raw.unwrap()).into_owned();
                assert_eq!(theirs, Some(lossy.into_bytes()), "{what}");
                seen.insert("not UTF-8");
            }
            Err(e) => {
                assert_eq!(theirs, None, "{what}");
                seen.insert(match e {
                    DecryptError::TooShort { .. } => "too short",
                    DecryptError::NotBlockMultiple { .. } => "not whole blocks",
                    DecryptError::NonStandardPadding => "non-standard padding",
                    DecryptError::BadPadding => "bad padding",
                    other => panic!("unexpected for valid base64: {other:?}"),
                });
            }
        }
    }
    assert_eq!(
        seen.into_iter().collect::<Vec<_>>(),
        [
            "accepted",
            "bad padding",
            "non-standard padding",
            "not UTF-8",
            "not whole blocks",
            "too short"
        ]
    );
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
