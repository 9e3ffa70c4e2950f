//! Properties over generated inputs.
//! Here encryption, base64 and signatures; the splitter's are in
//! `tests/properties_splitter.rs`, the quick reads that must agree with
//! the general way in `tests/properties_settle.rs`; the generated records
//! the two share in `tests/common/properties.rs`.

use lark_ticket::crypto;
use lark_ticket::secret::Secret;
use lark_ticket::verify::{self, Clock, Content, Request, Secrets, Status, sign};
use proptest::prelude::*;

proptest! {
    /// Encrypt then decrypt returns the plaintext, for any key and any bytes.
    #[test]
    fn encrypt_decrypt_round_trip(key in "\\PC{1,64}", plaintext in proptest::collection::vec(any::<u8>(), 0..2048), iv in any::<[u8; 16]>()) {
        let key = Secret::new(key);
        let encrypted = crypto::encrypt(&key, &plaintext, Some(iv)).unwrap();
        let raw = crypto::decode_base64(&encrypted).unwrap();
        prop_assert_eq!(raw.len() % 16, 0);
        prop_assert_eq!(crypto::decrypt_raw(&key, raw).unwrap(), plaintext);
    }

    /// `decrypt` decodes the IV and the ciphertext apart (so that the
    /// plaintext needs no move): it gives what decoding the text whole and
    /// decrypting that gives, the same plaintext or the same error, for
    /// encryptions of any length (a short IV or ciphertext included) and
    /// the same with one character replaced, inserted or removed.
    #[test]
    fn decrypt_decodes_apart_as_it_decodes_whole(
        key in "\\PC{1,16}",
        plaintext in proptest::collection::vec(any::<u8>(), 0..100),
        cut in 0usize..80,
        edit in 0u8..5,
        at in any::<prop::sample::Index>(),
        with in prop::sample::select(b"AQgw+/=9z_- \n.\x00".to_vec()),
    ) {
        use base64::Engine as _;
        let key = Secret::new(key);
        let encrypted = crypto::encrypt(&key, &plaintext, Some([7; 16])).unwrap();
        let mut raw = crypto::decode_base64(&encrypted).unwrap();
        // Shortened (or kept whole): every length around the split at 18 bytes.
        if edit == 4 {
            raw.truncate(cut);
        }
        let text = edited(base64::engine::general_purpose::STANDARD.encode(&raw), edit, at, with);
        let whole = crypto::decode_base64(&text)
            .and_then(|raw| crypto::decrypt_raw(&key, raw))
            .and_then(|bytes| {
                String::from_utf8(bytes).map_err(|e| crypto::DecryptError::NotUtf8 {
                    offset: e.utf8_error().valid_up_to(),
                })
            });
        prop_assert_eq!(crypto::decrypt(&key, &text), whole, "{:?}", text);
    }

    /// The fast base64 path accepts exactly what the `base64` crate's
    /// strict decoder accepts, with the same bytes: valid encodings, and
    /// the same with one character replaced, inserted or removed (bad
    /// padding, trailing bits, stray characters, wrong lengths).
    #[test]
    fn base64_fast_path_agrees_with_the_base64_crate(
        bytes in proptest::collection::vec(any::<u8>(), 0..200),
        edit in 0u8..4,
        at in any::<prop::sample::Index>(),
        with in prop::sample::select(b"AQgw+/=9z_- \n\r.\x00".to_vec()),
    ) {
        use base64::Engine as _;
        let text = edited(base64::engine::general_purpose::STANDARD.encode(&bytes), edit, at, with);
        let ours = crypto::decode_base64(&text).ok();
        let theirs = base64::engine::general_purpose::STANDARD.decode(&text).ok();
        prop_assert_eq!(ours, theirs, "{:?}", text);
    }
}

/// `text` with one character replaced (`edit` 0), inserted (1) or removed
/// (2) at `at`, or as it is.
fn edited(text: String, edit: u8, at: prop::sample::Index, with: u8) -> String {
    let mut text = text.into_bytes();
    if !text.is_empty() {
        let i = at.index(text.len());
        match edit {
            0 => text[i] = with,
            1 => text.insert(i, with),
            2 => {
                text.remove(i);
            }
            _ => {}
        }
    }
    String::from_utf8(text).unwrap()
}

fn verify_signature(
    key: &Secret,
    timestamp: &str,
    nonce: &str,
    signature: &str,
    body: &[u8],
) -> Status {
    let value = serde_json::from_slice::<serde_json::Value>(body).ok();
    let request = Request {
        timestamp: Some(timestamp),
        nonce: Some(nonce),
        signature: Some(signature),
        body,
        value: value.as_ref(),
        transport: lark_ticket::record::Transport::Http,
    };
    let secrets = Secrets {
        key: Some(key),
        token: None,
    };
    let clock = Clock {
        now: 0,
        max_age: None,
    };
    let verdict = verify::verify(&request, &Content::NotAnEvent, secrets, clock).expect("a key");
    verdict
        .check("signature")
        .expect("a signature check")
        .status
}

proptest! {
    /// `sign` then `verify` passes, with or without --encrypt; changing any
    /// one byte of the body makes the signature fail.
    #[test]
    fn sign_then_verify_passes_and_any_changed_byte_fails(
        key in "\\PC{1,40}",
        body in proptest::collection::vec(any::<u8>(), 0..400),
        timestamp in "[0-9]{1,12}",
        nonce in "[0-9a-zA-Z]{0,20}",
        encrypt in proptest::option::of(any::<[u8; 16]>()),
        at in any::<proptest::sample::Index>(),
        delta in 1u8..=255,
    ) {
        let key = Secret::new(key);
        let signed = sign::sign(&key, &body, &timestamp, &nonce, encrypt.map(Some)).unwrap();
        let signature = &signed.headers[2].1;
        prop_assert_eq!(verify_signature(&key, &timestamp, &nonce, signature, &signed.body), Status::Pass);
        if !signed.body.is_empty() {
            let mut changed = signed.body.clone();
            let i = at.index(changed.len());
            changed[i] = changed[i].wrapping_add(delta);
            prop_assert_eq!(verify_signature(&key, &timestamp, &nonce, signature, &changed), Status::Fail);
        }
    }
}
