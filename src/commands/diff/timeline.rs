//! `diff --timeline`: each ticket's states, in ticket order. Workers read
//! the events; the main thread keeps each distinct one; once the input has
//! ended, workers build (and, as JSON, write) the timelines.

use std::collections::VecDeque;
use std::io::Write;
use std::path::PathBuf;

use super::note_skipped;
use crate::cli::OutputFormat;
use crate::commands::{Reporter, each_record, event_type_name};
use crate::event::{Body, Detail, Event, settle};
use crate::exit::ExitStatus;
use crate::input::{Location, RecordError};
use crate::pipeline::{self, Item};
use crate::record::Payload;
use crate::render::diff::{DiffRenderer, NOT_TICKET_STATES, TimelineTotals, Totals};
use crate::settings::Settings;
use crate::timeline::{Added, Finished, Prepared, State, Timelines};

/// What one record contributes to `diff --timeline`, worked out on a
/// pipeline thread.
enum TimelineOutcome {
    Bad(RecordError),
    Skipped(String),
    NoTicketId(Location),
    State(Prepared),
}

/// `diff --timeline [FILE...]`: each ticket's states, in ticket order.
/// Workers read the events; this thread keeps each distinct one.
pub(super) fn timeline(
    files: &[PathBuf],
    settings: &Settings,
    render: &mut dyn DiffRenderer,
    out: &mut dyn Write,
    report: &mut Reporter,
) -> anyhow::Result<ExitStatus> {
    // JSON has no column for the source: only a table keeps it.
    let mut timelines = Timelines::new(settings.output == OutputFormat::Table);
    let keys = timelines.keys();
    let work = |_: &mut Vec<u8>, item: Item| -> TimelineOutcome {
        let found = settle(item, Detail::State).event_or(|p| state_event(p, settings));
        let (location, event) = match found {
            Ok(found) => found,
            Err(e) => return TimelineOutcome::Bad(e),
        };
        let has_old = matches!(
            event.body,
            Body::TicketUpdated {
                old_object: true,
                ..
            }
        );
        match State::from_event(location.clone(), &event, has_old) {
            None => TimelineOutcome::Skipped(event_type_name(&event).to_string()),
            Some((None, _)) => TimelineOutcome::NoTicketId(location),
            Some((Some(ticket_id), state)) => {
                TimelineOutcome::State(keys.prepare(ticket_id, state))
            }
        }
    };
    let mut totals = TimelineTotals::default();
    // Each event waits for AHEAD more before it is kept: the table lines
    // its lookups read are asked for when it arrives (cache misses, the
    // tables being larger than a core's cache), and are there by then.
    let mut waiting = VecDeque::with_capacity(AHEAD + 1);
    let consume = |_: &[u8], outcome: TimelineOutcome| -> anyhow::Result<()> {
        if let TimelineOutcome::State(event) = &outcome {
            timelines.prefetch(event);
        }
        waiting.push_back(outcome);
        if waiting.len() > AHEAD
            && let Some(outcome) = waiting.pop_front()
        {
            keep(outcome, &mut timelines, &mut totals, report);
        }
        Ok(())
    };
    each_record(files, settings, work, consume)?;
    for outcome in waiting {
        keep(outcome, &mut timelines, &mut totals, report);
    }
    totals.tickets = timelines.tickets();
    write_timelines(
        timelines.finish(),
        settings.threads,
        render,
        out,
        &mut totals,
    )?;
    totals.bad = report.errors;
    render.finish(out, &Totals::Timeline(&totals))?;
    note_skipped(settings, &totals.skipped, NOT_TICKET_STATES);
    Ok(ExitStatus::Success)
}

/// How many events the consumer has asked for the table lines of, ahead
/// of the one it keeps.
const AHEAD: usize = 8;

/// What one record's outcome does to the timelines and the totals.
fn keep(
    outcome: TimelineOutcome,
    timelines: &mut Timelines,
    totals: &mut TimelineTotals,
    report: &mut Reporter,
) {
    match outcome {
        TimelineOutcome::Bad(e) => report.error(&e),
        TimelineOutcome::Skipped(event_type) => totals.skipped.add(&event_type),
        TimelineOutcome::NoTicketId(location) => {
            totals.without_ticket_id += 1;
            report.warning(
                &location,
                "no event.object.ticket_id: left out of the timelines",
            );
        }
        TimelineOutcome::State(event) => match timelines.add_prepared(&event) {
            Added::New => totals.events += 1,
            Added::Duplicate => totals.duplicates += 1,
            Added::Full => {
                if let Some(location) = event.state.source {
                    report.error(&RecordError::new(
                        location,
                        "left out of the timelines: 2^32 distinct events or tickets already kept",
                    ));
                }
            }
        },
    }
}

/// Tickets per batch once the input has ended: a ticket's timeline is
/// about 200 bytes an event as JSON, so that the batches in flight stay
/// small however many events a ticket has.
const TICKETS_PER_BATCH: usize = 8;

/// Each ticket's timeline in ticket order, built on `threads` workers, and
/// written there too when the format needs nothing from the timeline
/// before (JSON lines): the part of the run left once the input has ended.
fn write_timelines(
    finished: Finished,
    threads: usize,
    render: &mut dyn DiffRenderer,
    out: &mut dyn Write,
    totals: &mut TimelineTotals,
) -> anyhow::Result<()> {
    let tickets = 0..finished.len();
    if let Some(text) = render.stateless_timelines() {
        let work = |buf: &mut Vec<u8>, ticket: usize| {
            finished.timeline(ticket).map(|t| {
                text.write_timeline(buf, &t);
                (t.out_of_order, t.gaps.len())
            })
        };
        return pipeline::in_order(tickets, TICKETS_PER_BATCH, threads, work, |buf, counts| {
            if let Some((out_of_order, gaps)) = counts {
                totals.out_of_order += out_of_order;
                totals.gaps += gaps;
            }
            Ok(out.write_all(buf)?)
        });
    }
    let work = |_: &mut Vec<u8>, ticket: usize| finished.timeline(ticket);
    pipeline::in_order(tickets, TICKETS_PER_BATCH, threads, work, |_, t| {
        if let Some(t) = t {
            totals.out_of_order += t.out_of_order;
            totals.gaps += t.gaps.len();
            render.timeline(out, &t)?;
        }
        Ok(())
    })
}

/// A record's event for the timelines, read as every command reads one.
fn state_event(
    payload: Result<Payload, RecordError>,
    settings: &Settings,
) -> Result<(Location, Box<Event>), RecordError> {
    let record = payload.and_then(|p| p.decode(settings.encrypt_key.as_ref()))?;
    let event = Event::boxed_of_record(&record, Detail::State)?;
    Ok((record.location().clone(), event))
}
