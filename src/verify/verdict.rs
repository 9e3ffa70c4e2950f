//! What `verify` finds, as data: the signed parts of a request, what its
//! body says, the secrets and clock the checks use, and the verdict: each
//! check's status and detail, and the diagnosis of a signature mismatch.

use std::ops::Range;

use serde::Serialize;
use serde_json::Value;

use super::diagnosis::Diagnosis;
use crate::event::Event;
use crate::record::Transport;
use crate::secret::Secret;

pub const TIMESTAMP_HEADER: &str = "X-Lark-Request-Timestamp";
pub const NONCE_HEADER: &str = "X-Lark-Request-Nonce";
pub const SIGNATURE_HEADER: &str = "X-Lark-Signature";

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Pass,
    Fail,
    Skip,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Pass => "pass",
            Status::Fail => "fail",
            Status::Skip => "skip",
        }
    }
}

/// One check's outcome. Serialized as scripts read it: `name`, `status`
/// and `detail`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Check {
    pub name: &'static str,
    pub status: Status,
    /// What the check found, in words. An instant in it is written in UTC
    /// (RFC 3339), whatever the reader's zone.
    pub detail: String,
    /// The instant the detail names, as numbers (the timestamp check's).
    #[serde(skip)]
    pub sent: Option<Sent>,
}

/// When a request says it was sent, and how long before "now" that was.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sent {
    /// Unix seconds, as the `X-Lark-Request-Timestamp` header gives them.
    pub seconds: i64,
    /// Seconds from then to "now"; negative when it is in the future.
    /// Exact for any two `i64`s.
    pub age: i128,
    /// Where [`Check::detail`] writes the instant, so that a table can
    /// write it in the reader's zone instead.
    pub written: Range<usize>,
}

impl Check {
    pub(super) fn new(name: &'static str, status: Status, detail: impl Into<String>) -> Check {
        Check {
            name,
            status,
            detail: detail.into(),
            sent: None,
        }
    }
}

/// Every check of one request, and the diagnosis when the signature failed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Verdict {
    pub checks: Vec<Check>,
    pub expected_signature: Option<String>,
    pub received_signature: Option<String>,
    pub diagnosis: Option<Diagnosis>,
}

impl Verdict {
    /// Whether the signature check ran and failed: the request is not
    /// authentic, whatever else went wrong.
    pub fn signature_failed(&self) -> bool {
        self.checks
            .iter()
            .any(|c| c.name == "signature" && c.status == Status::Fail)
    }
    /// No check failed.
    pub fn ok(&self) -> bool {
        self.checks.iter().all(|c| c.status != Status::Fail)
    }

    pub fn check(&self, name: &str) -> Option<&Check> {
        self.checks.iter().find(|c| c.name == name)
    }
}

/// The signed parts of a request.
pub struct Request<'a> {
    pub timestamp: Option<&'a str>,
    pub nonce: Option<&'a str>,
    pub signature: Option<&'a str>,
    /// The body exactly as received.
    pub body: &'a [u8],
    /// The body parsed as JSON.
    pub value: Option<&'a Value>,
    /// How it arrived: a message of the long connection is never signed.
    pub transport: Transport,
}

/// What the body says once decrypted.
pub enum Content<'a> {
    /// An event callback (or url_verification); `plaintext` when it was encrypted.
    Event {
        event: &'a Event,
        plaintext: Option<&'a [u8]>,
    },
    /// JSON that is not an event callback.
    NotAnEvent,
    /// An encrypted body that did not decrypt, and why.
    Undecrypted { reason: &'a str },
}

impl Content<'_> {
    pub fn is_url_verification(&self) -> bool {
        matches!(self, Content::Event { event, .. } if event.is_url_verification())
    }
}

/// The secrets, as resolved from flags, files or the environment.
#[derive(Clone, Copy)]
pub struct Secrets<'a> {
    pub key: Option<&'a Secret>,
    pub token: Option<&'a Secret>,
}

/// "Now" and the allowed age for the timestamp check.
#[derive(Clone, Copy, Debug)]
pub struct Clock {
    /// Unix seconds.
    pub now: i64,
    pub max_age: Option<u64>,
}

/// The signature cannot be checked without the Encrypt Key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error(
    "no Encrypt Key: the signature is SHA-256 over timestamp + nonce + Encrypt Key + body, so verify needs the key"
)]
pub struct NeedsKey;

/// A body as the checks see it: decoded into a record, or, when it did not
/// decrypt, the encrypted wrapper kept as received (the signature covers
/// the wrapper, so it is still checked and diagnosed).
pub enum Decoded<'a> {
    Record(&'a crate::record::Record),
    Undecrypted {
        body: &'a [u8],
        value: Option<&'a Value>,
        /// Why it did not decrypt.
        reason: &'a str,
        transport: Transport,
    },
}
