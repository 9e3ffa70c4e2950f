//! The official Python SDK (lark-oapi) as an oracle for decryption: whatever
//! it decrypts, `lark-ticket decrypt` decrypts to the same bytes, and what it
//! rejects, we reject. Skipped with a message when the SDK is not installed
//! (`.ci/run` installs it into `.venv`).

mod common;

use std::io::Write;
use std::process::{Command, Stdio};

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use common::*;
use lark_ticket::crypto;
use lark_ticket::secret::Secret;
use serde_json::{Value, json};

/// Runs the SDK's AESCipher over `[{"key","encrypt"}]` cases and returns, per
/// case, the plaintext as base64, or null when the SDK raised.
const ORACLE: &str = r#"
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

fn sdk_decrypt(python: &std::path::Path, cases: &[Value]) -> Vec<Option<Vec<u8>>> {
    let mut child = Command::new(python)
        .args(["-c", ORACLE])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("python runs");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(serde_json::to_vec(cases).unwrap().as_slice())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "oracle failed");
    let results: Vec<Option<String>> = serde_json::from_slice(&out.stdout).unwrap();
    results
        .into_iter()
        .map(|r| r.map(|b| STANDARD.decode(b).unwrap()))
        .collect()
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

#[test]
fn fixtures_decrypt_like_the_python_sdk() {
    let Some(python) = sdk_python() else { return };
    let fixtures = [
        "ticket-updated.encrypted.json",
        "url-verification.encrypted.json",
        "capture.http",
    ];
    for name in fixtures {
        let ours = bin()
            .args(["decrypt", "--encrypt-key", KEY])
            .arg(testdata(name))
            .output()
            .unwrap();
        assert!(ours.status.success(), "{name}");
        // The encrypt string, via our own parser of the record (the capture's body).
        let body = String::from_utf8(read(name)).unwrap();
        let start = body.find("{\"encrypt\"").unwrap();
        let wrapper: Value = serde_json::Deserializer::from_str(&body[start..])
            .into_iter::<Value>()
            .next()
            .unwrap()
            .unwrap();
        let sdk = sdk_decrypt(
            &python,
            &[json!({"key": KEY, "encrypt": wrapper["encrypt"]})],
        );
        let mut expected = sdk[0].clone().expect("the SDK decrypts the fixture");
        expected.push(b'\n');
        assert_eq!(ours.stdout, expected, "{name}");
    }
}

#[test]
fn random_payloads_agree_with_the_python_sdk() {
    let Some(python) = sdk_python() else { return };
    let mut rng = Rng(0x5eed_1a2c_0ffe_e123);
    let mut cases = Vec::new();
    let mut expected = Vec::new();
    for i in 0..300 {
        let key = match i % 4 {
            0 => KEY.to_string(),
            1 => rng.text(40),
            2 => format!(" {} ", rng.text(10)),
            _ => "钥匙🔑".to_string(),
        };
        let plaintext = json!({"schema": "2.0", "i": i, "text": rng.text(200)}).to_string();
        let secret = Secret::new(key.clone());
        let mut encrypted = crypto::encrypt(&secret, plaintext.as_bytes(), None).unwrap();
        let accept = match i % 5 {
            // Flip a ciphertext byte: usually breaks the padding or the text.
            3 => {
                let mut raw = STANDARD.decode(&encrypted).unwrap();
                let at = 16 + rng.below(raw.len() - 16);
                raw[at] ^= 1 << rng.below(8);
                encrypted = STANDARD.encode(raw);
                None
            }
            // Decrypt with a different key.
            4 => {
                cases.push(json!({"key": format!("{key}x"), "encrypt": encrypted}));
                expected.push((format!("{key}x"), encrypted.clone(), None));
                continue;
            }
            _ => Some(plaintext.into_bytes()),
        };
        cases.push(json!({"key": key, "encrypt": encrypted}));
        expected.push((key, encrypted, accept));
    }
    let sdk = sdk_decrypt(&python, &cases);
    let mut compared = 0;
    for ((key, encrypted, plaintext), sdk_result) in expected.into_iter().zip(sdk) {
        let ours = crypto::decode_base64(&encrypted)
            .and_then(|raw| crypto::decrypt_raw(&Secret::new(key), raw))
            .ok();
        assert_eq!(
            ours, sdk_result,
            "lark-ticket and the SDK disagree on {encrypted}"
        );
        if let Some(pt) = plaintext {
            assert_eq!(ours.as_deref(), Some(pt.as_slice()));
        }
        compared += 1;
    }
    assert_eq!(compared, 300);
}
