//! Requests shaped as the platform sends them: the exact body (or a
//! compact rewrite, or its `{"encrypt":...}` wrapper), signed with a fresh
//! timestamp and a random nonce when the Encrypt Key is given, unsigned
//! without one (as the platform sends when the app has no Encrypt Key).

use serde_json::Value;

use crate::secret::Secret;
use crate::verify::sign::{random_nonce, sign};

/// A request to send: headers in order, and the exact body.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Shaped {
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

/// How to sign.
#[derive(Clone, Copy)]
pub struct Signing<'a> {
    /// Signs with this key (`None`: unsigned).
    pub key: Option<&'a Secret>,
    /// Unix seconds.
    pub timestamp: i64,
}

impl Signing<'_> {
    pub fn now(key: Option<&Secret>) -> Signing<'_> {
        Signing {
            key,
            timestamp: jiff::Timestamp::now().as_second(),
        }
    }
}

/// `body` as the platform delivers it: with a key, the three signature
/// headers over exactly these bytes, then `Content-Type`.
pub fn deliver(body: Vec<u8>, signing: Signing<'_>) -> anyhow::Result<Shaped> {
    let mut headers = Vec::with_capacity(4);
    if let Some(key) = signing.key {
        let signed = sign(
            key,
            &body,
            &signing.timestamp.to_string(),
            &random_nonce()?,
            None,
        )?;
        headers.extend(
            signed
                .headers
                .into_iter()
                .map(|(name, value)| (name.to_string(), value)),
        );
    }
    headers.push(("Content-Type".into(), "application/json".into()));
    Ok(Shaped { headers, body })
}

/// `plaintext` wrapped into `{"encrypt":"..."}` with `key`, compact, as the
/// platform writes it.
pub fn encrypt(key: &Secret, plaintext: &[u8]) -> anyhow::Result<Vec<u8>> {
    let ciphertext = crate::crypto::encrypt(key, plaintext, None)?;
    Ok(serde_json::to_vec(
        &serde_json::json!({ "encrypt": ciphertext }),
    )?)
}

/// A JSON body rewritten compact, keys in their order (what the platform
/// sends, and the only form the Node SDK verifies).
pub fn compact(body: &[u8]) -> Result<Vec<u8>, String> {
    let value: Value = serde_json::from_slice(body).map_err(|e| format!("not JSON: {e}"))?;
    serde_json::to_vec(&value).map_err(|e| e.to_string())
}

/// A random id, for `event_id`s and challenges: `lark-ticket-` and 16 hex
/// digits.
pub fn random_id() -> anyhow::Result<String> {
    Ok(format!("lark-ticket-{}", random_nonce()?))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto;

    #[test]
    fn signed_over_the_exact_body_or_not_at_all() {
        let key = Secret::new("k");
        let s = deliver(
            b"{ \"a\": 1 }".to_vec(),
            Signing {
                key: Some(&key),
                timestamp: 1_700_000_000,
            },
        )
        .unwrap();
        let h = |n: &str| s.headers.iter().find(|(k, _)| k == n).unwrap().1.clone();
        assert_eq!(h("X-Lark-Request-Timestamp"), "1700000000");
        let nonce = h("X-Lark-Request-Nonce");
        assert_eq!(
            h("X-Lark-Signature"),
            crypto::signature("1700000000", &nonce, &key, b"{ \"a\": 1 }")
        );
        assert_eq!(
            s.headers[3],
            ("Content-Type".into(), "application/json".into())
        );
        let plain = deliver(b"{}".to_vec(), Signing::now(None)).unwrap();
        assert_eq!(plain.headers.len(), 1);
    }

    #[test]
    fn compact_keeps_key_order() {
        assert_eq!(
            compact(b"{\n  \"z\": 1,\n  \"a\": [1, 2]\n}").unwrap(),
            b"{\"z\":1,\"a\":[1,2]}"
        );
        assert!(compact(b"{").is_err());
        let key = Secret::new("k");
        let wrapped = encrypt(&key, b"{}").unwrap();
        let value: Value = serde_json::from_slice(&wrapped).unwrap();
        let text = value["encrypt"].as_str().unwrap();
        assert_eq!(crypto::decrypt(&key, text).unwrap(), "{}");
    }
}
