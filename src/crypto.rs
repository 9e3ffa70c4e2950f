//! AES-256-CBC as the Lark platform uses it, and the SHA-256 request
//! signature. Decryption reports each way a ciphertext can be wrong as its own
//! error, because "why does this not decrypt" is the question users bring.

use aes::Aes256;
use aes::cipher::block_padding::{NoPadding, Pkcs7};
use aes::cipher::{BlockModeDecrypt, BlockModeEncrypt, InnerIvInit, KeyIvInit};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use crate::secret::Secret;

const BLOCK: usize = 16;

/// Why a ciphertext did not decrypt.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecryptError {
    #[error("invalid base64 in \"encrypt\" at offset {offset}: {reason}")]
    Base64 { offset: usize, reason: String },
    #[error(
        "ciphertext too short: {len} bytes after base64 decoding, need at least 32 (a 16-byte IV and one block)"
    )]
    TooShort { len: usize },
    #[error(
        "ciphertext length {len} is not a multiple of 16 (16-byte IV plus whole AES blocks): the \"encrypt\" string was truncated or altered"
    )]
    NotBlockMultiple { len: usize },
    #[error(
        "decrypted bytes are not PKCS#7 padded, but the bytes between the first '{{' and the last '}}' are JSON: the key is right and the sender used non-standard padding (the Go SDK accepts this, the Node SDK rejects it)"
    )]
    NonStandardPadding,
    #[error("decrypted bytes are not PKCS#7 padded: wrong encrypt key?")]
    BadPadding,
    #[error("plaintext is not UTF-8 (invalid byte at offset {offset}): wrong encrypt key?")]
    NotUtf8 { offset: usize },
    #[error("plaintext is not JSON: {reason}")]
    NotJson { reason: String },
}

impl DecryptError {
    /// A likely fix, printed as a hint line under the error.
    pub fn hint(&self) -> Option<&'static str> {
        match self {
            DecryptError::BadPadding | DecryptError::NotUtf8 { .. } => Some(
                "check the Encrypt Key on the app's Events and Callbacks page; the Verification Token is a different secret",
            ),
            DecryptError::Base64 { .. } => Some(
                "the \"encrypt\" value must be standard base64 (+/ alphabet, '=' padding), exactly as received",
            ),
            _ => None,
        }
    }
}

/// The AES key: SHA-256 of the Encrypt Key's UTF-8 bytes.
fn derive_key(key: &Secret) -> [u8; 32] {
    *key.sha256()
}

/// Decodes standard base64 strictly, naming the offset of the first bad
/// character.
pub fn decode_base64(text: &str) -> Result<Vec<u8>, DecryptError> {
    // The SIMD decoder is as strict (padding required, no trailing bits)
    // and several times faster; whatever it rejects goes through the
    // `base64` crate, which names the offset and the reason.
    if let Ok(bytes) = base64_simd::STANDARD.decode_to_vec(text) {
        return Ok(bytes);
    }
    STANDARD.decode(text).map_err(|e| {
        use base64::DecodeError::*;
        let (offset, reason) = match e {
            InvalidByte(offset, byte) => {
                (offset, format!("unexpected byte {}", describe_byte(byte)))
            }
            InvalidLastSymbol(offset, byte) => (
                offset,
                format!(
                    "last symbol {} has bits set past the end",
                    describe_byte(byte)
                ),
            ),
            InvalidLength(len) => (
                len,
                "length is not a multiple of 4 (missing '=' padding?)".to_string(),
            ),
            InvalidPadding => (
                text.find('=').unwrap_or(text.len()),
                "bad '=' padding".to_string(),
            ),
        };
        DecryptError::Base64 { offset, reason }
    })
}

fn describe_byte(byte: u8) -> String {
    if byte.is_ascii_graphic() {
        format!("'{}'", byte as char)
    } else {
        format!("0x{byte:02x}")
    }
}

/// Decrypts the `encrypt` string of a callback body into plaintext bytes,
/// checked to be UTF-8. (Whether they are JSON is the caller's parse.)
pub fn decrypt(key: &Secret, encrypted: &str) -> Result<String, DecryptError> {
    let plaintext = match decode_apart(encrypted) {
        Some((iv, mut body)) => {
            let len = decrypt_in_place(key, &iv, &mut body)?;
            body.truncate(len);
            body
        }
        None => decrypt_raw(key, decode_base64(encrypted)?)?,
    };
    // Checked once, here, into the text every reader of it takes; with
    // SIMD, which costs a third of the standard check.
    if simdutf8::basic::from_utf8(&plaintext).is_ok() {
        // SAFETY: simdutf8 has just found these very bytes to be UTF-8.
        return Ok(unsafe { String::from_utf8_unchecked(plaintext) });
    }
    // The fast check says only whether; the standard one says where.
    Err(DecryptError::NotUtf8 {
        offset: std::str::from_utf8(&plaintext)
            .err()
            .map_or(0, |e| e.valid_up_to()),
    })
}

/// The IV and the ciphertext after it, decoded apart, so that the
/// ciphertext starts its own storage and its plaintext needs no move to
/// the front once decrypted. The first 24 characters (no padding among
/// them) are 18 bytes: the IV and the ciphertext's first two; the rest
/// decodes on its own, and the whole text is valid base64 exactly when
/// both parts are. `None` for a text too short to split or one either part
/// rejects: [`decode_base64`] then decodes it whole and says what is wrong.
fn decode_apart(text: &str) -> Option<([u8; BLOCK], Vec<u8>)> {
    const HEAD: usize = 24;
    let (head, tail) = text.as_bytes().split_at_checked(HEAD)?;
    let mut first = [0u8; HEAD / 4 * 3];
    let decoded = base64_simd::STANDARD
        .decode(head, base64_simd::Out::from_slice(&mut first))
        .ok()?;
    if decoded.len() != first.len() {
        // Padding in the first 24 characters: the text ends there.
        return None;
    }
    let (iv, start) = first.split_first_chunk::<BLOCK>()?;
    let mut body = Vec::with_capacity(start.len() + tail.len() / 4 * 3);
    body.extend_from_slice(start);
    base64_simd::STANDARD.decode_append(tail, &mut body).ok()?;
    Some((*iv, body))
}

/// Decrypts IV + ciphertext in place and strips strict PKCS#7 padding.
pub fn decrypt_raw(key: &Secret, mut raw: Vec<u8>) -> Result<Vec<u8>, DecryptError> {
    let Some((iv, body)) = raw.split_first_chunk_mut::<BLOCK>() else {
        return Err(too_short(raw.len()));
    };
    let iv = *iv;
    let unpadded = decrypt_in_place(key, &iv, body)?;
    raw.copy_within(BLOCK..BLOCK + unpadded, 0);
    raw.truncate(unpadded);
    Ok(raw)
}

/// Decrypts the ciphertext after `iv` in place; the length of its
/// plaintext, once strict PKCS#7 padding is stripped. Errors name the
/// length of IV and ciphertext together, as the platform sends them.
fn decrypt_in_place(
    key: &Secret,
    iv: &[u8; BLOCK],
    body: &mut [u8],
) -> Result<usize, DecryptError> {
    let len = BLOCK + body.len();
    if len < 2 * BLOCK {
        return Err(too_short(len));
    }
    if !len.is_multiple_of(BLOCK) {
        return Err(DecryptError::NotBlockMultiple { len });
    }
    cbc::Decryptor::inner_iv_init(key.aes_decryption().clone(), &(*iv).into())
        .decrypt_padded::<NoPadding>(body)
        .map_err(|_| DecryptError::NotBlockMultiple { len })?;
    pkcs7_len(body).ok_or_else(|| {
        if json_between_braces(body) {
            DecryptError::NonStandardPadding
        } else {
            DecryptError::BadPadding
        }
    })
}

/// The error for IV and ciphertext of `len` bytes, fewer than two blocks.
fn too_short(len: usize) -> DecryptError {
    if len.is_multiple_of(BLOCK) {
        DecryptError::TooShort { len }
    } else {
        DecryptError::NotBlockMultiple { len }
    }
}

/// The length of the message when `data` ends in valid PKCS#7 padding.
fn pkcs7_len(data: &[u8]) -> Option<usize> {
    let &last = data.last()?;
    let n = usize::from(last);
    if n == 0 || n > BLOCK || n > data.len() {
        return None;
    }
    let pad = &data[data.len() - n..];
    // Constant-time over the padding bytes: no early exit on the first mismatch.
    let bad = pad.iter().fold(0u8, |acc, &b| acc | (b ^ last));
    (bad == 0).then(|| data.len() - n)
}

/// Whether the bytes from the first `{` to the last `}` parse as JSON (what
/// the Go SDK keeps when it ignores the padding).
fn json_between_braces(data: &[u8]) -> bool {
    let (Some(start), Some(end)) = (memchr::memchr(b'{', data), memchr::memrchr(b'}', data)) else {
        return false;
    };
    start < end && serde_json::from_slice::<serde::de::IgnoredAny>(&data[start..=end]).is_ok()
}

/// Encrypts plaintext as the platform does: base64(IV + AES-256-CBC(PKCS#7)).
pub fn encrypt(key: &Secret, plaintext: &[u8], iv: Option<[u8; BLOCK]>) -> anyhow::Result<String> {
    let iv = match iv {
        Some(iv) => iv,
        None => random_iv()?,
    };
    let aes_key = derive_key(key);
    let ct = cbc::Encryptor::<Aes256>::new(&aes_key.into(), &iv.into())
        .encrypt_padded_vec::<Pkcs7>(plaintext);
    let mut raw = Vec::with_capacity(BLOCK + ct.len());
    raw.extend_from_slice(&iv);
    raw.extend_from_slice(&ct);
    Ok(STANDARD.encode(raw))
}

/// A random IV from the operating system.
pub fn random_iv() -> anyhow::Result<[u8; BLOCK]> {
    let mut iv = [0u8; BLOCK];
    getrandom::fill(&mut iv).map_err(|e| anyhow::anyhow!("no randomness for the IV: {e}"))?;
    Ok(iv)
}

/// Lowercase hex of a byte string.
pub fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for &b in bytes {
        out.push(DIGITS[usize::from(b >> 4)] as char);
        out.push(DIGITS[usize::from(b & 0x0f)] as char);
    }
    out
}

/// Lowercase hex SHA-256 of the concatenated parts.
pub fn sha256_hex(parts: &[&[u8]]) -> String {
    let mut hasher = Sha256::new();
    for part in parts {
        hasher.update(part);
    }
    hex(&hasher.finalize())
}

/// The event signature: lowercase hex SHA-256(timestamp + nonce + key + body).
pub fn signature(timestamp: &str, nonce: &str, key: &Secret, body: &[u8]) -> String {
    sha256_hex(&[
        timestamp.as_bytes(),
        nonce.as_bytes(),
        key.expose().as_bytes(),
        body,
    ])
}

/// Compares two signatures in constant time (for equal lengths).
pub fn signatures_equal(expected: &str, received: &str) -> bool {
    expected.as_bytes().ct_eq(received.as_bytes()).into()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> Secret {
        Secret::new("test key")
    }

    #[test]
    fn round_trip() {
        let pt = br#"{"schema":"2.0","name":"\u4f60\u597d \xe4\xbd\xa0"}"#;
        let pt = String::from_utf8_lossy(pt).into_owned();
        let enc = encrypt(&key(), pt.as_bytes(), Some([7; 16])).unwrap();
        assert_eq!(decrypt(&key(), &enc).unwrap(), pt);
    }

    #[test]
    fn lark_docs_vector() {
        let enc = "P37w+VZImNgPEO1RBhJ6RtKl7n6zymIbEG1pReEzghk=";
        let out = decrypt_raw(&Secret::new("test key"), decode_base64(enc).unwrap());
        // "hello world" from the Lark docs' AES sample, key "test key".
        assert_eq!(out.unwrap(), b"hello world");
    }

    #[test]
    fn each_failure_is_named() {
        let k = key();
        assert!(matches!(
            decrypt(&k, "abc$"),
            Err(DecryptError::Base64 { offset: 3, .. })
        ));
        assert!(matches!(
            decrypt(&k, ""),
            Err(DecryptError::TooShort { len: 0 })
        ));
        assert!(matches!(
            decrypt(&k, &STANDARD.encode([0u8; 16])),
            Err(DecryptError::TooShort { len: 16 })
        ));
        assert!(matches!(
            decrypt(&k, &STANDARD.encode([0u8; 40])),
            Err(DecryptError::NotBlockMultiple { len: 40 })
        ));
        let enc = encrypt(&k, b"{\"a\":1}", Some([1; 16])).unwrap();
        assert!(matches!(
            decrypt(&Secret::new("wrong"), &enc),
            Err(DecryptError::BadPadding | DecryptError::NotUtf8 { .. })
        ));
        let enc = encrypt(&k, &[0xff, 0xfe], Some([1; 16])).unwrap();
        assert!(matches!(
            decrypt(&k, &enc),
            Err(DecryptError::NotUtf8 { offset: 0 })
        ));
    }

    #[test]
    fn zero_padding_is_recognised_as_non_standard() {
        // JSON padded with spaces to a block boundary, encrypted without PKCS#7.
        let k = key();
        let mut msg = b"{\"a\":1}".to_vec();
        msg.resize(16, b' ');
        let aes_key = derive_key(&k);
        let iv = [3u8; 16];
        let mut buf = msg.clone();
        cbc::Encryptor::<Aes256>::new(&aes_key.into(), &iv.into())
            .encrypt_padded::<NoPadding>(&mut buf, 16)
            .unwrap();
        let mut raw = iv.to_vec();
        raw.extend_from_slice(&buf);
        assert_eq!(
            decrypt(&k, &STANDARD.encode(raw)),
            Err(DecryptError::NonStandardPadding)
        );
    }

    #[test]
    fn pkcs7_is_strict() {
        assert_eq!(pkcs7_len(&[b'a', 1]), Some(1));
        assert_eq!(pkcs7_len(&[b'a', 2, 2]), Some(1));
        assert_eq!(pkcs7_len(&[b'a', 1, 2]), None);
        assert_eq!(pkcs7_len(&[0]), None);
        assert_eq!(pkcs7_len(&[17; 17]), None);
        assert_eq!(pkcs7_len(&[]), None);
    }

    #[test]
    fn signature_is_lowercase_sha256_of_the_concatenation() {
        let sig = signature("1", "n", &Secret::new("k"), b"{}");
        assert_eq!(sig, sha256_hex(&[b"1nk{}"]));
        assert_eq!(sig.len(), 64);
        assert!(
            sig.chars()
                .all(|c| c.is_ascii_digit() || ('a'..='f').contains(&c))
        );
        assert!(signatures_equal(&sig, &sig.clone()));
        assert!(!signatures_equal(&sig, &sig.to_uppercase()));
    }
}
