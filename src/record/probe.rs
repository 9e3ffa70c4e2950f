//! The one answer to "what is this record?": a capture record, an encrypted
//! wrapper, or the payload itself, decided here and only here from the
//! top-level members the input layer reports ([`Members`]). The general
//! way ([`super::Payload`]) and the event layer's one-parse settle both
//! ask [`Probe::shape`].

use crate::input::Members;
use crate::json::Kind;

/// What a record is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shape {
    /// `{"headers":{...},"body":"..."}` (or `"body_base64"`): a captured
    /// request, whose body is the payload (and may be encrypted in turn).
    CaptureRecord,
    /// `{"encrypt":...}`: a body to decrypt (a broken one when `encrypt`
    /// is not a string).
    Encrypted,
    /// Neither: the record is the payload itself, for the event layer to
    /// read.
    Plain,
}

/// What the record layer makes of a JSON object from its members.
#[derive(Debug, Default)]
pub struct Probe {
    /// The `encrypt` member: its string, or the JSON type it has instead.
    pub encrypt: Option<Result<String, Kind>>,
    /// Whether the object has `headers` (an object) and `body`/`body_base64`.
    pub capture_record: bool,
}

impl Probe {
    /// The decision, from the members as found.
    pub fn decide(members: Members) -> Probe {
        Probe {
            capture_record: members.headers == Some(Kind::Object)
                && (members.body || members.body_base64),
            encrypt: members.encrypt,
        }
    }

    /// What the record is. A capture record is one whatever else it holds;
    /// any other object with `encrypt` is an encrypted wrapper.
    pub fn shape(&self) -> Shape {
        if self.capture_record {
            Shape::CaptureRecord
        } else if self.encrypt.is_some() {
            Shape::Encrypted
        } else {
            Shape::Plain
        }
    }

    /// Probes (and so validates) a whole JSON document ([`Members::of`]);
    /// `Err(kind)` inside when it is valid JSON but not an object.
    pub fn of(bytes: &[u8]) -> Result<Result<Probe, Kind>, serde_json::Error> {
        Ok(Members::of(bytes)?.map(Probe::decide))
    }

    /// Like [`Probe::of`], for a record whose depth is known to be within
    /// the limit ([`Members::of_line`]).
    pub fn of_line(bytes: &[u8]) -> Result<Result<Probe, Kind>, serde_json::Error> {
        Ok(Members::of_line(bytes)?.map(Probe::decide))
    }

    /// The probe of an encrypted wrapper written exactly as the platform
    /// writes it, read without a parse ([`Members::of_bare_wrapper`]).
    pub fn of_bare_wrapper(bytes: &[u8]) -> Option<Probe> {
        Members::of_bare_wrapper(bytes).map(Probe::decide)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shape(json: &str) -> Shape {
        match Probe::of(json.as_bytes()) {
            Ok(Ok(probe)) => probe.shape(),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn one_answer_for_every_record() {
        assert_eq!(shape(r#"{"schema":"2.0"}"#), Shape::Plain);
        assert_eq!(shape(r#"{"encrypt":"abc"}"#), Shape::Encrypted);
        assert_eq!(shape(r#"{"encrypt":7}"#), Shape::Encrypted);
        assert_eq!(shape(r#"{"headers":{},"body":"{}"}"#), Shape::CaptureRecord);
        assert_eq!(
            shape(r#"{"headers":{},"body_base64":""}"#),
            Shape::CaptureRecord
        );
        assert_eq!(
            shape(r#"{"headers":{},"body":"{}","encrypt":"x"}"#),
            Shape::CaptureRecord
        );
        // Headers that are not an object, or no body: not a capture record.
        assert_eq!(shape(r#"{"headers":[],"body":"{}"}"#), Shape::Plain);
        assert_eq!(shape(r#"{"headers":{}}"#), Shape::Plain);
        assert_eq!(
            shape(r#"{"headers":{},"body":1,"headers":"x"}"#),
            Shape::Plain
        );
    }
}
