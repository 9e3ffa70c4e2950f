//! One file per subcommand, thin: read records, decide, render.

pub mod check;
pub mod decrypt;
pub mod diff;
pub mod listen;
pub mod parse;
pub mod send;
pub mod sign;
pub mod subscribe;
pub mod verify;

pub use crate::diagnostics::Reporter;

use crate::event::Event;
use crate::input::{Input, RecordError, RecordStream};
use crate::pipeline::{self, Item};
use crate::record::{Payload, Record};
use crate::settings::Settings;

/// Payloads of the inputs named on the command line, in order.
pub fn payloads(
    files: &[std::path::PathBuf],
    settings: &Settings,
) -> impl Iterator<Item = Result<Payload, RecordError>> + use<> {
    RecordStream::new(Input::from_args(files), settings.max_record)
        .map(|raw| raw.and_then(Payload::from_raw))
}

/// Decoded (decrypted when needed) records of the inputs, in order.
pub fn records<'a>(
    files: &[std::path::PathBuf],
    settings: &'a Settings,
) -> impl Iterator<Item = Result<Record, RecordError>> + 'a {
    payloads(files, settings).map(|p| p.and_then(|p| p.decode(settings.encrypt_key.as_ref())))
}

/// Runs `work` over every record of the inputs on the pipeline the
/// settings ask for (`-j`, `--max-record-size`), and `consume` over the
/// results in input order.
pub fn each_record<W, R, C>(
    files: &[std::path::PathBuf],
    settings: &Settings,
    work: W,
    consume: C,
) -> anyhow::Result<()>
where
    W: Fn(Item) -> R + Sync,
    R: Send,
    C: FnMut(R) -> anyhow::Result<()>,
{
    pipeline::ordered(
        Input::from_args(files),
        settings.max_record,
        settings.threads,
        work,
        consume,
    )
}

/// A record from the stream, decrypted when needed and its plaintext
/// checked to be JSON.
pub fn decode(item: Item, settings: &Settings) -> Result<Record, RecordError> {
    item.and_then(Payload::from_raw)
        .and_then(|p| p.decode(settings.encrypt_key.as_ref()))
}

/// An event's type for counts and summaries: `url_verification` for a
/// challenge, else `header.event_type`.
pub fn event_type_name(event: &Event) -> &str {
    if event.is_url_verification() {
        "url_verification"
    } else {
        event
            .envelope
            .event_type
            .as_deref()
            .unwrap_or("(no event type)")
    }
}
