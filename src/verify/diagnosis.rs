//! Why a signature does not match: a table of known causes, each a way of
//! producing the signature a mistaken signer (or a mangled copy of the body)
//! would have produced. The first candidate that reproduces the received
//! signature names the cause. Adding a cause is one entry in [`CAUSES`].

use std::cell::Cell;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, KeyInit, Mac};
use serde::Serialize;
use serde_json::Value;
use sha1::Sha1;
use sha2::{Digest, Sha256};

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
fn count_hashed(parts: &[&[u8]]) {
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
    fn sha256(&self, timestamp: &str, nonce: &str, key: &[u8], body: &[u8]) -> String {
        count_hashed(&[timestamp.as_bytes(), nonce.as_bytes(), key, body]);
        crypto::sha256_hex(&[timestamp.as_bytes(), nonce.as_bytes(), key, body])
    }

    /// The correct algorithm over another body.
    fn with_body(&self, body: &[u8]) -> String {
        self.sha256(
            self.timestamp,
            self.nonce,
            self.key.expose().as_bytes(),
            body,
        )
    }

    /// The correct algorithm with another key.
    fn with_key(&self, key: &[u8]) -> String {
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
    fn new(signature: String, message: impl Into<String>) -> Candidate {
        Candidate {
            signature,
            message: message.into(),
        }
    }
}

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
        candidates: trailing_newline_added,
    },
    Cause {
        name: "trailing_newline_removed",
        needs_token: false,
        candidates: trailing_newline_removed,
    },
    Cause {
        name: "line_endings_changed",
        needs_token: false,
        candidates: line_endings_changed,
    },
    Cause {
        name: "body_reserialized",
        needs_token: false,
        candidates: body_reserialized,
    },
    Cause {
        name: "plaintext_signed",
        needs_token: false,
        candidates: plaintext_signed,
    },
    Cause {
        name: "verification_token_as_key",
        needs_token: true,
        candidates: verification_token_as_key,
    },
    Cause {
        name: "key_whitespace",
        needs_token: false,
        candidates: key_whitespace,
    },
    Cause {
        name: "timestamp_nonce_swapped",
        needs_token: false,
        candidates: timestamp_nonce_swapped,
    },
    Cause {
        name: "hmac_instead_of_hash",
        needs_token: false,
        candidates: hmac_instead_of_hash,
    },
    Cause {
        name: "card_callback_sha1",
        needs_token: true,
        candidates: card_callback_sha1,
    },
    Cause {
        name: "uppercase_hex",
        needs_token: false,
        candidates: uppercase_hex,
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

fn trailing_newline_added(ctx: &Context<'_>) -> Vec<Candidate> {
    let msg = "the body ends with a newline the signed body did not have: it was added after \
               the request was signed (an editor, `echo` or a heredoc adds one when saving a \
               capture); remove it, or verify the body exactly as received";
    // One newline, then each further one: "\n", "\r\n", "\n\n"... up to a
    // bound: a body of a million newlines would otherwise cost a million
    // candidates, and hashing each afresh is quadratic.
    let mut cuts = Vec::new();
    let mut body = ctx.body;
    while let Some(rest) = body
        .strip_suffix(b"\r\n")
        .or_else(|| body.strip_suffix(b"\n"))
        && cuts.len() < MAX_NEWLINES_STRIPPED
    {
        cuts.push(rest.len());
        body = rest;
    }
    // Hash the shortest body first and extend it: one pass over the body.
    let Some(&shortest) = cuts.last() else {
        return Vec::new();
    };
    let mut hasher = Sha256::new();
    hasher.update(ctx.timestamp.as_bytes());
    hasher.update(ctx.nonce.as_bytes());
    hasher.update(ctx.key.expose().as_bytes());
    hasher.update(&ctx.body[..shortest]);
    count_hashed(&[
        ctx.timestamp.as_bytes(),
        ctx.nonce.as_bytes(),
        ctx.key.expose().as_bytes(),
        &ctx.body[..shortest],
    ]);
    let mut hashed = shortest;
    let mut out: Vec<Candidate> = cuts
        .iter()
        .rev()
        .map(|&cut| {
            hasher.update(&ctx.body[hashed..cut]);
            count_hashed(&[&ctx.body[hashed..cut]]);
            hashed = cut;
            Candidate::new(crypto::hex(&hasher.clone().finalize()), msg)
        })
        .collect();
    out.reverse();
    out
}

/// How many trailing newlines `trailing_newline_added` strips at most.
const MAX_NEWLINES_STRIPPED: usize = 64;

fn trailing_newline_removed(ctx: &Context<'_>) -> Vec<Candidate> {
    let msg = "the signed body ended with a newline that this body lacks: something stripped it \
               (a trim, or reading the body line by line); hash the raw request bytes";
    [&b"\n"[..], b"\r\n"]
        .iter()
        .map(|nl| Candidate::new(ctx.with_body(&[ctx.body, nl].concat()), msg))
        .collect()
}

fn line_endings_changed(ctx: &Context<'_>) -> Vec<Candidate> {
    let mut out = Vec::new();
    if memchr::memmem::find(ctx.body, b"\r\n").is_some() {
        let lf = replace(ctx.body, b"\r\n", b"\n");
        out.push(Candidate::new(
            ctx.with_body(&lf),
            "the body's line endings were converted from LF to CRLF after it was signed (the \
             signed body has LF): keep captures byte-exact (git autocrlf, Windows text mode and \
             some editors convert them)",
        ));
    }
    if ctx.body.contains(&b'\n') {
        let lf = replace(ctx.body, b"\r\n", b"\n");
        let crlf = replace(&lf, b"\n", b"\r\n");
        if crlf != ctx.body {
            out.push(Candidate::new(
                ctx.with_body(&crlf),
                "the body's line endings were converted from CRLF to LF after it was signed (the \
                 signed body has CRLF): keep captures byte-exact (git autocrlf and text-mode \
                 reads convert them)",
            ));
        }
    }
    out
}

fn replace(data: &[u8], from: &[u8], to: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(data.len() + data.len() / 8);
    let mut rest = data;
    while let Some(i) = memchr::memmem::find(rest, from) {
        out.extend_from_slice(&rest[..i]);
        out.extend_from_slice(to);
        rest = &rest[i + from.len()..];
    }
    out.extend_from_slice(rest);
    out
}

fn body_reserialized(ctx: &Context<'_>) -> Vec<Candidate> {
    let Some(value) = ctx.value else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (bytes, form) in serializations(value) {
        if bytes != ctx.body {
            out.push(Candidate::new(
                ctx.with_body(&bytes),
                format!(
                    "the signature covers a different serialization of the same JSON ({form}): \
                     the body was parsed and re-serialized between signing and hashing (a web \
                     framework's JSON parser, a logger or a pretty-printer); hash the raw \
                     request bytes, before any JSON parsing"
                ),
            ));
        }
    }
    out
}

/// The usual ways libraries write a JSON value, each with its description.
fn serializations(value: &Value) -> Vec<(Vec<u8>, &'static str)> {
    let compact = serde_json::to_string(value).unwrap_or_default();
    let spaced = to_string_with(value, SpacedFormatter);
    let mut forms = vec![
        (
            compact.clone().into_bytes(),
            "compact, as JSON.stringify writes it and the Node SDK hashes it",
        ),
        (
            escape_non_ascii(&compact, false).into_bytes(),
            "compact with non-ASCII escaped as \\uXXXX",
        ),
        (
            escape_non_ascii(&compact, true).into_bytes(),
            "compact with non-ASCII escaped as upper-case \\uXXXX",
        ),
        (
            escape_non_ascii(&spaced, false).into_bytes(),
            "Python json.dumps defaults: ', ' and ': ' separators, non-ASCII escaped",
        ),
        (
            spaced.into_bytes(),
            "', ' and ': ' separators, as Python json.dumps(ensure_ascii=False) writes it",
        ),
        (
            serde_json::to_vec_pretty(value).unwrap_or_default(),
            "pretty-printed with 2-space indentation",
        ),
    ];
    let four = to_string_with(
        value,
        serde_json::ser::PrettyFormatter::with_indent(b"    "),
    );
    forms.push((four.into_bytes(), "pretty-printed with 4-space indentation"));
    forms
}

fn to_string_with<F: serde_json::ser::Formatter>(value: &Value, formatter: F) -> String {
    let mut out = Vec::new();
    let mut ser = serde_json::Serializer::with_formatter(&mut out, formatter);
    if value.serialize(&mut ser).is_err() {
        return String::new();
    }
    String::from_utf8(out).unwrap_or_default()
}

/// Python's default separators: `", "` between items and `": "` after keys.
struct SpacedFormatter;

impl serde_json::ser::Formatter for SpacedFormatter {
    fn begin_array_value<W: ?Sized + std::io::Write>(
        &mut self,
        writer: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        if first {
            Ok(())
        } else {
            writer.write_all(b", ")
        }
    }

    fn begin_object_key<W: ?Sized + std::io::Write>(
        &mut self,
        writer: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        if first {
            Ok(())
        } else {
            writer.write_all(b", ")
        }
    }

    fn begin_object_value<W: ?Sized + std::io::Write>(
        &mut self,
        writer: &mut W,
    ) -> std::io::Result<()> {
        writer.write_all(b": ")
    }
}

/// Escapes every non-ASCII character as `\uXXXX` (UTF-16, surrogate pairs
/// beyond the BMP). Safe on serialized JSON: non-ASCII only occurs in strings.
fn escape_non_ascii(json: &str, upper: bool) -> String {
    let mut out = String::with_capacity(json.len());
    let mut units = [0u16; 2];
    for c in json.chars() {
        if c.is_ascii() {
            out.push(c);
            continue;
        }
        for unit in c.encode_utf16(&mut units) {
            if upper {
                out.push_str(&format!("\\u{unit:04X}"));
            } else {
                out.push_str(&format!("\\u{unit:04x}"));
            }
        }
    }
    out
}

fn plaintext_signed(ctx: &Context<'_>) -> Vec<Candidate> {
    let Some(plaintext) = ctx.plaintext else {
        return Vec::new();
    };
    vec![Candidate::new(
        ctx.with_body(plaintext),
        "the signature covers the decrypted plaintext, not the {\"encrypt\":...} body that was \
         sent: sign (and verify) the raw request body exactly as sent, before any decryption",
    )]
}

fn verification_token_as_key(ctx: &Context<'_>) -> Vec<Candidate> {
    let Some(token) = ctx.token else {
        return Vec::new();
    };
    vec![Candidate::new(
        ctx.with_key(token.expose().as_bytes()),
        "the request was signed with the Verification Token where the Encrypt Key belongs (or \
         the two secrets are swapped in your configuration): signatures use the Encrypt Key \
         from the app's Events and Callbacks > Encryption Strategy page",
    )]
}

fn key_whitespace(ctx: &Context<'_>) -> Vec<Candidate> {
    let key = ctx.key.expose();
    let signer_has = |padded: String, what: &str| {
        Candidate::new(
            ctx.with_key(padded.as_bytes()),
            format!(
                "the request was signed with the Encrypt Key plus {what}: the signer read its key \
                 from a file or variable without trimming it; strip the whitespace from the \
                 signer's key"
            ),
        )
    };
    let mut out = vec![
        signer_has(format!("{key}\n"), "a trailing newline"),
        signer_has(format!("{key}\r\n"), "a trailing CRLF"),
        signer_has(format!("{key} "), "a trailing space"),
        signer_has(format!(" {key}"), "a leading space"),
        signer_has(format!("{key}\t"), "a trailing tab"),
    ];
    let trimmed = key.trim();
    if trimmed != key {
        out.push(Candidate::new(
            ctx.with_key(trimmed.as_bytes()),
            "the Encrypt Key given to verify has surrounding whitespace the signer's key does \
             not: strip it (--encrypt-key-file strips only one trailing newline)",
        ));
    }
    out
}

fn timestamp_nonce_swapped(ctx: &Context<'_>) -> Vec<Candidate> {
    vec![Candidate::new(
        ctx.sha256(
            ctx.nonce,
            ctx.timestamp,
            ctx.key.expose().as_bytes(),
            ctx.body,
        ),
        "the signer concatenated the nonce before the timestamp: the order is timestamp + nonce \
         + encrypt_key + body",
    )]
}

fn hmac_instead_of_hash(ctx: &Context<'_>) -> Vec<Candidate> {
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(ctx.key.expose().as_bytes()) else {
        return Vec::new();
    };
    mac.update(ctx.timestamp.as_bytes());
    mac.update(ctx.nonce.as_bytes());
    mac.update(ctx.body);
    count_hashed(&[ctx.timestamp.as_bytes(), ctx.nonce.as_bytes(), ctx.body]);
    let digest = mac.finalize().into_bytes();
    let msg = |encoding: &str| {
        format!(
            "the signature is HMAC-SHA256 keyed with the Encrypt Key over timestamp + nonce + \
             body ({encoding}): Lark uses a plain SHA-256 of timestamp + nonce + encrypt_key + \
             body, lowercase hex, no HMAC"
        )
    };
    vec![
        Candidate::new(crypto::hex(&digest), msg("hex")),
        Candidate::new(STANDARD.encode(digest), msg("base64")),
    ]
}

fn card_callback_sha1(ctx: &Context<'_>) -> Vec<Candidate> {
    use sha1::Digest;
    let Some(token) = ctx.token else {
        return Vec::new();
    };
    let mut hasher = Sha1::new();
    hasher.update(ctx.timestamp.as_bytes());
    hasher.update(ctx.nonce.as_bytes());
    hasher.update(token.expose().as_bytes());
    hasher.update(ctx.body);
    count_hashed(&[
        ctx.timestamp.as_bytes(),
        ctx.nonce.as_bytes(),
        token.expose().as_bytes(),
        ctx.body,
    ]);
    vec![Candidate::new(
        crypto::hex(&hasher.finalize()),
        "the signature uses the legacy message-card algorithm, SHA-1(timestamp + nonce + \
         verification_token + body): this is an old-style card callback, or a signer mixing the \
         two up; check card callbacks with the card algorithm, or move the card to \
         card.action.trigger, which is signed like events",
    )]
}

fn uppercase_hex(ctx: &Context<'_>) -> Vec<Candidate> {
    vec![Candidate::new(
        ctx.expected.to_ascii_uppercase(),
        "the digest is right but written in upper-case hex: the SDKs compare the lowercase hex \
         string exactly and reject it; send lowercase hex",
    )]
}

#[cfg(test)]
mod tests {
    use super::*;

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

    #[test]
    fn non_ascii_escapes_use_surrogate_pairs() {
        assert_eq!(
            escape_non_ascii("\"a你😀\"", false),
            "\"a\\u4f60\\ud83d\\ude00\""
        );
        assert_eq!(escape_non_ascii("\"é\"", true), "\"\\u00E9\"");
    }
}
