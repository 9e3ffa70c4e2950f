//! Output formats: one file each behind the [`Renderer`] trait.

pub mod delivery;
pub mod diff;
pub mod drive;
pub mod grid;
pub mod json;
pub mod table;
mod time;
pub mod verify;
pub mod words;

use std::io::{self, Write};

use jiff::Timestamp;
use jiff::tz::TimeZone;
use owo_colors::OwoColorize;

use crate::event::FieldValue;
use crate::event::{CodeKind, Event, Lang};
use crate::input::Location;

/// A table for people, or NDJSON for scripts (`-o`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum OutputFormat {
    #[default]
    Table,
    Json,
}

/// How values are shown: colour, label language and time zone.
#[derive(Debug, Clone)]
pub struct Style {
    pub color: bool,
    pub lang: Lang,
    tz: TimeZone,
    /// The zone's one offset, when it has one for all time: times are
    /// then written by arithmetic ([`time::Fixed`]).
    fixed: Option<time::Fixed>,
}

impl Style {
    pub fn new(color: bool, lang: Lang, tz: TimeZone) -> Style {
        let fixed = time::Fixed::of(&tz);
        Style {
            color,
            lang,
            tz,
            fixed,
        }
    }

    /// Milliseconds since the epoch as RFC 3339 in the chosen zone; -1 is
    /// the platform's "unset".
    pub fn time(&self, ms: i64) -> String {
        let mut text = Vec::with_capacity(32);
        self.write_time(&mut text, ms);
        // Both writers write UTF-8 (the fast one ASCII).
        String::from_utf8(text).unwrap_or_default()
    }

    /// [`Style::time`] written into `buf`: by arithmetic in a zone with one
    /// offset for all time ([`time::Fixed`]), else by jiff.
    pub fn write_time(&self, buf: &mut Vec<u8>, ms: i64) {
        if !self.fixed.is_some_and(|fixed| fixed.write(buf, ms)) {
            buf.extend_from_slice(self.zone_time(ms).as_bytes());
        }
    }

    /// [`Style::time`] by jiff's zone lookup and printer.
    fn zone_time(&self, ms: i64) -> String {
        if ms == -1 {
            return "unset".to_string();
        }
        let Ok(ts) = Timestamp::from_millisecond(ms) else {
            return format!("out of range ({ms})");
        };
        if self.tz == TimeZone::UTC {
            return ts.to_string();
        }
        let offset = self.tz.to_offset(ts);
        ts.display_with_offset(offset).to_string()
    }

    /// The tables' own words in the chosen language.
    pub fn words(&self) -> &'static words::Words {
        words::Words::of(self.lang)
    }

    pub fn label(&self, kind: CodeKind, value: i64) -> String {
        kind.display(value, self.lang)
    }

    /// The label of one side of a transition.
    pub fn field_value_label(&self, value: &FieldValue) -> String {
        match value {
            FieldValue::Code(kind, v) => self.label(*kind, *v),
            FieldValue::Time(ms) => self.time(*ms),
            FieldValue::Raw(v) => match v {
                serde_json::Value::String(s) => s.clone(),
                other => other.to_string(),
            },
        }
    }

    pub fn bold(&self, text: &str) -> String {
        if self.color {
            text.bold().to_string()
        } else {
            text.to_string()
        }
    }

    pub fn dim(&self, text: &str) -> String {
        if self.color {
            text.dimmed().to_string()
        } else {
            text.to_string()
        }
    }

    pub fn red(&self, text: &str) -> String {
        if self.color {
            text.red().to_string()
        } else {
            text.to_string()
        }
    }

    pub fn green(&self, text: &str) -> String {
        if self.color {
            text.green().to_string()
        } else {
            text.to_string()
        }
    }

    pub fn yellow(&self, text: &str) -> String {
        if self.color {
            text.yellow().to_string()
        } else {
            text.to_string()
        }
    }
}

/// Text from input as it may be shown to people: control characters
/// escaped (see [`crate::sanitize`]).
pub fn text(input: &str) -> String {
    crate::sanitize::escape(input).into_owned()
}

/// One parsed record, ready to show.
pub struct Parsed<'a> {
    pub location: &'a Location,
    pub encrypted: bool,
    pub event: &'a Event,
}

/// Totals of a run, for the closing summary.
#[derive(Debug, Default)]
pub struct Summary {
    pub records: usize,
    pub bad: usize,
    /// Events by type, in first-seen order.
    pub by_type: Vec<(String, usize)>,
}

impl Summary {
    pub fn count(&mut self, event_type: &str) {
        self.records += 1;
        match self.by_type.iter_mut().find(|(t, _)| t == event_type) {
            Some((_, n)) => *n += 1,
            None => self.by_type.push((event_type.to_string(), 1)),
        }
    }
}

/// An output format for `parse`.
pub trait Renderer {
    fn parsed(&mut self, out: &mut dyn Write, parsed: &Parsed<'_>) -> io::Result<()>;

    /// Writes a record this format rendered on a worker thread (with
    /// whatever separates it from the record before).
    fn rendered(&mut self, out: &mut dyn Write, bytes: &[u8]) -> io::Result<()> {
        out.write_all(bytes)
    }

    /// Called once at the end of a run.
    fn finish(&mut self, _out: &mut dyn Write, _summary: &Summary) -> io::Result<()> {
        Ok(())
    }
}
