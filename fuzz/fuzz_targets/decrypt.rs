//! Decryption: base64, AES-256-CBC and PKCS#7 over arbitrary input; the
//! round trip; and the `{"encrypt":...}` record layer. Errors never show
//! the key.

#![no_main]

use std::sync::Arc;

use lark_ticket::crypto;
use lark_ticket::input::{Location, Raw, RawRecord};
use lark_ticket::record::Payload;
use lark_ticket::secret::Secret;
use libfuzzer_sys::fuzz_target;

fn assert_no_key(text: &str, key: &str) {
    assert!(!text.contains(key), "the key leaked into {text:?}");
}

/// Errors may quote the input; a key that is in the input proves nothing.
fn quoted(input: &[u8], key: &str) -> bool {
    String::from_utf8_lossy(input).contains(key)
}

fuzz_target!(|data: &[u8]| {
    let Some((&knob, rest)) = data.split_first() else {
        return;
    };
    let split = usize::from(knob).min(rest.len()).min(24);
    let (key_bytes, input) = rest.split_at(split);
    // A distinctive prefix, so a leak cannot be a coincidental substring.
    let key_text = format!("SeCrEt-{}", String::from_utf8_lossy(key_bytes));
    let key = Secret::new(key_text.clone());
    if quoted(input, &key_text) {
        return;
    }

    // Any bytes as a ciphertext, and any text as base64.
    if let Err(e) = crypto::decrypt_raw(&key, input.to_vec()) {
        assert_no_key(&e.to_string(), &key_text);
    }
    let text = String::from_utf8_lossy(input);
    let decrypted = crypto::decrypt(&key, &text);
    match &decrypted {
        Ok(plaintext) => assert!(plaintext.len() + 16 <= text.len()),
        Err(e) => {
            assert_no_key(&e.to_string(), &key_text);
            assert_no_key(&format!("{e:?}"), &key_text);
        }
    }
    // `decrypt` decodes the IV and the ciphertext apart; the general way
    // decodes the text whole: the same plaintext or the same error.
    let whole = crypto::decode_base64(&text)
        .and_then(|raw| crypto::decrypt_raw(&key, raw))
        .and_then(|bytes| {
            String::from_utf8(bytes).map_err(|e| crypto::DecryptError::NotUtf8 {
                offset: e.utf8_error().valid_up_to(),
            })
        });
    assert_eq!(decrypted, whole);
    if let Ok(raw) = crypto::decode_base64(&text) {
        assert!(raw.len() <= text.len());
    }

    // Round trip, for any key and plaintext.
    let mut iv = [0u8; 16];
    for (i, b) in input.iter().take(16).enumerate() {
        iv[i] = *b;
    }
    let encrypted = crypto::encrypt(&key, input, Some(iv)).expect("encrypt");
    let raw = crypto::decode_base64(&encrypted).expect("our own base64");
    assert_eq!(raw.len() % 16, 0);
    assert_eq!(crypto::decrypt_raw(&key, raw).expect("round trip"), input);

    // The record layer: `{"encrypt": <text>}` and a valid encryption of the input.
    for encrypt in [text.into_owned(), encrypted] {
        let bytes = serde_json::json!({ "encrypt": encrypt })
            .to_string()
            .into_bytes();
        let record = RawRecord {
            location: Location::new(Arc::from("fuzz"), 1),
            raw: Raw::document(bytes).expect("valid JSON"),
        };
        let payload = Payload::from_raw(record).expect("an object");
        match payload.decode(Some(&key)) {
            Ok(record) => assert!(record.encrypted()),
            Err(e) => {
                assert_no_key(&e.to_string(), &key_text);
                assert_no_key(&format!("{e:?}"), &key_text);
                if let Some(hint) = &e.hint {
                    assert_no_key(hint, &key_text);
                }
            }
        }
    }
});
