//! Why a signature does not match: a table of known causes, each a way of
//! producing the signature a mistaken signer (or a mangled copy of the body)
//! would have produced. The first candidate that reproduces the received
//! signature names the cause. Adding a cause is one entry in [`CAUSES`],
//! whose candidates are a function in `causes.rs`.

use serde::Serialize;

use super::causes;
use super::context::count_hashed;
pub use super::context::{Candidate, Context, hashed_bytes};
use crate::crypto;

/// A known cause of signature mismatches.
pub struct Cause {
    /// The name scripts match on (the contract's table).
    pub name: &'static str,
    /// Whether trying it needs the verification token.
    pub needs_token: bool,
    /// The signatures this cause would produce for the request.
    pub candidates: fn(&Context<'_>) -> Vec<Candidate>,
}

/// The known causes, tried in order; the first match wins.
pub const CAUSES: &[Cause] = &[
    Cause {
        name: "trailing_newline_added",
        needs_token: false,
        candidates: causes::trailing_newline_added,
    },
    Cause {
        name: "trailing_newline_removed",
        needs_token: false,
        candidates: causes::trailing_newline_removed,
    },
    Cause {
        name: "line_endings_changed",
        needs_token: false,
        candidates: causes::line_endings_changed,
    },
    Cause {
        name: "body_reserialized",
        needs_token: false,
        candidates: causes::body_reserialized,
    },
    Cause {
        name: "plaintext_signed",
        needs_token: false,
        candidates: causes::plaintext_signed,
    },
    Cause {
        name: "verification_token_as_key",
        needs_token: true,
        candidates: causes::verification_token_as_key,
    },
    Cause {
        name: "key_whitespace",
        needs_token: false,
        candidates: causes::key_whitespace,
    },
    Cause {
        name: "timestamp_nonce_swapped",
        needs_token: false,
        candidates: causes::timestamp_nonce_swapped,
    },
    Cause {
        name: "hmac_instead_of_hash",
        needs_token: false,
        candidates: causes::hmac_instead_of_hash,
    },
    Cause {
        name: "card_callback_sha1",
        needs_token: true,
        candidates: causes::card_callback_sha1,
    },
    Cause {
        name: "uppercase_hex",
        needs_token: false,
        candidates: causes::uppercase_hex,
    },
];

/// The outcome: the cause that reproduces the received signature, or `None`
/// with a message saying what was hashed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Diagnosis {
    pub cause: Option<&'static str>,
    pub message: String,
}

/// Tries every cause in [`CAUSES`] against the received signature.
pub fn diagnose(ctx: &Context<'_>, received: &str) -> Diagnosis {
    for cause in CAUSES {
        for candidate in (cause.candidates)(ctx) {
            if crypto::signatures_equal(&candidate.signature, received) {
                return Diagnosis {
                    cause: Some(cause.name),
                    message: candidate.message,
                };
            }
        }
    }
    Diagnosis {
        cause: None,
        message: no_match_message(ctx, received),
    }
}

fn no_match_message(ctx: &Context<'_>, received: &str) -> String {
    count_hashed(&[ctx.body]);
    let mut msg = format!(
        "no known cause reproduces the received signature: most likely the request was signed \
         with a different Encrypt Key, or the body was changed in a way not in the table. \
         Expected {}, received {received}; hashed timestamp ({} bytes) + nonce ({} bytes) + \
         Encrypt Key + body ({} bytes, SHA-256 {})",
        ctx.expected,
        ctx.timestamp.len(),
        ctx.nonce.len(),
        ctx.body.len(),
        crypto::sha256_hex(&[ctx.body]),
    );
    if !is_lower_hex_digest(received) {
        msg.push_str(&format!(
            ". The received signature is {} characters, not 64 lowercase hex digits",
            received.chars().count()
        ));
    }
    if ctx.token.is_none() {
        let untried: Vec<&str> = CAUSES
            .iter()
            .filter(|c| c.needs_token)
            .map(|c| c.name)
            .collect();
        msg.push_str(&format!(
            ". Not tried without a verification token: {}",
            untried.join(", ")
        ));
    }
    msg
}

fn is_lower_hex_digest(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

#[cfg(test)]
mod tests {
    use hmac::{Hmac, KeyInit, Mac};
    use serde_json::Value;
    use sha1::Sha1;
    use sha2::Sha256;

    use super::*;
    use crate::secret::Secret;

    const TS: &str = "1700000000";
    const NONCE: &str = "n0nce";

    struct Fixture {
        key: Secret,
        token: Secret,
        body: Vec<u8>,
        value: Option<Value>,
        plaintext: Option<Vec<u8>>,
    }

    impl Fixture {
        fn new(body: &[u8]) -> Fixture {
            Fixture {
                key: Secret::new("the-key"),
                token: Secret::new("the-token"),
                body: body.to_vec(),
                value: serde_json::from_slice(body).ok(),
                plaintext: None,
            }
        }

        fn diagnose(&self, received: &str) -> Diagnosis {
            let expected = crypto::signature(TS, NONCE, &self.key, &self.body);
            let ctx = Context {
                timestamp: TS,
                nonce: NONCE,
                key: &self.key,
                token: Some(&self.token),
                body: &self.body,
                value: self.value.as_ref(),
                plaintext: self.plaintext.as_deref(),
                expected: &expected,
            };
            diagnose(&ctx, received)
        }

        fn sign(&self, body: &[u8]) -> String {
            crypto::signature(TS, NONCE, &self.key, body)
        }
    }

    fn cause(d: &Diagnosis) -> &str {
        d.cause.unwrap_or("none")
    }

    #[test]
    fn every_cause_is_named_when_it_is_the_cause() {
        let f = Fixture::new(b"{\"a\":\"\xe4\xbd\xa0\"}\n");
        assert_eq!(
            cause(&f.diagnose(&f.sign(b"{\"a\":\"\xe4\xbd\xa0\"}"))),
            "trailing_newline_added"
        );
        let f = Fixture::new(b"{\"a\":1}");
        assert_eq!(
            cause(&f.diagnose(&f.sign(b"{\"a\":1}\n"))),
            "trailing_newline_removed"
        );
        let f = Fixture::new(b"{\r\n\"a\": 1\r\n}");
        assert_eq!(
            cause(&f.diagnose(&f.sign(b"{\n\"a\": 1\n}"))),
            "line_endings_changed"
        );
        let f = Fixture::new("{\n  \"a\": \"你\"\n}".as_bytes());
        assert_eq!(
            cause(&f.diagnose(&f.sign(b"{\"a\":\"\\u4f60\"}"))),
            "body_reserialized"
        );
        let mut f = Fixture::new(b"{\"encrypt\":\"x\"}");
        f.plaintext = Some(b"{\"a\":1}".to_vec());
        assert_eq!(
            cause(&f.diagnose(&f.sign(b"{\"a\":1}"))),
            "plaintext_signed"
        );
        let f = Fixture::new(b"{}");
        let by_token = crypto::signature(TS, NONCE, &f.token, b"{}");
        assert_eq!(cause(&f.diagnose(&by_token)), "verification_token_as_key");
        let padded = crypto::signature(TS, NONCE, &Secret::new("the-key\n"), b"{}");
        assert_eq!(cause(&f.diagnose(&padded)), "key_whitespace");
        let swapped = crypto::sha256_hex(&[NONCE.as_bytes(), TS.as_bytes(), b"the-key", b"{}"]);
        assert_eq!(cause(&f.diagnose(&swapped)), "timestamp_nonce_swapped");
        let mut mac = Hmac::<Sha256>::new_from_slice(b"the-key").unwrap();
        mac.update(b"1700000000n0nce{}");
        let hmac = crypto::hex(&mac.finalize().into_bytes());
        assert_eq!(cause(&f.diagnose(&hmac)), "hmac_instead_of_hash");
        let sha1 = {
            use sha1::Digest;
            crypto::hex(&Sha1::digest(b"1700000000n0ncethe-token{}"))
        };
        assert_eq!(cause(&f.diagnose(&sha1)), "card_callback_sha1");
        assert_eq!(
            cause(&f.diagnose(&f.sign(b"{}").to_uppercase())),
            "uppercase_hex"
        );
    }

    #[test]
    fn no_match_shows_what_was_hashed_and_never_the_key() {
        let f = Fixture::new(b"{}");
        let d = f.diagnose(&"0".repeat(64));
        assert_eq!(d.cause, None);
        assert!(d.message.contains(&f.sign(b"{}")));
        assert!(d.message.contains("body (2 bytes, SHA-256 44136fa3"));
        assert!(!d.message.contains("the-key"));
        assert!(!d.message.contains("the-token"));
    }

    #[test]
    fn cause_names_are_unique() {
        let mut names: Vec<_> = CAUSES.iter().map(|c| c.name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), CAUSES.len());
    }
}
