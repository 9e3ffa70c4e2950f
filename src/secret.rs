//! Secrets (the Encrypt Key and the verification token) behind a type that
//! cannot leak them by accident: Debug and Display print `[redacted]`.

use std::fmt;
use std::sync::OnceLock;

use aes::Aes256Dec;
use aes::cipher::KeyInit;
use sha2::{Digest, Sha256};

use subtle::ConstantTimeEq;

/// A secret string. The only way to read it is [`Secret::expose`], so every
/// place that touches the value is easy to find.
#[derive(Clone)]
pub struct Secret {
    value: String,
    /// The value's SHA-256 (the AES key an Encrypt Key stands for),
    /// computed once rather than for every record.
    sha256: OnceLock<[u8; 32]>,
    /// The AES-256 decryption rounds of that key, expanded once: a
    /// record's decryption starts from a copy.
    aes_dec: OnceLock<Aes256Dec>,
}

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Secret {
            value: value.into(),
            sha256: OnceLock::new(),
            aes_dec: OnceLock::new(),
        }
    }

    /// The secret's value, for hashing and key derivation only.
    pub fn expose(&self) -> &str {
        &self.value
    }

    /// The SHA-256 of the secret's value.
    pub fn sha256(&self) -> &[u8; 32] {
        self.sha256
            .get_or_init(|| Sha256::digest(self.value.as_bytes()).into())
    }

    /// The AES-256 decryption key schedule of the secret's SHA-256.
    pub fn aes_decryption(&self) -> &Aes256Dec {
        self.aes_dec
            .get_or_init(|| Aes256Dec::new(&(*self.sha256()).into()))
    }

    /// Constant-time comparison with a value taken from a payload.
    pub fn matches(&self, other: &str) -> bool {
        self.value.as_bytes().ct_eq(other.as_bytes()).into()
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn never_formats_its_value() {
        let s = Secret::new("hunter2");
        assert_eq!(format!("{s}"), "[redacted]");
        assert_eq!(format!("{s:?}"), "[redacted]");
        assert_eq!(format!("{:?}", Some(s.clone())), "Some([redacted])");
        assert_eq!(s.expose(), "hunter2");
        let _ = s.sha256();
        let _ = s.aes_decryption();
        assert_eq!(format!("{:?}", Some(s.clone())), "Some([redacted])");
    }

    #[test]
    fn compares_exactly() {
        let s = Secret::new("token");
        assert!(s.matches("token"));
        assert!(!s.matches("token "));
        assert!(!s.matches("toke"));
        assert!(!s.matches(""));
    }
}
