//! From a raw record to the payload it carries: what the record is
//! decided ([`Probe`], the one place that says), capture records
//! unwrapped, `{"encrypt":...}` bodies decrypted.

mod probe;

use std::cell::OnceCell;

use base64::Engine;
use bytes::Bytes;
use serde_json::{Map, Value};

use crate::crypto;
use crate::input::{Headers, Location, Raw, RawRecord, RecordError, check_line};
use crate::json::Kind;
use crate::secret::Secret;
pub use probe::{Probe, Shape};

/// How the record was written down.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Origin {
    /// A JSON document: the body itself.
    Document,
    /// A raw HTTP/1.1 request capture.
    HttpCapture,
    /// A capture record `{"headers":{...},"body":"..."}`.
    CaptureRecord,
}

/// How a delivery reached the app.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Transport {
    /// An HTTP request to the app's request URL (or not known to be otherwise).
    #[default]
    Http,
    /// A message of the long connection (WebSocket): unsigned, plaintext,
    /// and without the request headers a webhook has. A capture record
    /// says so with `"via":"long_connection"`.
    LongConnection,
}

/// The `via` value of a long-connection capture record.
pub const VIA_LONG_CONNECTION: &str = "long_connection";

/// A request body with whatever came with it, before decryption.
#[derive(Debug)]
pub struct Payload {
    pub location: Location,
    pub origin: Origin,
    pub headers: Headers,
    pub method: Option<String>,
    pub path: Option<String>,
    pub received_at: Option<Value>,
    pub transport: Transport,
    /// The body exactly as received.
    pub body: Bytes,
    /// The `encrypt` member: its string, or the JSON type it has instead.
    encrypt: Option<Result<String, Kind>>,
    /// The body parsed as JSON, built only when asked for.
    value: OnceCell<Result<Value, String>>,
}

impl Payload {
    pub fn from_raw(record: RawRecord) -> Result<Payload, RecordError> {
        let location = record.location;
        match record.raw {
            Raw::Json { bytes, probe } => {
                Payload::from_json(location, bytes.into(), probe.map(Probe::decide))
            }
            Raw::Unchecked { bytes } => {
                let members = check_line(&location, &bytes)?;
                Payload::from_json(location, bytes, members.map(Probe::decide))
            }
            Raw::Http {
                method,
                path,
                headers,
                body,
            } => {
                let mut payload = Payload::new(location, Origin::HttpCapture, body)?;
                payload.headers = headers;
                payload.method = Some(method);
                payload.path = Some(path);
                Ok(payload)
            }
        }
    }

    /// A JSON document's payload, given what it is: itself, or the request
    /// a capture record holds.
    pub(crate) fn from_json(
        location: Location,
        bytes: Bytes,
        probe: Result<Probe, Kind>,
    ) -> Result<Payload, RecordError> {
        let probe = checked(&location, probe)?;
        if probe.shape() == Shape::CaptureRecord {
            let value = parse_body(&location, &bytes)?;
            let parts = value.as_object().ok_or_else(|| {
                RecordError::new(location.clone(), "capture record is not an object")
            })?;
            return Payload::from_capture_record(location.clone(), parts);
        }
        Ok(Payload::with_probe(
            location,
            Origin::Document,
            bytes,
            probe,
        ))
    }

    fn new(location: Location, origin: Origin, body: Vec<u8>) -> Result<Payload, RecordError> {
        let probe = probe_body(&location, &body)?;
        Ok(Payload::with_probe(location, origin, body.into(), probe))
    }

    fn with_probe(location: Location, origin: Origin, body: Bytes, probe: Probe) -> Payload {
        Payload {
            location,
            origin,
            headers: Headers::new(),
            method: None,
            path: None,
            received_at: None,
            transport: Transport::Http,
            body,
            encrypt: probe.encrypt,
            value: OnceCell::new(),
        }
    }

    /// The body as a JSON value. An error when it cannot be held as one:
    /// the body is JSON (checked when the payload was made), but a
    /// `serde_json::Value` cannot hold a number beyond 64-bit floats.
    pub fn value(&self) -> Result<&Value, RecordError> {
        as_value(&self.value, &self.body).map_err(|e| unrepresentable(&self.location, e))
    }

    fn from_capture_record(
        location: Location,
        parts: &Map<String, Value>,
    ) -> Result<Payload, RecordError> {
        let fail =
            |msg: String| RecordError::new(location.clone(), format!("capture record: {msg}"));
        let mut headers = Headers::new();
        if let Some(map) = parts.get("headers").and_then(Value::as_object) {
            for (name, value) in map {
                match value {
                    Value::String(s) => headers.push(name.as_str(), s.as_str()),
                    Value::Array(values) => {
                        for v in values {
                            match v.as_str() {
                                Some(s) => headers.push(name.as_str(), s),
                                None => {
                                    return Err(fail(format!(
                                        "header {name:?} has a non-string value"
                                    )));
                                }
                            }
                        }
                    }
                    _ => return Err(fail(format!("header {name:?} is not a string"))),
                }
            }
        }
        let body = match (parts.get("body"), parts.get("body_base64")) {
            (Some(Value::String(s)), None) => s.clone().into_bytes(),
            (None, Some(Value::String(b64))) => base64::engine::general_purpose::STANDARD
                .decode(b64)
                .map_err(|e| fail(format!("body_base64 is not valid base64: {e}")))?,
            (Some(_), Some(_)) => return Err(fail("has both body and body_base64".to_string())),
            _ => return Err(fail("body must be a string".to_string())),
        };
        let text = |key: &str| parts.get(key).and_then(Value::as_str).map(str::to_string);
        let mut payload = Payload::new(location, Origin::CaptureRecord, body)?;
        payload.headers = headers;
        payload.method = text("method");
        payload.path = text("path");
        payload.received_at = parts.get("received_at").cloned();
        if parts.get("via").and_then(Value::as_str) == Some(VIA_LONG_CONNECTION) {
            payload.transport = Transport::LongConnection;
        }
        Ok(payload)
    }

    /// The `encrypt` string when the body is an encrypted wrapper.
    pub fn encrypted_field(&self) -> Option<&str> {
        self.encrypt.as_ref()?.as_deref().ok()
    }

    /// Decrypts the body when it is `{"encrypt":...}` ([`Shape::Encrypted`]).
    pub fn decode(self, key: Option<&Secret>) -> Result<Record, RecordError> {
        let record = self.decode_unchecked(key)?;
        if let Some(plaintext) = &record.plaintext
            && let Err(e) = crate::input::validate(plaintext.text.as_bytes())
        {
            return Err(not_json(record.location(), &e));
        }
        Ok(record)
    }

    /// Decrypts like [`Payload::decode`] but leaves checking that the
    /// plaintext is JSON to the caller's own parse (one pass fewer on the
    /// hot path); report a failure of that parse with [`not_json`].
    pub fn decode_unchecked(self, key: Option<&Secret>) -> Result<Record, RecordError> {
        // Not an event field: only the wrapper has it, and a wrapper whose
        // ciphertext is not a string must not pass for a plain record.
        if let Some(Err(kind)) = &self.encrypt {
            return Err(RecordError::new(
                self.location.clone(),
                format!(
                    "\"encrypt\" is {}, not a base64 string: a broken encrypted record",
                    kind.name()
                ),
            ));
        }
        let Some(encrypted) = self.encrypted_field() else {
            return Ok(Record {
                payload: self,
                plaintext: None,
            });
        };
        let Some(key) = key else {
            return Err(RecordError::new(
                self.location.clone(),
                "record is encrypted and no Encrypt Key was given",
            )
            .with_hint(Some(crate::diagnostics::ENCRYPT_KEY_HINT)));
        };
        match crypto::decrypt(key, encrypted) {
            Ok(text) => Ok(Record {
                payload: self,
                plaintext: Some(Plaintext {
                    text,
                    value: OnceCell::new(),
                }),
            }),
            Err(e) => {
                Err(RecordError::new(self.location.clone(), e.to_string()).with_hint(e.hint()))
            }
        }
    }
}

/// The error for decrypted bytes that are not JSON.
pub fn not_json(location: &Location, e: &dyn std::fmt::Display) -> RecordError {
    let e = crypto::DecryptError::NotJson {
        reason: e.to_string(),
    };
    RecordError::new(location.clone(), e.to_string())
}

/// Decrypted text (checked to be UTF-8, and by [`Payload::decode`] to be
/// JSON), and its value once asked for.
#[derive(Debug)]
pub struct Plaintext {
    pub text: String,
    value: OnceCell<Result<Value, String>>,
}

/// The JSON value of `bytes`, parsed once.
fn as_value<'a>(
    cell: &'a OnceCell<Result<Value, String>>,
    bytes: &[u8],
) -> Result<&'a Value, &'a str> {
    cell.get_or_init(|| serde_json::from_slice(bytes).map_err(|e| e.to_string()))
        .as_ref()
        .map_err(String::as_str)
}

fn unrepresentable(location: &Location, e: &str) -> RecordError {
    RecordError::new(
        location.clone(),
        format!("the JSON cannot be held as a value ({e}): a number beyond 64-bit floats?"),
    )
}

/// A payload ready for the event model.
#[derive(Debug)]
pub struct Record {
    pub payload: Payload,
    /// Present when the body was encrypted.
    pub plaintext: Option<Plaintext>,
}

impl Record {
    pub fn location(&self) -> &Location {
        &self.payload.location
    }

    pub fn encrypted(&self) -> bool {
        self.plaintext.is_some()
    }

    /// The plaintext bytes: decrypted, or the body itself.
    pub fn plaintext_bytes(&self) -> &[u8] {
        self.plaintext
            .as_ref()
            .map_or(&self.payload.body, |p| p.text.as_bytes())
    }

    /// The decrypted text, already checked to be UTF-8; `None` for a
    /// record that was not encrypted.
    pub fn decrypted_text(&self) -> Option<&str> {
        self.plaintext.as_ref().map(|p| p.text.as_str())
    }

    /// The event JSON: decrypted, or the body itself.
    pub fn value(&self) -> Result<&Value, RecordError> {
        match &self.plaintext {
            Some(p) => as_value(&p.value, p.text.as_bytes())
                .map_err(|e| unrepresentable(self.location(), e)),
            None => self.payload.value(),
        }
    }

    /// The event JSON, owned.
    pub fn into_value(self) -> Result<Value, RecordError> {
        let location = self.location().clone();
        // Parsed already when asked for before; else parsed now.
        let parsed = |cell: OnceCell<Result<Value, String>>, bytes: &[u8]| {
            cell.into_inner()
                .unwrap_or_else(|| serde_json::from_slice(bytes).map_err(|e| e.to_string()))
        };
        match self.plaintext {
            Some(p) => parsed(p.value, p.text.as_bytes()),
            None => parsed(self.payload.value, &self.payload.body),
        }
        .map_err(|e| unrepresentable(&location, &e))
    }
}

/// What a request body is (it must be a JSON object).
fn probe_body(location: &Location, body: &[u8]) -> Result<Probe, RecordError> {
    match Probe::of(body) {
        Ok(probed) => checked(location, probed),
        Err(e) => Err(body_error(location, body, &e)),
    }
}

/// A probe of a JSON object, or an error naming what the body is instead.
fn checked(location: &Location, probed: Result<Probe, Kind>) -> Result<Probe, RecordError> {
    probed.map_err(|kind| {
        RecordError::new(
            location.clone(),
            format!("expected a JSON object, found {}", kind.name()),
        )
        .with_hint(
            (kind == Kind::Array).then_some(
                "to process the elements of a JSON array, pipe it through `jq -c '.[]'`",
            ),
        )
    })
}

fn parse_body(location: &Location, body: &[u8]) -> Result<Value, RecordError> {
    serde_json::from_slice(body).map_err(|e| body_error(location, body, &e))
}

fn body_error(location: &Location, body: &[u8], e: &serde_json::Error) -> RecordError {
    let what = if body.iter().all(u8::is_ascii_whitespace) {
        "body is empty".to_string()
    } else {
        format!("body is not JSON: {e}")
    };
    RecordError::new(location.clone(), what)
}
