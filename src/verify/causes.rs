//! How each known cause of a mismatch reproduces the signature: for each
//! entry of [`super::diagnosis::CAUSES`], the signatures a mistaken signer
//! (or a mangled copy of the body) would have produced for this request.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, KeyInit, Mac};
use sha1::Sha1;
use sha2::{Digest, Sha256};

use super::context::{Candidate, Context, count_hashed};
use super::imitate::serializations;
use crate::crypto;

pub(super) fn trailing_newline_added(ctx: &Context<'_>) -> Vec<Candidate> {
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

pub(super) fn trailing_newline_removed(ctx: &Context<'_>) -> Vec<Candidate> {
    let msg = "the signed body ended with a newline that this body lacks: something stripped it \
               (a trim, or reading the body line by line); hash the raw request bytes";
    [&b"\n"[..], b"\r\n"]
        .iter()
        .map(|nl| Candidate::new(ctx.with_body(&[ctx.body, nl].concat()), msg))
        .collect()
}

pub(super) fn line_endings_changed(ctx: &Context<'_>) -> Vec<Candidate> {
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

pub(super) fn body_reserialized(ctx: &Context<'_>) -> Vec<Candidate> {
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

pub(super) fn plaintext_signed(ctx: &Context<'_>) -> Vec<Candidate> {
    let Some(plaintext) = ctx.plaintext else {
        return Vec::new();
    };
    vec![Candidate::new(
        ctx.with_body(plaintext),
        "the signature covers the decrypted plaintext, not the {\"encrypt\":...} body that was \
         sent: sign (and verify) the raw request body exactly as sent, before any decryption",
    )]
}

pub(super) fn verification_token_as_key(ctx: &Context<'_>) -> Vec<Candidate> {
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

pub(super) fn key_whitespace(ctx: &Context<'_>) -> Vec<Candidate> {
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

pub(super) fn timestamp_nonce_swapped(ctx: &Context<'_>) -> Vec<Candidate> {
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

pub(super) fn hmac_instead_of_hash(ctx: &Context<'_>) -> Vec<Candidate> {
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

pub(super) fn card_callback_sha1(ctx: &Context<'_>) -> Vec<Candidate> {
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

pub(super) fn uppercase_hex(ctx: &Context<'_>) -> Vec<Candidate> {
    vec![Candidate::new(
        ctx.expected.to_ascii_uppercase(),
        "the digest is right but written in upper-case hex: the SDKs compare the lowercase hex \
         string exactly and reject it; send lowercase hex",
    )]
}
