//! From a raw record to the payload it carries: capture records unwrapped,
//! `{"encrypt":...}` bodies decrypted, plaintext parsed.

use base64::Engine;
use serde_json::{Map, Value};

use crate::crypto;
use crate::input::{Headers, Location, Raw, RawRecord, RecordError};
use crate::secret::Secret;

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

/// A request body with whatever came with it, before decryption.
#[derive(Debug)]
pub struct Payload {
    pub location: Location,
    pub origin: Origin,
    pub headers: Headers,
    pub method: Option<String>,
    pub path: Option<String>,
    pub received_at: Option<Value>,
    /// The body exactly as received.
    pub body: Vec<u8>,
    /// The body parsed as JSON.
    pub value: Value,
}

impl Payload {
    pub fn from_raw(record: RawRecord) -> Result<Payload, RecordError> {
        let location = record.location;
        match record.raw {
            Raw::Json { bytes } => {
                let value = parse_body(&location, &bytes)?;
                match capture_parts(&value) {
                    Some(parts) => Payload::from_capture_record(location, parts),
                    None => Payload::new(location, Origin::Document, bytes, Some(value)),
                }
            }
            Raw::Http {
                method,
                path,
                headers,
                body,
            } => {
                let mut payload = Payload::new(location, Origin::HttpCapture, body, None)?;
                payload.headers = headers;
                payload.method = Some(method);
                payload.path = Some(path);
                Ok(payload)
            }
        }
    }

    fn new(
        location: Location,
        origin: Origin,
        body: Vec<u8>,
        value: Option<Value>,
    ) -> Result<Payload, RecordError> {
        let value = match value {
            Some(v) => v,
            None => parse_body(&location, &body)?,
        };
        if !value.is_object() {
            return Err(RecordError::new(
                location,
                format!("expected a JSON object, found {}", kind_of(&value)),
            )
            .with_hint(value.is_array().then_some(
                "to process the elements of a JSON array, pipe it through `jq -c '.[]'`",
            )));
        }
        Ok(Payload {
            location,
            origin,
            headers: Headers::new(),
            method: None,
            path: None,
            received_at: None,
            body,
            value,
        })
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
        let mut payload = Payload::new(location, Origin::CaptureRecord, body, None)?;
        payload.headers = headers;
        payload.method = text("method");
        payload.path = text("path");
        payload.received_at = parts.get("received_at").cloned();
        Ok(payload)
    }

    /// The `encrypt` string when the body is an encrypted wrapper.
    pub fn encrypted_field(&self) -> Option<&str> {
        self.value.get("encrypt").and_then(Value::as_str)
    }

    /// Decrypts the body when it is `{"encrypt":...}`.
    pub fn decode(self, key: Option<&Secret>) -> Result<Record, RecordError> {
        // Not an event field: only the wrapper has it, and a wrapper whose
        // ciphertext is not a string must not pass for a plain record.
        if let Some(other) = self.value.get("encrypt").filter(|v| !v.is_string()) {
            return Err(RecordError::new(
                self.location.clone(),
                format!(
                    "\"encrypt\" is {}, not a base64 string: a broken encrypted record",
                    kind_of(other)
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
            .with_hint(Some(
                "set LARK_ENCRYPT_KEY, or pass --encrypt-key-file PATH (or --encrypt-key KEY)",
            )));
        };
        match crypto::decrypt(key, encrypted) {
            Ok(bytes) => {
                let value = serde_json::from_slice(&bytes).map_err(|e| {
                    let e = crypto::DecryptError::NotJson {
                        reason: e.to_string(),
                    };
                    RecordError::new(self.location.clone(), e.to_string())
                })?;
                Ok(Record {
                    payload: self,
                    plaintext: Some(Plaintext { bytes, value }),
                })
            }
            Err(e) => {
                Err(RecordError::new(self.location.clone(), e.to_string()).with_hint(e.hint()))
            }
        }
    }
}

/// Decrypted bytes and their JSON.
#[derive(Debug)]
pub struct Plaintext {
    pub bytes: Vec<u8>,
    pub value: Value,
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
            .map_or(&self.payload.body, |p| &p.bytes)
    }

    /// The event JSON: decrypted, or the body itself.
    pub fn value(&self) -> &Value {
        self.plaintext
            .as_ref()
            .map_or(&self.payload.value, |p| &p.value)
    }
}

fn capture_parts(value: &Value) -> Option<&Map<String, Value>> {
    let map = value.as_object()?;
    let is_capture = map.get("headers").is_some_and(Value::is_object)
        && (map.contains_key("body") || map.contains_key("body_base64"));
    is_capture.then_some(map)
}

fn parse_body(location: &Location, body: &[u8]) -> Result<Value, RecordError> {
    serde_json::from_slice(body).map_err(|e| {
        let what = if body.iter().all(u8::is_ascii_whitespace) {
            "body is empty".to_string()
        } else {
            format!("body is not JSON: {e}")
        };
        RecordError::new(location.clone(), what)
    })
}

fn kind_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}
