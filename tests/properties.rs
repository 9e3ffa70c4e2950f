//! Properties over generated inputs.

use std::sync::Arc;

use lark_ticket::crypto;
use lark_ticket::input::{Raw, Splitter};
use lark_ticket::secret::Secret;
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

    /// Any stream of valid records with bad ones interleaved yields every
    /// valid record exactly once, in order, and reports each bad one.
    #[test]
    fn bad_records_never_swallow_good_ones(
        items in proptest::collection::vec((any::<bool>(), 0usize..8, 0u32..1000, any::<bool>()), 1..60)
    ) {
        const BAD: [&str; 8] = [
            "{\"a\": tru}",
            "{\"unterminated\": \"x",
            "{\"open\": [1, 2",
            "garbage text",
            "42",
            "{\"a\":1,}",
            "\"just a string\"",
            "{\"deep\": {\"er\": [",
        ];
        let mut input = String::new();
        let mut good = Vec::new();
        let mut bad_lines = 0;
        for (line, (is_good, shape, n, pretty)) in items.iter().enumerate() {
            if *is_good {
                let record = if *pretty {
                    format!("{{\n  \"n\": {n},\n  \"line\": {line}\n}}")
                } else {
                    format!("{{\"n\":{n},\"line\":{line}}}")
                };
                good.push(serde_json::from_str::<serde_json::Value>(&record).unwrap());
                input.push_str(&record);
            } else {
                bad_lines += 1;
                input.push_str(BAD[*shape]);
            }
            input.push('\n');
        }
        let mut seen = Vec::new();
        let mut errors = 0;
        for item in Splitter::new(input.as_bytes(), Arc::from("t"), 1 << 20) {
            match item {
                Ok(record) => match record.raw {
                    Raw::Json { bytes, .. } => seen.push(serde_json::from_slice::<serde_json::Value>(&bytes).unwrap()),
                    Raw::Http { .. } => prop_assert!(false, "no HTTP in this input"),
                },
                Err(_) => errors += 1,
            }
        }
        prop_assert_eq!(seen, good);
        prop_assert!(errors >= 1 || bad_lines == 0);
        prop_assert!(errors <= bad_lines);
    }
}
