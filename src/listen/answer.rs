//! What to answer one event request with, decided by the same code the other
//! subcommands run on a capture: the request is the payload its capture
//! record replays as (see [`super::capture::payload`]), decrypted, parsed
//! and checked by `verify`, so replaying the capture reproduces the verdict.

use serde_json::{Value, json};

use super::response::Response;
use crate::event::{Body, Detail, Event, challenge_response};
use crate::input::RecordError;
use crate::record::{Payload, Record};
use crate::verify::{self, Clock, Decoded, Secrets, Status, Verdict};

/// Said when events are accepted unchecked.
pub const NO_KEY: &str = "no Encrypt Key given, so the signature cannot be checked: accepted \
     unchecked (give LARK_ENCRYPT_KEY or --encrypt-key-file to check it)";

/// One request, decided.
pub struct Outcome {
    pub response: Response,
    /// The decoded record, when the body was JSON (and decrypted).
    pub record: Option<Record>,
    /// The event, when the record is one.
    pub event: Option<Event>,
    /// The checks, when they could run.
    pub verdict: Option<Verdict>,
    /// Why checks were skipped (no Encrypt Key).
    pub skipped: Option<&'static str>,
    /// Why the request could not be processed, or is not an event.
    pub error: Option<RecordError>,
}

/// Decides the answer to one request's payload, or to why it is none.
pub fn answer(
    payload: Result<Payload, RecordError>,
    secrets: Secrets<'_>,
    clock: Clock,
) -> Outcome {
    let mut outcome = Outcome {
        response: success(),
        record: None,
        event: None,
        verdict: None,
        skipped: None,
        error: None,
    };
    let payload = match payload {
        Ok(payload) => payload,
        Err(e) => return outcome.fail(400, e),
    };
    let headers = payload.headers.clone();
    let encrypted = payload.encrypted_field().is_some();
    if encrypted && secrets.key.is_none() {
        return match payload.decode(None) {
            Err(e) => outcome.fail(500, e),
            Ok(_) => outcome,
        };
    }
    // The signature covers the encrypted wrapper, so it is still checked
    // (and diagnosed) when the body does not decrypt.
    let kept = encrypted.then(|| (payload.body.clone(), payload.value().ok().cloned()));
    let decoded = payload.decode(secrets.key);
    let (record, undecrypted) = match decoded {
        Ok(record) => (Some(record), None),
        Err(e) => {
            let reason = e.message.clone();
            outcome.error = Some(e);
            (None, kept.map(|(body, value)| (body, value, reason)))
        }
    };
    let event = record.as_ref().map(|r| Event::of_record(r, Detail::Full));
    let body = match (&record, &undecrypted) {
        (Some(record), _) => Decoded::Record(record),
        (None, Some((body, value, reason))) => Decoded::Undecrypted {
            body,
            value: value.as_ref(),
            reason,
            transport: crate::record::Transport::Http,
        },
        (None, None) => return outcome.status_from_error(),
    };
    let checked = event.as_ref().and_then(|e| e.as_ref().ok());
    match verify::verify_decoded(&headers, body, checked, secrets, clock) {
        Ok(verdict) => outcome.verdict = Some(verdict),
        Err(verify::NeedsKey) => outcome.skipped = Some(NO_KEY),
    }
    outcome.record = record;
    match event {
        Some(Ok(event)) => outcome.event = Some(event),
        Some(Err(e)) => outcome.error = Some(e),
        None => {}
    }
    outcome.decide()
}

fn success() -> Response {
    Response::json(200, &json!({"msg": "success"}))
}

impl Outcome {
    fn fail(mut self, status: u16, error: RecordError) -> Outcome {
        self.response = Response::json(
            status,
            &json!({"msg": error_title(status), "error": error.message}),
        );
        self.error = Some(error);
        self
    }

    fn status_from_error(self) -> Outcome {
        match self.error.clone() {
            Some(e) => self.fail(400, e),
            None => self,
        }
    }

    /// A failed check answers 401; then a body that is not an event (or did
    /// not decrypt) answers 400; a challenge gets its answer; else success.
    fn decide(mut self) -> Outcome {
        if let Some(verdict) = self.verdict.as_ref().filter(|v| !v.ok()) {
            self.response = Response::json(401, &unauthorized(verdict));
            return self;
        }
        if self.error.is_some() {
            return self.status_from_error();
        }
        if let Some(Body::UrlVerification {
            challenge: Some(challenge),
        }) = self.event.as_ref().map(|e| &e.body)
        {
            self.response = Response {
                status: 200,
                content_type: "application/json; charset=utf-8".to_string(),
                body: challenge_response(Some(challenge)).into_bytes(),
            };
        }
        self
    }

    /// The answer counts as a failed check (401), or as a request that could
    /// not be processed.
    pub fn failed_checks(&self) -> bool {
        self.verdict.as_ref().is_some_and(|v| !v.ok())
    }
}

/// The failed checks and the cause, for the sender. Never the expected
/// signature: answering it would let anyone forge a request.
fn unauthorized(verdict: &Verdict) -> Value {
    let failed: Vec<Value> = verdict
        .checks
        .iter()
        .filter(|c| c.status == Status::Fail)
        .map(|c| json!({"check": c.name, "detail": c.detail}))
        .collect();
    json!({
        "msg": "verification failed",
        "failed": failed,
        "cause": verdict.diagnosis.as_ref().and_then(|d| d.cause),
    })
}

fn error_title(status: u16) -> &'static str {
    match status {
        400 => "bad request",
        _ => "cannot process the request",
    }
}
