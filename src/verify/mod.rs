//! `verify` as data: the checks a receiver must run on a request
//! (signature, token, timestamp, url_verification) and, on a signature
//! mismatch, the diagnosis of why. Showing a verdict is `render::verify`'s.

mod causes;
pub mod checks;
mod context;
pub mod diagnosis;
mod imitate;
pub mod request;
pub mod sign;
mod timestamp;
pub mod verdict;

pub use checks::{NODE_NOTE, is_compact, verify, verify_decoded};
pub use diagnosis::Diagnosis;
pub use verdict::{
    Check, Clock, Content, Decoded, NONCE_HEADER, NeedsKey, Request, SIGNATURE_HEADER, Secrets,
    Sent, Status, TIMESTAMP_HEADER, Verdict,
};
