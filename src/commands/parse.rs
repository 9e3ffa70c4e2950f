//! `parse`: the envelope, the ticket state and the transitions of each record.

use std::io::Write;

use super::{Reporter, each_record, event_type_name};
use crate::cli::{OutputFormat, ParseArgs};
use crate::event::{Detail, Event, Settled, settle};
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
        encrypted: bool,
        event: Box<Event>,
        /// The JSON line, rendered on the worker (`-o json`).
        rendered: Option<Vec<u8>>,
    },
}

pub fn run(
    args: &ParseArgs,
    settings: &Settings,
    out: &mut dyn Write,
    report: &mut Reporter,
) -> anyhow::Result<ExitStatus> {
    let mut render = renderer(settings);
    let json = (settings.output == OutputFormat::Json).then(|| JsonRenderer {
        style: settings.style.clone(),
    });
    let work = |item: Item| -> Outcome {
        let found = match settle(item, Detail::Full) {
            Settled::Event(location, event) => Ok((location, false, event)),
            Settled::Payload(payload) => full_event(payload, settings),
        };
        let (location, encrypted, event) = match found {
            Ok(found) => found,
            Err(e) => return Outcome::Bad(e),
        };
        let rendered = json.as_ref().map(|json| {
            let mut bytes = Vec::with_capacity(2048);
            let parsed = Parsed {
                location: &location,
                encrypted,
                event: &event,
            };
            json.write_line(&mut bytes, &parsed);
            bytes
        });
        Outcome::Event {
            location,
            encrypted,
            event: Box::new(event),
            rendered,
        }
    };
    let mut summary = Summary::default();
    let mut deviations = 0usize;
    let consume = |outcome: Outcome| -> anyhow::Result<()> {
        let (location, encrypted, event, rendered) = match outcome {
            Outcome::Bad(e) => {
                summary.bad += 1;
                report.error(&e);
                return Ok(());
            }
            Outcome::Event {
                location,
                encrypted,
                event,
                rendered,
            } => (location, encrypted, event, rendered),
        };
        summary.count(event_type_name(&event));
        match rendered {
            Some(bytes) => out.write_all(&bytes)?,
            None => render.parsed(
                out,
                &Parsed {
                    location: &location,
                    encrypted,
                    event: &event,
                },
            )?,
        }
        if args.strict {
            for issue in &event.issues {
                deviations += 1;
                report.warning(&location, format_args!("schema deviation: {issue}"));
            }
        } else if settings.output == OutputFormat::Table {
            for issue in event.warnings() {
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
) -> Result<(Location, bool, Event), RecordError> {
    let record = payload.and_then(|p| p.decode(settings.encrypt_key.as_ref()))?;
    let event = Event::of_record(&record, Detail::Full)?;
    Ok((record.location().clone(), record.encrypted(), event))
}
