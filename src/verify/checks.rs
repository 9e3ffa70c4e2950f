//! The checks of `verify` (signature, token, timestamp, url_verification)
//! run on one request; on a signature mismatch, the diagnosis says why. The
//! timestamp's check is in `timestamp.rs`.

use serde_json::Value;

use super::diagnosis;
use super::timestamp::timestamp_check;
use super::verdict::{
    Check, Clock, Content, Decoded, NONCE_HEADER, NeedsKey, Request, SIGNATURE_HEADER, Secrets,
    Status, TIMESTAMP_HEADER, Verdict,
};
use crate::crypto;
use crate::event::{Body, Event, Schema, challenge_response};
use crate::record::Transport;

/// Runs every check on a request with these headers and this body, and
/// the event the body holds when it is one.
pub fn verify_decoded(
    headers: &crate::input::Headers,
    decoded: Decoded<'_>,
    event: Option<&Event>,
    secrets: Secrets<'_>,
    clock: Clock,
) -> Result<Verdict, NeedsKey> {
    let (body, value, content, transport) = match decoded {
        Decoded::Record(record) => {
            let plaintext = record.plaintext.as_ref().map(|p| p.text.as_bytes());
            let content = match event {
                Some(event) => Content::Event { event, plaintext },
                None => Content::NotAnEvent,
            };
            (
                &record.payload.body[..],
                record.payload.value().ok(),
                content,
                record.payload.transport,
            )
        }
        Decoded::Undecrypted {
            body,
            value,
            reason,
            transport,
        } => (body, value, Content::Undecrypted { reason }, transport),
    };
    let request = Request {
        timestamp: headers.get(TIMESTAMP_HEADER),
        nonce: headers.get(NONCE_HEADER),
        signature: headers.get(SIGNATURE_HEADER),
        body,
        value,
        transport,
    };
    verify(&request, &content, secrets, clock)
}

/// Runs every check on one request.
pub fn verify(
    request: &Request<'_>,
    content: &Content<'_>,
    secrets: Secrets<'_>,
    clock: Clock,
) -> Result<Verdict, NeedsKey> {
    let mut verdict = Verdict {
        checks: Vec::with_capacity(4),
        expected_signature: None,
        received_signature: request.signature.map(str::to_string),
        diagnosis: None,
    };
    if request.transport == Transport::LongConnection {
        verdict.checks.extend(unsigned_checks(content, secrets));
        return Ok(verdict);
    }
    let signature = signature_check(request, content, secrets, &mut verdict)?;
    verdict.checks.push(signature);
    verdict.checks.push(token_check(content, secrets));
    verdict
        .checks
        .push(timestamp_check(request.timestamp, content, clock));
    if let Content::Event { event, .. } = content
        && let Body::UrlVerification { challenge } = &event.body
    {
        verdict.checks.push(match challenge {
            Some(c) => Check::new(
                "url_verification",
                Status::Pass,
                format!(
                    "a URL challenge: respond within 1 s with HTTP 200 and the body {}",
                    challenge_response(Some(c))
                ),
            ),
            None => Check::new(
                "url_verification",
                Status::Fail,
                "a URL challenge without a \"challenge\" value: the platform will not accept any answer",
            ),
        });
    }
    Ok(verdict)
}

/// The checks of a message of the long connection: it arrives over the TLS
/// connection the app dialled, with no signature and no timestamp header,
/// and its `header.token` may be empty.
fn unsigned_checks(content: &Content<'_>, secrets: Secrets<'_>) -> [Check; 3] {
    let signature = Check::new(
        "signature",
        Status::Skip,
        "a long-connection delivery: the platform does not sign these (the TLS connection the \
         app dialled authenticates it)",
    );
    let token = match content {
        Content::Event { event, .. }
            if event.envelope.token.as_deref().is_none_or(str::is_empty) =>
        {
            Check::new(
                "token",
                Status::Skip,
                "a long-connection delivery without a token (the platform may leave it empty there)",
            )
        }
        _ => token_check(content, secrets),
    };
    let timestamp = Check::new(
        "timestamp",
        Status::Skip,
        "a long-connection delivery has no X-Lark-Request-Timestamp header (received_at says \
         when it arrived)",
    );
    [signature, token, timestamp]
}

fn signature_check(
    request: &Request<'_>,
    content: &Content<'_>,
    secrets: Secrets<'_>,
    verdict: &mut Verdict,
) -> Result<Check, NeedsKey> {
    const NAME: &str = "signature";
    if content.is_url_verification() {
        return Ok(Check::new(
            NAME,
            Status::Skip,
            "url_verification requests arrive unsigned (the SDKs skip this check)",
        ));
    }
    let key = secrets.key.ok_or(NeedsKey)?;
    let missing: Vec<&str> = [
        (TIMESTAMP_HEADER, request.timestamp),
        (NONCE_HEADER, request.nonce),
        (SIGNATURE_HEADER, request.signature),
    ]
    .iter()
    .filter(|(_, v)| v.is_none())
    .map(|(name, _)| *name)
    .collect();
    if let (Some(ts), Some(nonce)) = (request.timestamp, request.nonce) {
        verdict.expected_signature = Some(crypto::signature(ts, nonce, key, request.body));
    }
    let (Some(ts), Some(nonce), Some(received), Some(expected)) = (
        request.timestamp,
        request.nonce,
        request.signature,
        verdict.expected_signature.as_deref(),
    ) else {
        let (noun, verb) = if missing.len() == 1 {
            ("header", "is")
        } else {
            ("headers", "are")
        };
        return Ok(Check::new(
            NAME,
            Status::Fail,
            format!(
                "cannot check: the {noun} {} {verb} missing; give them with -H 'Name: value' or \
                 --timestamp/--nonce/--signature, or verify an HTTP capture or capture record \
                 that has them",
                missing.join(", ")
            ),
        ));
    };
    if crypto::signatures_equal(expected, received) {
        let mut detail = format!(
            "matches: SHA-256 over timestamp + nonce + Encrypt Key + the {}-byte body",
            request.body.len()
        );
        if request.value.is_some_and(|v| !is_compact(v, request.body)) {
            detail.push_str(NODE_NOTE);
        }
        return Ok(Check::new(NAME, Status::Pass, detail));
    }
    let plaintext = match content {
        Content::Event { plaintext, .. } => *plaintext,
        _ => None,
    };
    let ctx = diagnosis::Context {
        timestamp: ts,
        nonce,
        key,
        token: secrets.token,
        body: request.body,
        value: request.value,
        plaintext,
        expected,
    };
    let diagnosis = diagnosis::diagnose(&ctx, received);
    let detail = match diagnosis.cause {
        Some(cause) => format!("does not match the X-Lark-Signature header; cause: {cause}"),
        None => {
            "does not match the X-Lark-Signature header; no known cause reproduces it".to_string()
        }
    };
    verdict.diagnosis = Some(diagnosis);
    Ok(Check::new(NAME, Status::Fail, detail))
}

/// Appended to a passing signature whose body is not compact JSON.
pub const NODE_NOTE: &str = "; the Node SDK would still reject it: it hashes JSON.stringify of the \
     parsed body, and this body is not compact JSON";

/// Whether `body` is the compact serialization of `value` (what the Node
/// SDK hashes instead of the raw bytes).
pub fn is_compact(value: &Value, body: &[u8]) -> bool {
    serde_json::to_vec(value).is_ok_and(|compact| compact == body)
}

fn token_check(content: &Content<'_>, secrets: Secrets<'_>) -> Check {
    const NAME: &str = "token";
    let event = match content {
        Content::Event { event, .. } => event,
        Content::NotAnEvent => {
            return match secrets.token {
                Some(_) => Check::new(
                    NAME,
                    Status::Fail,
                    "the body is not a Lark event callback, so it carries no token",
                ),
                None => Check::new(NAME, Status::Skip, "the body is not a Lark event callback"),
            };
        }
        Content::Undecrypted { reason } => {
            return Check::new(
                NAME,
                Status::Skip,
                format!("not checked: the body did not decrypt: {reason}"),
            );
        }
    };
    let field = match event.envelope.schema {
        Some(Schema::V2) => "header.token",
        _ => "token",
    };
    let Some(expected) = secrets.token else {
        return Check::new(
            NAME,
            Status::Skip,
            "no verification token given (--verification-token-file or LARK_VERIFICATION_TOKEN)",
        );
    };
    match &event.envelope.token {
        None => Check::new(
            NAME,
            Status::Fail,
            format!("the payload has no {field} to compare with the verification token"),
        ),
        Some(token) if expected.matches(token) => Check::new(
            NAME,
            Status::Pass,
            format!("{field} matches the verification token"),
        ),
        Some(token) => {
            let swapped = secrets.key.is_some_and(|k| k.matches(token));
            Check::new(
                NAME,
                Status::Fail,
                if swapped {
                    format!(
                        "{field} does not match the verification token given, but equals the \
                         Encrypt Key given: the two secrets are swapped"
                    )
                } else {
                    format!("{field} does not match the verification token")
                },
            )
        }
    }
}
