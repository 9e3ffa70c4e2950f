//! `check`: the battery of platform-shaped requests ([`crate::drive::battery`])
//! sent to the user's handler, and the verdict on each answer.

use std::io::Write;

use serde_json::Value;

use super::Reporter;
use crate::cli::{CheckArgs, OutputFormat};
use crate::diagnostics;
use crate::drive::battery::{self, Setup};
use crate::drive::event::EXAMPLE;
use crate::drive::http::Poster;
use crate::exit::ExitStatus;
use crate::input::RecordError;
use crate::render::drive::{check_json, check_table, ok};
use crate::render::table::terminal_width;
use crate::settings::Settings;

pub fn run(
    args: &CheckArgs,
    settings: &Settings,
    out: &mut dyn Write,
    report: &mut Reporter,
) -> anyhow::Result<ExitStatus> {
    let poster = Poster::new(&args.url, super::seconds("--max-time", args.max_time)?)?;
    let Some(events) = events(args, settings, report)? else {
        return Ok(ExitStatus::Error);
    };
    if !poster.is_local() {
        diagnostics::warning(
            "the URL is not on this machine: check sends forged and malformed requests on \
             purpose; point it only at a handler you are responsible for",
        );
    }
    let setup = Setup {
        key: settings.encrypt_key.as_ref(),
        token: settings.verification_token.as_ref(),
        events,
    };
    let mut answered = false;
    let mut last_failure = None;
    let checks = battery::run(&setup, &mut |request| {
        let answer = poster.post(&request.headers, &request.body);
        match &answer {
            Ok(_) => answered = true,
            Err(e) => last_failure = Some(e.why.clone()),
        }
        answer
    })?;
    if !answered {
        anyhow::bail!(
            "cannot reach the handler at {}: {}",
            crate::render::text(poster.url()),
            last_failure.unwrap_or_default()
        );
    }
    match settings.output {
        OutputFormat::Json => {
            serde_json::to_writer(&mut *out, &check_json(poster.url(), &checks))?;
            writeln!(out)?;
        }
        OutputFormat::Table => check_table(
            out,
            &settings.style,
            terminal_width(),
            poster.url(),
            &checks,
        )?,
    }
    Ok(report.status(if ok(&checks) {
        ExitStatus::Success
    } else {
        ExitStatus::Negative
    }))
}

/// The events to send: the documentation's example, or the records of
/// `--event FILE` (decrypted when encrypted). `None` when a record is bad
/// (reported).
fn events(
    args: &CheckArgs,
    settings: &Settings,
    report: &mut Reporter,
) -> anyhow::Result<Option<Vec<Value>>> {
    let Some(file) = &args.event else {
        return Ok(Some(vec![serde_json::from_str(EXAMPLE)?]));
    };
    let mut events = Vec::new();
    let mut bad = false;
    for record in super::records(std::slice::from_ref(file), settings) {
        let value = record.and_then(|r| {
            let not_an_event = |why: String| RecordError::new(r.location().clone(), why);
            match serde_json::from_slice::<Value>(r.plaintext_bytes()) {
                Ok(v) if v.is_object() => Ok(v),
                Ok(_) => Err(not_an_event("not a JSON object".to_string())),
                Err(e) => Err(not_an_event(format!("not JSON: {e}"))),
            }
        });
        match value {
            Ok(v) => events.push(v),
            Err(e) => {
                bad = true;
                report.error(&e);
            }
        }
    }
    if events.is_empty() && !bad {
        anyhow::bail!("--event {} holds no record", file.display());
    }
    Ok((!bad).then_some(events))
}
