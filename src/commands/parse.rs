//! `parse`: the envelope, the ticket state and the transitions of each record.

use std::io::Write;

use super::{Reporter, each_record, event_type_name};
use crate::cli::{OutputFormat, ParseArgs};
use crate::event::{
    Detail, Event, Issue, NOTIFICATION_APPROVE, Settled, TICKET_CREATED, TICKET_MESSAGE,
    TICKET_UPDATED, settle,
};
use crate::exit::ExitStatus;
use crate::input::{Location, RecordError};
use crate::pipeline::Item;
use crate::record::Payload;
use crate::render::json::JsonRenderer;
use crate::render::table::TableRenderer;
use crate::render::{Parsed, Renderer, Summary};
use crate::settings::Settings;

pub fn renderer(settings: &Settings) -> Box<dyn Renderer> {
    match settings.output {
        OutputFormat::Json => Box::new(JsonRenderer {
            style: settings.style.clone(),
        }),
        OutputFormat::Table => Box::new(TableRenderer::new(settings.style.clone())),
    }
}

/// What one record gives `parse`, worked out on a pipeline thread.
enum Outcome {
    Bad(RecordError),
    Event {
        location: Location,
        /// What the summary counts it as.
        event_type: EventType,
        /// The schema issues to report (for `--strict`, all of them; for
        /// a table, the warnings; else none). The event itself stays on
        /// the worker.
        issues: Vec<Issue>,
    },
}

/// An event's type for the summary, without an allocation for the
/// documented ones.
enum EventType {
    Known(&'static str),
    Other(String),
}

impl EventType {
    fn of(event: &Event) -> EventType {
        let name = event_type_name(event);
        const KNOWN: [&str; 5] = [
            TICKET_UPDATED,
            TICKET_CREATED,
            TICKET_MESSAGE,
            NOTIFICATION_APPROVE,
            "url_verification",
        ];
        match KNOWN.iter().find(|k| **k == name) {
            Some(known) => EventType::Known(known),
            None => EventType::Other(name.to_string()),
        }
    }

    fn as_str(&self) -> &str {
        match self {
            EventType::Known(name) => name,
            EventType::Other(name) => name,
        }
    }
}

pub fn run(
    args: &ParseArgs,
    settings: &Settings,
    out: &mut dyn Write,
    report: &mut Reporter,
) -> anyhow::Result<ExitStatus> {
    let mut render = renderer(settings);
    // Each record is rendered on the worker that read it; this thread
    // only writes the records out in order.
    let json = (settings.output == OutputFormat::Json).then(|| JsonRenderer {
        style: settings.style.clone(),
    });
    let table = (settings.output == OutputFormat::Table)
        .then(|| TableRenderer::new(settings.style.clone()));
    let work = |bytes: &mut Vec<u8>, item: Item| -> Outcome {
        let found = match settle(item, Detail::Full) {
            Settled::Event(location, event) => Ok((location, false, event)),
            Settled::Payload(payload) => full_event(payload, settings),
        };
        let (location, encrypted, event) = match found {
            Ok(found) => found,
            Err(e) => return Outcome::Bad(e),
        };
        let parsed = Parsed {
            location: &location,
            encrypted,
            event: &event,
        };
        if let Some(json) = &json {
            json.write_line(bytes, &parsed);
        } else if let Some(table) = &table {
            // Writing to a Vec cannot fail.
            let _ = table.record(bytes, &parsed);
        }
        let event_type = EventType::of(&event);
        let issues = if args.strict {
            event.issues
        } else if table.is_some() {
            event.issues.into_iter().filter(|i| i.warn).collect()
        } else {
            Vec::new()
        };
        Outcome::Event {
            location,
            event_type,
            issues,
        }
    };
    let mut summary = Summary::default();
    let mut deviations = 0usize;
    let consume = |rendered: &[u8], outcome: Outcome| -> anyhow::Result<()> {
        let (location, event_type, issues) = match outcome {
            Outcome::Bad(e) => {
                summary.bad += 1;
                report.error(&e);
                return Ok(());
            }
            Outcome::Event {
                location,
                event_type,
                issues,
            } => (location, event_type, issues),
        };
        summary.count(event_type.as_str());
        render.rendered(out, rendered)?;
        for issue in &issues {
            if args.strict {
                deviations += 1;
                report.warning(&location, format_args!("schema deviation: {issue}"));
            } else {
                report.warning(&location, issue);
            }
        }
        Ok(())
    };
    each_record(&args.input.files, settings, work, consume)?;
    render.finish(out, &summary)?;
    let status = if deviations > 0 {
        ExitStatus::Negative
    } else {
        ExitStatus::Success
    };
    Ok(report.status(status))
}

/// A record's event, read in full, with whether it came encrypted.
fn full_event(
    payload: Result<Payload, RecordError>,
    settings: &Settings,
) -> Result<(Location, bool, Box<Event>), RecordError> {
    let record = payload.and_then(|p| p.decode(settings.encrypt_key.as_ref()))?;
    let event = Event::boxed_of_record(&record, Detail::Full)?;
    Ok((record.location().clone(), record.encrypted(), event))
}
