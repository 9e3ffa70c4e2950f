//! The official SDKs as oracles for decryption over seeded random cases
//! (intact, wrong keys, flipped bits, truncated, non-standard padding):
//!
//! - the Python SDK (lark-oapi) returns bytes: whatever it decrypts,
//!   `decrypt_raw` decrypts to the same bytes, and what it rejects, we reject;
//! - the Node SDK (`@larksuiteoapi/node-sdk`) returns a UTF-8 string: what
//!   `lark-ticket decrypt` accepts it decrypts to the same text, and every
//!   ciphertext we reject it rejects too, non-standard padding included
//!   (OpenSSL's strict PKCS#7 check), except plaintext that is not UTF-8,
//!   which it returns with U+FFFD in place of the bad bytes.
//!
//! The fixtures are compared in `sdk_oracle.rs`. Skipped with a message when
//! an SDK is not installed, and failing instead in CI
//! (`common::oracles_required`); `.ci/run` installs both.

mod common;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use common::sdk_oracle::{node_decrypt, python_decrypt};
use common::*;
use lark_ticket::crypto::{self, DecryptError};
use lark_ticket::secret::Secret;
use serde_json::json;

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
