//! Settling a record from the stream in one parse, as `parse` and `diff`
//! do: a plain one-line record the splitter left unchecked is read once, as
//! [`RawDoc`], and that one read both checks it and gives its event, unless
//! the record layer says from the same read that it wraps another (an
//! encrypted wrapper or a capture record). Everything else goes the general
//! way ([`Payload::from_raw`]).

use super::raw::RawDoc;
use super::{Detail, Event};
use crate::input::{Location, Members, Raw, RawRecord, RecordError};
use crate::record::{Payload, Probe, Shape};

/// What one parse of a plain record settles ([`Event::from_plain`]).
#[derive(Debug)]
pub enum Plain {
    /// The record is this event: boxed, as it is handed on by the pipeline
    /// (an allocation costs less than the moves of a 600-byte value).
    Event(Box<Event>),
    /// The record wraps another (encrypted, or a capture record): what the
    /// record layer makes of it.
    Wrapper(Probe),
}

impl Event {
    /// Reads a plain record the splitter left unchecked
    /// ([`crate::input::Raw::Unchecked`]) in the one parse that also checks
    /// it: its event, or what a probe finds when it is an encrypted wrapper
    /// or a capture record. `None` unless that parse alone settles the
    /// record (the bytes are UTF-8 and JSON, and an event or a wrapper);
    /// such a record goes the general way, which reports what is wrong with
    /// it exactly as the splitter would have. Whatever this gives, the
    /// general way gives too.
    pub fn from_plain(bytes: &[u8], detail: Detail) -> Option<Plain> {
        if let Some(probe) = Probe::of_bare_wrapper(bytes) {
            return Some(Plain::Wrapper(probe));
        }
        let text = simdutf8::basic::from_utf8(bytes).ok()?;
        let mut slot = None;
        let raw = RawDoc::read_in(text, &mut slot).ok()?;
        let probe = Probe::decide(members(raw));
        if probe.shape() != Shape::Plain {
            return Some(Plain::Wrapper(probe));
        }
        Event::boxed_from_raw(raw, detail).ok().map(Plain::Event)
    }
}

/// The members the record layer decides by, as the one parse read them
/// (what [`Members::of`] finds in the same document).
fn members(doc: &RawDoc<'_>) -> Members {
    Members::from_scalars(
        doc.encrypt.as_ref(),
        doc.headers.as_ref(),
        doc.body.is_some(),
        doc.body_base64.is_some(),
    )
}

/// What a record from the stream is, as far as the one parse of a plain
/// record settles it.
// The payload is the large variant: boxing it would cost an allocation for
// every record that is not plain.
#[allow(clippy::large_enum_variant)]
pub enum Settled {
    /// A plain record's event, read in the parse that checked it.
    Event(Location, Box<Event>),
    /// Any other record, as a payload to decode, or why it is bad.
    Payload(Result<Payload, RecordError>),
}

impl Settled {
    /// The record's event and where it is from: the one parse's, or
    /// `general`'s from the payload when that parse did not settle it.
    pub fn event_or(
        self,
        general: impl FnOnce(
            Result<Payload, RecordError>,
        ) -> Result<(Location, Box<Event>), RecordError>,
    ) -> Result<(Location, Box<Event>), RecordError> {
        match self {
            Settled::Event(location, event) => Ok((location, event)),
            Settled::Payload(payload) => general(payload),
        }
    }
}

/// Settles a record from the stream: a plain one-line record left
/// unchecked is read once ([`Event::from_plain`]), into its event or,
/// when it wraps another, its payload; everything else becomes a payload
/// the general way ([`Payload::from_raw`]).
pub fn settle(item: Result<RawRecord, RecordError>, detail: Detail) -> Settled {
    let record = match item {
        Ok(record) => record,
        Err(e) => return Settled::Payload(Err(e)),
    };
    let plain = match &record.raw {
        Raw::Unchecked { bytes } => Event::from_plain(bytes, detail),
        _ => None,
    };
    match (plain, record) {
        (Some(Plain::Event(event)), record) => Settled::Event(record.location, event),
        (
            Some(Plain::Wrapper(probe)),
            RawRecord {
                location,
                raw: Raw::Unchecked { bytes },
            },
        ) => Settled::Payload(Payload::from_json(location, bytes, Ok(probe))),
        (_, record) => Settled::Payload(Payload::from_raw(record)),
    }
}
