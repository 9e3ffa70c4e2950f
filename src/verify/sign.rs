//! The other side of `verify`: the headers (and encrypted body) a real
//! callback would carry, for test requests.

use anyhow::{Context as _, bail};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde_json::{Map, Value, json};

use super::verdict::{NONCE_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER};
use crate::crypto;
use crate::secret::Secret;

/// A request ready to send: its three headers, in order, and its body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signed {
    pub headers: [(&'static str, String); 3],
    pub body: Vec<u8>,
}

/// Signs `body` (first wrapped into `{"encrypt":...}` when `encrypt` is set,
/// with `iv` or a random one).
pub fn sign(
    key: &Secret,
    body: &[u8],
    timestamp: &str,
    nonce: &str,
    encrypt: Option<Option<[u8; 16]>>,
) -> anyhow::Result<Signed> {
    let body = match encrypt {
        None => body.to_vec(),
        Some(iv) => json!({ "encrypt": crypto::encrypt(key, body, iv)? })
            .to_string()
            .into_bytes(),
    };
    let signature = crypto::signature(timestamp, nonce, key, &body);
    Ok(Signed {
        headers: [
            (TIMESTAMP_HEADER, timestamp.to_string()),
            (NONCE_HEADER, nonce.to_string()),
            (SIGNATURE_HEADER, signature),
        ],
        body,
    })
}

impl Signed {
    /// `-H 'Name: value'` lines for curl, then the body as `--data-binary`
    /// when it is not the input file itself.
    pub fn curl_lines(&self, with_body: bool) -> String {
        let mut out = String::new();
        for (name, value) in &self.headers {
            out.push_str(&format!(
                "-H {}\n",
                shell_quote(&format!("{name}: {value}"))
            ));
        }
        if with_body {
            let body = String::from_utf8_lossy(&self.body);
            out.push_str(&format!("--data-binary {}\n", shell_quote(&body)));
        }
        out
    }

    /// `{"headers":{...},"body":"..."}`: a capture record, so `verify` reads
    /// it back as is (`body_base64` for a body that is not UTF-8).
    pub fn json(&self) -> Value {
        let headers: Map<String, Value> = self
            .headers
            .iter()
            .map(|(n, v)| (n.to_string(), Value::String(v.clone())))
            .collect();
        match std::str::from_utf8(&self.body) {
            Ok(body) => json!({ "headers": headers, "body": body }),
            Err(_) => json!({ "headers": headers, "body_base64": STANDARD.encode(&self.body) }),
        }
    }
}

/// Single-quotes a string for POSIX shells.
fn shell_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', r"'\''"))
}

/// Parses `--iv`: 32 hex digits.
pub fn parse_iv(hex: &str) -> anyhow::Result<[u8; 16]> {
    let hex = hex.trim();
    if hex.len() != 32 || !hex.is_ascii() {
        bail!(
            "--iv must be 32 hex digits (16 bytes), got {} characters",
            hex.chars().count()
        );
    }
    let mut iv = [0u8; 16];
    for (i, byte) in iv.iter_mut().enumerate() {
        *byte = u8::from_str_radix(&hex[2 * i..2 * i + 2], 16)
            .with_context(|| format!("--iv is not hex at offset {}", 2 * i))?;
    }
    Ok(iv)
}

/// A random nonce: 16 lowercase hex digits.
pub fn random_nonce() -> anyhow::Result<String> {
    let mut bytes = [0u8; 8];
    getrandom::fill(&mut bytes).map_err(|e| anyhow::anyhow!("no randomness for the nonce: {e}"))?;
    Ok(crypto::hex(&bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iv_parsing() {
        assert_eq!(
            parse_iv("000102030405060708090a0b0c0d0e0F").unwrap()[15],
            0x0f
        );
        assert!(parse_iv("00").is_err());
        assert!(parse_iv(&"zz".repeat(16)).is_err());
        assert!(parse_iv(&"é".repeat(16)).is_err());
    }

    #[test]
    fn quoting() {
        assert_eq!(shell_quote("a'b"), r"'a'\''b'");
    }

    #[test]
    fn signs_the_encrypted_wrapper() {
        let key = Secret::new("k");
        let s = sign(&key, b"{}", "1", "n", Some(Some([0; 16]))).unwrap();
        assert!(s.body.starts_with(b"{\"encrypt\":\""));
        assert_eq!(s.headers[2].1, crypto::signature("1", "n", &key, &s.body));
        assert_eq!(random_nonce().unwrap().len(), 16);
    }
}
