//! `parse`: the envelope, the ticket state and the transitions of each record.

use std::io::Write;

use super::{Reporter, records};
use crate::cli::{OutputFormat, ParseArgs};
use crate::event::Event;
use crate::exit::ExitStatus;
use crate::input::RecordError;
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

pub fn run(
    args: &ParseArgs,
    settings: &Settings,
    out: &mut dyn Write,
    report: &mut Reporter,
) -> anyhow::Result<ExitStatus> {
    let mut render = renderer(settings);
    let mut summary = Summary::default();
    let mut deviations = 0usize;
    for record in records(&args.input.files, settings) {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                summary.bad += 1;
                report.error(&e);
                continue;
            }
        };
        let event = match Event::from_slice(record.plaintext_bytes()) {
            Ok(event) => event,
            Err(e) => {
                summary.bad += 1;
                report.error(&RecordError::new(record.location().clone(), e.to_string()));
                continue;
            }
        };
        summary.count(event_type_name(&event));
        render.parsed(
            out,
            &Parsed {
                location: record.location(),
                encrypted: record.encrypted(),
                event: &event,
            },
        )?;
        if args.strict {
            for issue in &event.issues {
                deviations += 1;
                report.warning(record.location(), format_args!("schema deviation: {issue}"));
            }
        } else if settings.output == OutputFormat::Table {
            for issue in event.warnings() {
                report.warning(record.location(), issue);
            }
        }
    }
    render.finish(out, &summary)?;
    let status = if deviations > 0 {
        ExitStatus::Negative
    } else {
        ExitStatus::Success
    };
    Ok(report.status(status))
}

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
