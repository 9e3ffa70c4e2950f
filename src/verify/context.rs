//! What the diagnosis knows about a request, the candidate signatures it
//! makes, and the hashing they share, counted so that tests can check the
//! work stays linear in the body.

use std::cell::Cell;

use serde_json::Value;

use crate::crypto;
use crate::secret::Secret;

thread_local! {
    /// See [`hashed_bytes`].
    static HASHED: Cell<u64> = const { Cell::new(0) };
}

/// How many bytes the diagnoses on this thread have hashed so far, for the
/// regression tests to check that the work stays linear in the body without
/// a clock (it once hashed the body again for every trailing newline).
pub fn hashed_bytes() -> u64 {
    HASHED.get()
}

/// Adds `parts`' lengths to [`hashed_bytes`]; called wherever a diagnosis
/// feeds bytes to a hash.
pub(super) fn count_hashed(parts: &[&[u8]]) {
    let n: usize = parts.iter().map(|p| p.len()).sum();
    HASHED.set(HASHED.get() + n as u64);
}

/// What the diagnosis knows about the request. Secrets are only hashed.
pub struct Context<'a> {
    pub timestamp: &'a str,
    pub nonce: &'a str,
    pub key: &'a Secret,
    pub token: Option<&'a Secret>,
    /// The body whose signature was checked.
    pub body: &'a [u8],
    /// The body parsed as JSON, when it is JSON.
    pub value: Option<&'a Value>,
    /// The decrypted plaintext, when the body is an `{"encrypt":...}` wrapper
    /// that decrypted.
    pub plaintext: Option<&'a [u8]>,
    /// The correct signature of this request.
    pub expected: &'a str,
}

impl Context<'_> {
    /// The event algorithm with every input replaceable.
    pub(super) fn sha256(&self, timestamp: &str, nonce: &str, key: &[u8], body: &[u8]) -> String {
        count_hashed(&[timestamp.as_bytes(), nonce.as_bytes(), key, body]);
        crypto::sha256_hex(&[timestamp.as_bytes(), nonce.as_bytes(), key, body])
    }

    /// The correct algorithm over another body.
    pub(super) fn with_body(&self, body: &[u8]) -> String {
        self.sha256(
            self.timestamp,
            self.nonce,
            self.key.expose().as_bytes(),
            body,
        )
    }

    /// The correct algorithm with another key.
    pub(super) fn with_key(&self, key: &[u8]) -> String {
        self.sha256(self.timestamp, self.nonce, key, self.body)
    }
}

/// One way the received signature might have been produced, and what to tell
/// the user when it was.
pub struct Candidate {
    pub signature: String,
    pub message: String,
}

impl Candidate {
    pub(super) fn new(signature: String, message: impl Into<String>) -> Candidate {
        Candidate {
            signature,
            message: message.into(),
        }
    }
}
