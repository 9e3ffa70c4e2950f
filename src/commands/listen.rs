//! `listen`: a local receiver. Each request is read (bounded), captured,
//! answered as the platform expects (or forwarded to the user's handler and
//! its answer relayed) by [`crate::listen`]; here each answered request is
//! counted, its problems reported, and it is shown as `parse` and `verify`
//! show a record ([`crate::render::delivery`]).

use std::collections::BTreeMap;
use std::io::Write;

use super::Reporter;
use crate::cli::{ListenArgs, OutputFormat};
use crate::diagnostics;
use crate::exit::ExitStatus;
use crate::input::RecordError;
use crate::listen::forward::Forwarder;
use crate::listen::response::Response;
use crate::listen::serve::{Exchange, Kind, Receiver, Served};
use crate::listen::{self, FORWARD_TIMEOUT, Listener, PLATFORM_DEADLINE, capture::CaptureFile};
use crate::render::Parsed;
use crate::render::delivery::{self, Answer, Delivery, DeliveryTable, Findings, Via};
use crate::render::words::plural;
use crate::settings::Settings;
use crate::verify::Secrets;

pub fn run(
    args: &ListenArgs,
    settings: &Settings,
    out: &mut dyn Write,
    report: &mut Reporter,
) -> anyhow::Result<ExitStatus> {
    let (listener, mut receiver) = start(args, settings, report)?;
    let stop = listen::stop_on_ctrl_c();
    let mut session = Session {
        settings,
        out,
        report,
        table: (settings.output == OutputFormat::Table)
            .then(|| DeliveryTable::new(settings.style.clone())),
        answered: BTreeMap::new(),
        failed_checks: false,
    };
    while args.max_requests.is_none_or(|n| receiver.requests < n) {
        match listener.accept(&stop) {
            None => break,
            Some(Err(e)) => session
                .report
                .warning_of_run(format_args!("accepting a connection: {e}")),
            Some(Ok(stream)) => match receiver.serve(stream) {
                Served::Gone(None) => {}
                Served::Gone(Some(e)) => session
                    .report
                    .warning_of_run(format_args!("a connection failed: {e}")),
                Served::Answered(exchange) => session.account(&exchange)?,
            },
        }
    }
    session.stopped(receiver.requests);
    let status = if session.failed_checks {
        ExitStatus::Negative
    } else {
        ExitStatus::Success
    };
    Ok(session.report.status(status))
}

/// Checks the flags, opens what they name and starts listening, saying
/// where (and warning when that is risky).
fn start<'a>(
    args: &'a ListenArgs,
    settings: &'a Settings,
    report: &mut Reporter,
) -> anyhow::Result<(Listener, Receiver<'a>)> {
    if !args.path.starts_with('/') {
        anyhow::bail!("--path must start with '/', got {:?}", args.path);
    }
    if args.max_requests == Some(0) {
        anyhow::bail!("--max-requests must be at least 1");
    }
    if args.max_body_size == 0 {
        anyhow::bail!("--max-body-size must be at least 1");
    }
    let forwarder = args
        .forward_to
        .as_deref()
        .map(|url| Forwarder::new(url, FORWARD_TIMEOUT, args.max_body_size))
        .transpose()?;
    let capture = args.capture.as_deref().map(CaptureFile::open).transpose()?;
    let listener = Listener::bind(&args.addr)?;
    if !listener.addr.ip().is_loopback() {
        report.warning_of_run(format_args!(
            "listening on {}, which is not a loopback address: anyone who \
                 can reach this machine can send requests (and fill the capture file)",
            listener.addr
        ));
    }
    if settings.encrypt_key.is_none() {
        report.warning_of_run(
            "no Encrypt Key: events are accepted without checking their \
             signature (set LARK_ENCRYPT_KEY or pass --encrypt-key-file to check them)",
        );
    }
    diagnostics::status(format_args!(
        "listening on http://{}{}",
        listener.addr, args.path
    ));
    if let Some(f) = &forwarder {
        diagnostics::status(format_args!("forwarding to {}", f.url()));
    }
    if let Some(path) = &args.capture {
        diagnostics::status(format_args!("capturing to {}", path.display()));
    }
    let receiver = Receiver {
        path: &args.path,
        max_body: args.max_body_size,
        max_age: args.max_age,
        secrets: Secrets {
            key: settings.encrypt_key.as_ref(),
            token: settings.verification_token.as_ref(),
        },
        forwarder,
        capture,
        requests: 0,
    };
    Ok((listener, receiver))
}

/// Where answered requests go: counted, reported, shown.
struct Session<'a> {
    settings: &'a Settings,
    out: &'a mut dyn Write,
    report: &'a mut Reporter,
    /// The table view; `None` for JSON.
    table: Option<DeliveryTable>,
    /// How many times each status was answered.
    answered: BTreeMap<u16, usize>,
    /// A request failed its checks (answered 401).
    failed_checks: bool,
}

impl Session<'_> {
    /// Counts one answered request, reports what went wrong, and shows it.
    fn account(&mut self, x: &Exchange) -> anyhow::Result<()> {
        *self.answered.entry(x.sent).or_default() += 1;
        let report = &mut *self.report;
        if let Kind::Event {
            not_captured: Some(e),
            ..
        } = &x.kind
        {
            report.error(&RecordError::new(
                x.location.clone(),
                format!("not captured: {e}"),
            ));
        }
        if let Err(e) = &x.delivered {
            report.warning(
                &x.location,
                format_args!("the answer was not delivered: {e}"),
            );
        }
        match &x.kind {
            Kind::Event {
                outcome, forwarded, ..
            } => {
                if x.elapsed > PLATFORM_DEADLINE {
                    report.warning(
                        &x.location,
                        format_args!(
                            "answered after {:.1} s; the platform gives up \
                             after {} s and delivers the event again later",
                            x.elapsed.as_secs_f64(),
                            PLATFORM_DEADLINE.as_secs()
                        ),
                    );
                }
                self.failed_checks |= outcome.failed_checks();
                if let Some(e) = &outcome.error {
                    report.error(e);
                }
                if let Some(Err(e)) = forwarded {
                    report.error(&RecordError::new(
                        x.location.clone(),
                        format!("forwarding failed: {e}"),
                    ));
                }
            }
            Kind::Unreadable(why) => {
                report.error(&RecordError::new(x.location.clone(), why.clone()))
            }
            Kind::NotForUs(_) => {}
        }
        self.show(&delivery(x))
    }

    /// The closing status line: requests, and how each was answered.
    fn stopped(&self, requests: u64) {
        let counts: Vec<String> = self
            .answered
            .iter()
            .map(|(status, n)| format!("{n} × {status}"))
            .collect();
        diagnostics::status(format_args!(
            "stopped after {} ({})",
            plural(requests as usize, "request"),
            if counts.is_empty() {
                "none answered".to_string()
            } else {
                format!("answered {}", counts.join(", "))
            }
        ));
    }

    /// One delivery, as a JSON line or as the table view; in the table,
    /// the event's warnings come between the event and its checks.
    fn show(&mut self, d: &Delivery<'_>) -> anyhow::Result<()> {
        match &self.table {
            None => delivery::json_line(self.out, &self.settings.style, d)?,
            Some(table) => {
                table.event(self.out, d)?;
                if let Some(parsed) = d.findings.as_ref().and_then(|f| f.event.as_ref()) {
                    for issue in parsed.event.warnings() {
                        self.report.warning(parsed.location, issue);
                    }
                }
                table.checks(self.out, d)?;
            }
        }
        self.out.flush()?;
        Ok(())
    }
}

/// What an answered request shows.
fn delivery(x: &Exchange) -> Delivery<'_> {
    let (findings, forwarded, note) = match &x.kind {
        Kind::Event {
            outcome, forwarded, ..
        } => {
            let event = match (&outcome.record, &outcome.event) {
                (Some(record), Some(event)) => Some(Parsed {
                    location: record.location(),
                    encrypted: record.encrypted(),
                    event,
                }),
                _ => None,
            };
            let findings = Findings {
                location: &x.location,
                event,
                verdict: outcome.verdict.as_ref(),
                skipped: outcome.skipped,
                error: outcome.error.as_ref().map(|e| e.message.as_str()),
            };
            let forwarded = forwarded
                .as_ref()
                .map(|f| f.as_ref().map(answer).map_err(String::as_str));
            (Some(findings), forwarded, None)
        }
        Kind::NotForUs(why) | Kind::Unreadable(why) => (None, None, Some(why.as_str())),
    };
    Delivery {
        received_at: x.received_at,
        via: Via::Http(
            x.head
                .as_ref()
                .map(|h| (h.method.as_str(), h.target.as_str())),
        ),
        findings,
        answer: answer(&x.ours),
        forwarded,
        elapsed_ms: x.elapsed.as_millis(),
        note,
        duplicate: false,
    }
}

fn answer(r: &Response) -> Answer<'_> {
    Answer {
        status: r.status,
        body: &r.body,
    }
}
