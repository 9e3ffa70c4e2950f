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
    W: Fn(&mut Vec<u8>, Item) -> R + Sync,
    R: Send,
    C: FnMut(&[u8], R) -> anyhow::Result<()>,
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

/// A positive number of seconds from a flag (`--timeout`, `--max-time`),
/// capped at a year so that any value can be added to "now".
pub fn seconds(flag: &str, value: f64) -> anyhow::Result<std::time::Duration> {
    const YEAR: std::time::Duration = std::time::Duration::from_secs(365 * 24 * 60 * 60);
    if !(value.is_finite() && value > 0.0) {
        anyhow::bail!("{flag} must be a positive number of seconds, got {value}");
    }
    Ok(std::time::Duration::try_from_secs_f64(value).map_or(YEAR, |d| d.min(YEAR)))
}

#[cfg(test)]
mod tests {
    #[test]
    fn seconds_are_positive_and_capped() {
        let year = std::time::Duration::from_secs(365 * 24 * 60 * 60);
        assert_eq!(super::seconds("--t", 1.5).unwrap().as_millis(), 1500);
        assert_eq!(super::seconds("--t", 1e300).unwrap(), year);
        assert_eq!(super::seconds("--t", 1e12).unwrap(), year);
        for bad in [0.0, -1.0, f64::NAN, f64::INFINITY] {
            assert!(super::seconds("--t", bad).is_err(), "{bad}");
        }
    }
}
