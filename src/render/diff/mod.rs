//! Output formats of `diff`: one file each behind [`DiffRenderer`].

pub mod json;
pub mod table;

use std::io::{self, Write};

use super::words::{Noun, Words};
use crate::event::Lang;
use crate::event::Transition;
use crate::golden::Difference;
use crate::input::Location;
use crate::timeline::Timeline;

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
        self.describe_in(Words::of(Lang::En), what)
    }

    /// [`Skipped::describe`] in the words of a language.
    pub fn describe_in(&self, w: &Words, what: &str) -> Option<String> {
        if self.0.is_empty() {
            return None;
        }
        let types: Vec<String> = self.0.iter().map(|(t, n)| format!("{n} {t}")).collect();
        let events = w.count(self.total(), Noun::Event);
        let types = types.join(w.comma());
        Some(match w.lang {
            Lang::En => format!("skipped {events} ({what}): {types}"),
            Lang::Zh => {
                let what = what.replacen("not ", "非 ", 1).replace(" or ", " 或 ");
                format!("跳过 {events}（{what}）：{types}")
            }
        })
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
    /// The closing line of a run, for people, in the words of a language.
    pub fn line(&self, w: &Words) -> String {
        let zh = w.lang == Lang::Zh;
        let mut parts = Vec::new();
        let bad = match self {
            Totals::Rows(t) => {
                let rows = w.count(t.rows, Noun::Row);
                let updates = w.count(t.updates, Noun::TicketUpdate);
                let mut first = if zh {
                    format!("{rows}（{} 行变更），来自 {updates}", t.changed)
                } else {
                    format!("{rows} ({} changed) from {updates}", t.changed)
                };
                if t.without_old_object > 0 {
                    first.push_str(&if zh {
                        format!("，{} 次无 old_object", t.without_old_object)
                    } else {
                        format!(", {} without old_object", t.without_old_object)
                    });
                }
                parts.push(first);
                parts.extend(t.skipped.describe_in(w, NOT_UPDATES));
                t.bad
            }
            Totals::Against(t) => {
                let (against, bad) = against(w, t);
                parts.extend(against);
                bad
            }
            Totals::Timeline(t) => {
                let (tickets, events) = (
                    w.count(t.tickets, Noun::Ticket),
                    w.count(t.events, Noun::Event),
                );
                let (duplicates, gaps) = (
                    w.count(t.duplicates, Noun::Duplicate),
                    w.count(t.gaps, Noun::Gap),
                );
                parts.push(if zh {
                    format!(
                        "{tickets}，{events}，丢弃 {duplicates}，{} 个乱序，{gaps}",
                        t.out_of_order
                    )
                } else {
                    format!(
                        "{tickets}, {events}, {duplicates} dropped, {} out of order, {gaps}",
                        t.out_of_order
                    )
                });
                if t.without_ticket_id > 0 {
                    let events = w.count(t.without_ticket_id, Noun::Event);
                    parts.push(if zh {
                        format!("{events}无 ticket_id")
                    } else {
                        format!("{events} without ticket_id")
                    });
                }
                parts.extend(t.skipped.describe_in(w, NOT_TICKET_STATES));
                t.bad
            }
        };
        if bad > 0 {
            parts.push(w.count(bad, Noun::BadRecord));
        }
        parts.join(w.separator)
    }
}

/// The parts of `diff --against`'s closing line, and its bad records.
fn against(w: &Words, t: &AgainstTotals) -> (Vec<String>, usize) {
    let zh = w.lang == Lang::Zh;
    let mut parts = Vec::new();
    let mut first = match (t.differences, zh) {
        (0, false) => "no differences".to_string(),
        (0, true) => "无差异".to_string(),
        (n, _) => w.count(n, Noun::Difference),
    };
    let mut inner = if t.expected == t.actual {
        let records = w.count(t.expected, Noun::Record);
        if zh {
            format!("每侧 {records}")
        } else {
            format!("{records} on each side")
        }
    } else {
        let expected = w.count(t.expected, Noun::Record);
        if zh {
            format!("预期 {expected}，实际 {} 条", t.actual)
        } else {
            format!("{expected} expected, {} actual", t.actual)
        }
    };
    if t.compared < t.expected.min(t.actual) {
        inner.push_str(&if zh {
            format!("，比较 {} 条", t.compared)
        } else {
            format!(", {} compared", t.compared)
        });
    }
    first.push_str(&w.parenthesized(&inner));
    parts.push(first);
    let paths = t.ignore_paths.join(w.comma());
    if t.ignored > 0 {
        let ignored = w.count(t.ignored, Noun::Difference);
        parts.push(if zh {
            format!("忽略 {paths} 下的 {ignored}")
        } else {
            format!("ignored {ignored} under {paths}")
        });
    } else if !t.ignore_paths.is_empty() {
        parts.push(if zh {
            format!("忽略 {paths}")
        } else {
            format!("ignoring {paths}")
        });
    }
    (parts, t.bad)
}

/// An output format for `diff`.
pub trait DiffRenderer {
    fn row(&mut self, out: &mut dyn Write, row: &Row<'_>) -> io::Result<()>;

    fn difference(&mut self, out: &mut dyn Write, difference: &Difference) -> io::Result<()>;

    fn timeline(&mut self, out: &mut dyn Write, timeline: &Timeline) -> io::Result<()>;

    /// The same text as [`DiffRenderer::timeline`], written with no state
    /// carried from one timeline to the next, so that any thread can write
    /// any timeline: JSON lines can; a table (a blank line between
    /// timelines) cannot.
    fn stateless_timelines(&self) -> Option<&(dyn TimelineText + Sync)> {
        None
    }

    /// Called once at the end of a run.
    fn finish(&mut self, out: &mut dyn Write, totals: &Totals<'_>) -> io::Result<()>;
}

/// Writes one timeline's text into a buffer; see
/// [`DiffRenderer::stateless_timelines`].
pub trait TimelineText {
    fn write_timeline(&self, buf: &mut Vec<u8>, timeline: &Timeline);
}
