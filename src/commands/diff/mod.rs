//! `diff`: what changed in each ticket update, a golden comparison, or
//! per-ticket timelines.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::bail;
use serde_json::Value;

mod timeline;

use super::{Reporter, each_record, event_type_name, records};
use crate::cli::{DiffArgs, OutputFormat};
use crate::diagnostics;
use crate::event::{Body, Detail, Event, EventError, settle};
use crate::exit::ExitStatus;
use crate::golden::{self, DEFAULT_IGNORES, IgnorePath};
use crate::input::{Location, RecordError};
use crate::pipeline::Item;
use crate::record::{Payload, not_json};
use crate::render::diff::json::DiffJson;
use crate::render::diff::table::DiffTable;
use crate::render::diff::{
    AgainstTotals, DiffRenderer, NOT_UPDATES, Row, RowTotals, Skipped, Totals,
};
use crate::settings::Settings;
use timeline::timeline;

pub fn run(
    args: &DiffArgs,
    settings: &Settings,
    out: &mut dyn Write,
    report: &mut Reporter,
) -> anyhow::Result<ExitStatus> {
    let mut render = renderer(settings);
    let files = &args.input.files;
    let status = match &args.against {
        Some(expected) => {
            let ignores = ignore_paths(args)?;
            against(
                expected,
                files,
                &ignores,
                settings,
                &mut *render,
                out,
                report,
            )?
        }
        None if args.timeline => timeline(files, settings, &mut *render, out, report)?,
        None => rows(files, settings, &mut *render, out, report)?,
    };
    Ok(report.status(status))
}

/// The renderer for `-o`.
fn renderer(settings: &Settings) -> Box<dyn DiffRenderer> {
    match settings.output {
        OutputFormat::Json => Box::new(DiffJson {
            style: settings.style.clone(),
        }),
        OutputFormat::Table => Box::new(DiffTable::new(settings.style.clone())),
    }
}

/// What one record contributes to `diff [FILE...]`, worked out on a
/// pipeline thread.
enum RowsOutcome {
    Bad(RecordError),
    Skipped(String),
    NoOldObject(Location),
    /// For a table: the event, whose rows are laid out with the others.
    Event {
        location: Location,
        event: Box<Event>,
    },
    /// For NDJSON: the rows already rendered on the worker (the bytes
    /// handed on beside this), and their counts (the event itself stays
    /// and is freed on its own thread).
    Rendered {
        rows: usize,
        changed: usize,
    },
}

/// `diff [FILE...]`: one row per `old_object` field of every ticket update.
fn rows(
    files: &[PathBuf],
    settings: &Settings,
    render: &mut dyn DiffRenderer,
    out: &mut dyn Write,
    report: &mut Reporter,
) -> anyhow::Result<ExitStatus> {
    let json = (settings.output == OutputFormat::Json).then(|| DiffJson {
        style: settings.style.clone(),
    });
    let work = |bytes: &mut Vec<u8>, item: Item| -> RowsOutcome {
        let found = settle(item, Detail::State).event_or(|p| update_event(p, settings));
        let (location, event) = match found {
            Ok(found) => found,
            Err(e) => return RowsOutcome::Bad(e),
        };
        match (&event.body, &json) {
            (
                Body::TicketUpdated {
                    old_object: false, ..
                },
                _,
            ) => RowsOutcome::NoOldObject(location),
            (Body::TicketUpdated { .. }, Some(json)) => {
                let mut shared = None;
                for_each_row(&location, &event, |row| {
                    json.write_event_row(bytes, row, &mut shared);
                });
                let transitions = event.transitions();
                RowsOutcome::Rendered {
                    rows: transitions.len(),
                    changed: transitions.iter().filter(|t| t.changed).count(),
                }
            }
            (Body::TicketUpdated { .. }, None) => RowsOutcome::Event { location, event },
            _ => RowsOutcome::Skipped(event_type_name(&event).to_string()),
        }
    };
    let mut totals = RowTotals::default();
    let consume = |bytes: &[u8], outcome: RowsOutcome| -> anyhow::Result<()> {
        match outcome {
            RowsOutcome::Bad(e) => report.error(&e),
            RowsOutcome::Skipped(event_type) => totals.skipped.add(&event_type),
            RowsOutcome::NoOldObject(location) => {
                totals.updates += 1;
                totals.without_old_object += 1;
                report.warning(&location, "no event.old_object: nothing to diff");
            }
            RowsOutcome::Rendered { rows, changed } => {
                totals.updates += 1;
                totals.rows += rows;
                totals.changed += changed;
                out.write_all(bytes)?;
            }
            RowsOutcome::Event { location, event } => {
                totals.updates += 1;
                let mut result = Ok(());
                for_each_row(&location, &event, |row| {
                    totals.rows += 1;
                    totals.changed += usize::from(row.transition.changed);
                    if result.is_ok() {
                        result = render.row(out, row);
                    }
                });
                result?;
            }
        }
        Ok(())
    };
    each_record(files, settings, work, consume)?;
    totals.bad = report.errors;
    render.finish(out, &Totals::Rows(&totals))?;
    note_skipped(settings, &totals.skipped, NOT_UPDATES);
    Ok(ExitStatus::Success)
}

/// A record's event for the rows: decrypted first when it is encrypted
/// (a plaintext that is not JSON is reported as such).
fn update_event(
    payload: Result<Payload, RecordError>,
    settings: &Settings,
) -> Result<(Location, Box<Event>), RecordError> {
    let record = payload.and_then(|p| p.decode_unchecked(settings.encrypt_key.as_ref()))?;
    match Event::boxed_of_plaintext(&record, Detail::State) {
        Ok(event) => Ok((record.location().clone(), event)),
        Err(EventError::Malformed(e)) if record.encrypted() => Err(not_json(record.location(), &e)),
        Err(e) => Err(RecordError::new(record.location().clone(), e.to_string())),
    }
}

/// Calls `f` with each row of a ticket update.
fn for_each_row(location: &Location, event: &Event, mut f: impl FnMut(&Row<'_>)) {
    let Body::TicketUpdated {
        ticket,
        transitions,
        ..
    } = &event.body
    else {
        return;
    };
    let time = event
        .envelope
        .create_time
        .or(ticket.updated_at.filter(|t| *t >= 0));
    for transition in transitions {
        f(&Row {
            source: location,
            ticket_id: ticket.ticket_id.as_deref(),
            event_id: event.envelope.event_id.as_deref(),
            time,
            transition,
        });
    }
}

/// `diff --against EXPECTED [FILE]`: exit 1 when the records differ.
fn against(
    expected: &Path,
    files: &[PathBuf],
    ignores: &[IgnorePath],
    settings: &Settings,
    render: &mut dyn DiffRenderer,
    out: &mut dyn Write,
    report: &mut Reporter,
) -> anyhow::Result<ExitStatus> {
    let is_stdin = |p: &Path| p.as_os_str() == "-";
    if is_stdin(expected) && (files.is_empty() || files.iter().any(|f| is_stdin(f))) {
        bail!("--against - reads stdin, so give the actual records as FILE");
    }
    // Golden files are small: both sides are read whole, then paired in order.
    let expected = load(
        std::slice::from_ref(&expected.to_path_buf()),
        settings,
        report,
    );
    let actual = load(files, settings, report);
    let comparison = golden::compare_streams(&expected, &actual, ignores);
    for difference in &comparison.differences {
        render.difference(out, difference)?;
    }
    let totals = AgainstTotals {
        expected: expected.len(),
        actual: actual.len(),
        compared: comparison.compared,
        differences: comparison.differences.len(),
        ignored: comparison.ignored,
        ignore_paths: ignores.iter().map(|p| p.as_str().to_string()).collect(),
        bad: report.errors,
    };
    render.finish(out, &Totals::Against(&totals))?;
    Ok(if comparison.differences.is_empty() {
        ExitStatus::Success
    } else {
        ExitStatus::Negative
    })
}

fn ignore_paths(args: &DiffArgs) -> anyhow::Result<Vec<IgnorePath>> {
    let defaults = if args.no_default_ignores {
        &[][..]
    } else {
        &DEFAULT_IGNORES[..]
    };
    let mut paths = Vec::new();
    for text in defaults
        .iter()
        .copied()
        .chain(args.ignore.iter().map(String::as_str))
    {
        paths.push(IgnorePath::parse(text).map_err(|e| anyhow::anyhow!("--ignore: {e}"))?);
    }
    Ok(paths)
}

/// The decoded JSON of every record, in order; a bad record keeps its place
/// as `None` so the ones after it still pair up. A file that cannot be read
/// at all holds no places.
fn load(files: &[PathBuf], settings: &Settings, report: &mut Reporter) -> Vec<Option<Value>> {
    let mut values = Vec::new();
    for record in records(files, settings) {
        match record {
            Ok(r) => match r.into_value() {
                Ok(value) => values.push(Some(value)),
                Err(e) => {
                    report.error(&e);
                    values.push(None);
                }
            },
            Err(e) => {
                report.error(&e);
                if e.location.line != 0 {
                    values.push(None);
                }
            }
        }
    }
    values
}

/// The table's closing line says what was skipped; NDJSON has no such line,
/// so say it on stderr.
fn note_skipped(settings: &Settings, skipped: &Skipped, what: &str) {
    if settings.output == OutputFormat::Json
        && let Some(text) = skipped.describe(what)
    {
        diagnostics::note(text);
    }
}
