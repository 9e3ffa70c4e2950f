//! A record as the splitter hands it on: a checked JSON document with what
//! the probe found, a one-line JSON record whose checks are left to its
//! consumer, or an HTTP request capture; and the check that finishes the
//! one left unchecked.

use bytes::Bytes;

use super::headers::Headers;
use super::location::{Location, RecordError};
use super::message::json_error_message;
use super::probe::Members;
use crate::json::Kind;

/// A record as found in the stream, before capture records are unwrapped.
#[derive(Debug)]
pub enum Raw {
    /// A JSON document: its exact bytes (checked to be valid JSON), and
    /// the members the same pass, the probe, found in it (`Err(kind)`: not
    /// an object).
    Json {
        bytes: Vec<u8>,
        probe: Result<Members, Kind>,
    },
    /// A JSON record on a line of its own whose checks are left to the
    /// thread that uses it ([`Splitter::deferring`]): its end was found,
    /// it nests no deeper than the limit, and rejecting it would resume
    /// the stream exactly where accepting it does. [`RawRecord::checked`]
    /// checks it, with the splitter's own error when it is bad.
    ///
    /// [`Splitter::deferring`]: super::Splitter::deferring
    ///
    /// Its bytes are shared with the other records read with it, not
    /// copied out of the read buffer.
    Unchecked { bytes: Bytes },
    /// An HTTP request capture: the request line, headers and exact body.
    Http {
        method: String,
        path: String,
        headers: Headers,
        body: Vec<u8>,
    },
}

impl Raw {
    /// A JSON document given whole (not found in a stream): validated and
    /// probed like the splitter's.
    pub fn document(bytes: Vec<u8>) -> Result<Raw, serde_json::Error> {
        let probe = Members::of(&bytes)?;
        Ok(Raw::Json { bytes, probe })
    }
}

#[derive(Debug)]
pub struct RawRecord {
    pub location: Location,
    pub raw: Raw,
}

impl RawRecord {
    /// The record with its checks done: an [`Raw::Unchecked`] one is
    /// validated and probed here (see [`check_line`]). Others pass
    /// unchanged.
    pub fn checked(self) -> Result<RawRecord, RecordError> {
        let RawRecord { location, raw } = self;
        let raw = match raw {
            Raw::Unchecked { bytes } => {
                let probe = check_line(&location, &bytes)?;
                Raw::Json {
                    bytes: Vec::from(bytes),
                    probe,
                }
            }
            raw => raw,
        };
        Ok(RawRecord { location, raw })
    }
}

/// Checks and probes the bytes of a [`Raw::Unchecked`] record found at
/// `location`; a bad one gives the very error the splitter would have
/// given in its place.
pub fn check_line(location: &Location, bytes: &[u8]) -> Result<Result<Members, Kind>, RecordError> {
    Members::of_line(bytes)
        .map_err(|e| RecordError::new(location.clone(), json_error_message(&e, location.line)))
}
