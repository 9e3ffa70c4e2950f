//! Output formats of `diff`: one file each behind [`DiffRenderer`].

pub mod json;
pub mod table;

use std::io::{self, Write};

use super::table::plural;
use crate::cli::OutputFormat;
use crate::golden::Difference;
use crate::input::Location;
use crate::settings::Settings;
use crate::timeline::Timeline;
use crate::transition::Transition;

/// One `old_object` field of one ticket update.
pub struct Row<'a> {
    pub source: &'a Location,
    pub ticket_id: Option<&'a str>,
    pub event_id: Option<&'a str>,
    /// `header.create_time`, else `object.updated_at` (ms).
    pub time: Option<i64>,
    pub transition: &'a Transition,
}

/// Events a mode has no use for, by type, in first-seen order.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Skipped(pub Vec<(String, usize)>);

impl Skipped {
    pub fn add(&mut self, event_type: &str) {
        match self.0.iter_mut().find(|(t, _)| t == event_type) {
            Some((_, n)) => *n += 1,
            None => self.0.push((event_type.to_string(), 1)),
        }
    }

    pub fn total(&self) -> usize {
        self.0.iter().map(|(_, n)| n).sum()
    }

    /// `skipped 2 events (not ...): 1 helpdesk.ticket.created_v1, 1 url_verification`,
    /// or `None` when nothing was skipped.
    pub fn describe(&self, what: &str) -> Option<String> {
        if self.0.is_empty() {
            return None;
        }
        let types: Vec<String> = self.0.iter().map(|(t, n)| format!("{n} {t}")).collect();
        Some(format!(
            "skipped {} ({what}): {}",
            plural(self.total(), "event"),
            types.join(", ")
        ))
    }
}

/// Totals of `diff [FILE...]`.
#[derive(Debug, Default)]
pub struct RowTotals {
    pub updates: usize,
    pub rows: usize,
    pub changed: usize,
    pub without_old_object: usize,
    pub skipped: Skipped,
    pub bad: usize,
}

/// Totals of `diff --against`.
#[derive(Debug, Default)]
pub struct AgainstTotals {
    pub expected: usize,
    pub actual: usize,
    /// Pairs where both records could be read.
    pub compared: usize,
    pub differences: usize,
    pub ignored: usize,
    pub ignore_paths: Vec<String>,
    pub bad: usize,
}

/// Totals of `diff --timeline`.
#[derive(Debug, Default)]
pub struct TimelineTotals {
    pub tickets: usize,
    pub events: usize,
    pub duplicates: usize,
    pub out_of_order: usize,
    pub gaps: usize,
    pub without_ticket_id: usize,
    pub skipped: Skipped,
    pub bad: usize,
}

pub enum Totals<'a> {
    Rows(&'a RowTotals),
    Against(&'a AgainstTotals),
    Timeline(&'a TimelineTotals),
}

pub const NOT_UPDATES: &str = "not helpdesk.ticket.updated_v1";
pub const NOT_TICKET_STATES: &str = "not helpdesk.ticket.created_v1 or updated_v1";

impl Totals<'_> {
    /// The closing line of a run, for people.
    pub fn line(&self) -> String {
        let mut parts = Vec::new();
        let bad = match self {
            Totals::Rows(t) => {
                let mut first = format!(
                    "{} ({} changed) from {}",
                    plural(t.rows, "row"),
                    t.changed,
                    plural(t.updates, "ticket update")
                );
                if t.without_old_object > 0 {
                    first.push_str(&format!(", {} without old_object", t.without_old_object));
                }
                parts.push(first);
                parts.extend(t.skipped.describe(NOT_UPDATES));
                t.bad
            }
            Totals::Against(t) => {
                let mut first = if t.differences == 0 {
                    "no differences".to_string()
                } else {
                    plural(t.differences, "difference")
                };
                if t.expected == t.actual {
                    first.push_str(&format!(" ({} on each side", plural(t.expected, "record")));
                } else {
                    first.push_str(&format!(
                        " ({} expected, {} actual",
                        plural(t.expected, "record"),
                        t.actual
                    ));
                }
                if t.compared < t.expected.min(t.actual) {
                    first.push_str(&format!(", {} compared", t.compared));
                }
                first.push(')');
                parts.push(first);
                if t.ignored > 0 {
                    parts.push(format!(
                        "ignored {} under {}",
                        plural(t.ignored, "difference"),
                        t.ignore_paths.join(", ")
                    ));
                } else if !t.ignore_paths.is_empty() {
                    parts.push(format!("ignoring {}", t.ignore_paths.join(", ")));
                }
                t.bad
            }
            Totals::Timeline(t) => {
                parts.push(format!(
                    "{}, {}, {} dropped, {} out of order, {}",
                    plural(t.tickets, "ticket"),
                    plural(t.events, "event"),
                    plural(t.duplicates, "duplicate"),
                    t.out_of_order,
                    plural(t.gaps, "gap"),
                ));
                if t.without_ticket_id > 0 {
                    parts.push(format!(
                        "{} without ticket_id",
                        plural(t.without_ticket_id, "event")
                    ));
                }
                parts.extend(t.skipped.describe(NOT_TICKET_STATES));
                t.bad
            }
        };
        if bad > 0 {
            parts.push(plural(bad, "bad record"));
        }
        parts.join("; ")
    }
}

/// An output format for `diff`.
pub trait DiffRenderer {
    fn row(&mut self, out: &mut dyn Write, row: &Row<'_>) -> io::Result<()>;

    fn difference(&mut self, out: &mut dyn Write, difference: &Difference) -> io::Result<()>;

    fn timeline(&mut self, out: &mut dyn Write, timeline: &Timeline) -> io::Result<()>;

    /// Called once at the end of a run.
    fn finish(&mut self, out: &mut dyn Write, totals: &Totals<'_>) -> io::Result<()>;
}

pub fn renderer(settings: &Settings) -> Box<dyn DiffRenderer> {
    match settings.output {
        OutputFormat::Json => Box::new(json::DiffJson {
            style: settings.style.clone(),
        }),
        OutputFormat::Table => Box::new(table::DiffTable::new(settings.style.clone())),
    }
}
