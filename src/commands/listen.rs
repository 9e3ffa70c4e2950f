//! `listen`: a local receiver. Each request is read (bounded), captured,
//! answered as the platform expects (or forwarded to the user's handler and
//! its answer relayed), then shown as `parse` and `verify` show a record.

use std::collections::BTreeMap;
use std::io::Write;
use std::net::TcpStream;
use std::sync::Arc;
use std::time::Instant;

use serde_json::{Value, json};

use super::Reporter;
use crate::cli::{ListenArgs, OutputFormat};
use crate::diagnostics;
use crate::exit::ExitStatus;
use crate::input::{Location, RecordError};
use crate::listen::answer::{self, Outcome};
use crate::listen::capture::{self, CaptureFile};
use crate::listen::forward::Forwarder;
use crate::listen::http::{Connection, Head, ReadError, Response};
use crate::listen::{self, FORWARD_TIMEOUT, Listener, PLATFORM_DEADLINE, READ_TIMEOUT};
use crate::render::json::parsed_json;
use crate::render::table::{TableRenderer, terminal_width};
use crate::render::verify as show;
use crate::render::{Parsed, Renderer, text};
use crate::settings::Settings;
use crate::verify::{Clock, Secrets};

/// The longest answer body shown in the table.
const SHOWN_BODY: usize = 200;

pub fn run(
    args: &ListenArgs,
    settings: &Settings,
    out: &mut dyn Write,
    report: &mut Reporter,
) -> anyhow::Result<ExitStatus> {
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
        diagnostics::warning(format_args!(
            "listening on {}, which is not a loopback address: anyone who \
             can reach this machine can send requests (and fill the capture file)",
            listener.addr
        ));
    }
    if settings.encrypt_key.is_none() {
        diagnostics::warning(
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
    let stop = listen::stop_on_ctrl_c();
    let mut session = Session {
        settings,
        path: &args.path,
        max_body: args.max_body_size,
        max_age: args.max_age,
        forwarder,
        capture,
        requests: 0,
        answered: BTreeMap::new(),
        status: ExitStatus::Success,
        width: terminal_width(),
    };
    while args.max_requests.is_none_or(|n| session.requests < n) {
        let Some(stream) = listener.accept(&stop) else {
            break;
        };
        session.serve(stream, out, report)?;
    }
    let counts: Vec<String> = session
        .answered
        .iter()
        .map(|(status, n)| format!("{n} × {status}"))
        .collect();
    diagnostics::status(format_args!(
        "stopped after {} ({})",
        crate::render::table::plural(session.requests as usize, "request"),
        if counts.is_empty() {
            "none answered".to_string()
        } else {
            format!("answered {}", counts.join(", "))
        }
    ));
    Ok(report.status(session.status))
}

struct Session<'a> {
    settings: &'a Settings,
    path: &'a str,
    max_body: usize,
    max_age: Option<u64>,
    forwarder: Option<Forwarder>,
    capture: Option<CaptureFile>,
    /// Requests answered so far.
    requests: u64,
    /// How many times each status was answered.
    answered: BTreeMap<u16, usize>,
    status: ExitStatus,
    width: Option<usize>,
}

/// One request, answered, ready to show.
struct Exchange<'a> {
    received_at: i64,
    head: Option<&'a Head>,
    location: Location,
    /// What listen itself answers.
    ours: Response,
    /// The handler's answer (relayed), or why it could not be had.
    forwarded: Option<Result<Response, String>>,
    outcome: Option<Outcome>,
    /// A request that is not a processable event, in a word.
    note: Option<String>,
    elapsed_ms: u128,
}

impl Session<'_> {
    fn serve(
        &mut self,
        stream: TcpStream,
        out: &mut dyn Write,
        report: &mut Reporter,
    ) -> anyhow::Result<()> {
        let started = Instant::now();
        let received_at = jiff::Timestamp::now().as_millisecond();
        let mut conn = match Connection::new(stream, READ_TIMEOUT) {
            Ok(conn) => conn,
            Err(e) => {
                diagnostics::warning(format_args!("a connection failed: {e}"));
                return Ok(());
            }
        };
        let request_location = Location::new(Arc::from("request"), self.requests + 1);
        let head = match conn.read_head() {
            Ok(head) => head,
            Err(e) => return self.unread(conn, None, e, started, received_at, out, report),
        };
        if head.path() != self.path {
            let ours = Response::json(
                404,
                &json!({"msg": "not found", "error": format!("events go to {}", self.path)}),
            );
            let note = format!("not the event path {}", self.path);
            return self.simple(conn, &head, ours, note, started, received_at, out);
        }
        if head.method != "POST" {
            let ours = Response::json(
                405,
                &json!({"msg": "method not allowed", "error": "events are POSTed"}),
            );
            let note = "events are POSTed".to_string();
            return self.simple(conn, &head, ours, note, started, received_at, out);
        }
        let body = match conn.read_body(&head, self.max_body) {
            Ok(body) => body,
            Err(e) => return self.unread(conn, Some(&head), e, started, received_at, out, report),
        };
        self.requests += 1;
        let record = capture::record(&head, &body, received_at);
        let location = match self.capture.as_mut().map(|c| c.append(&record)) {
            Some(Ok(location)) => location,
            Some(Err(e)) => {
                self.status = ExitStatus::Error;
                diagnostics::error(format_args!("{request_location}: not captured: {e}"));
                request_location
            }
            None => request_location,
        };
        let s = self.settings;
        let secrets = Secrets {
            key: s.encrypt_key.as_ref(),
            token: s.verification_token.as_ref(),
        };
        let clock = Clock {
            now: received_at.div_euclid(1000),
            max_age: self.max_age,
        };
        let outcome = answer::answer(location.clone(), &record, secrets, clock);
        let forwarded = self.forwarder.as_ref().map(|f| f.forward(&head, &body));
        let sent = match &forwarded {
            None => outcome.response.clone(),
            Some(Ok(theirs)) => theirs.clone(),
            Some(Err(e)) => Response::json(
                502,
                &json!({"msg": "forward failed", "error": format!("your handler did not answer: {e}")}),
            ),
        };
        let answered = conn.respond(&sent);
        let elapsed = started.elapsed();
        *self.answered.entry(sent.status).or_default() += 1;
        if let Err(e) = answered {
            diagnostics::warning(format_args!(
                "{location}: the answer was not delivered: {e}"
            ));
        }
        if elapsed > PLATFORM_DEADLINE {
            diagnostics::warning(format_args!(
                "{location}: answered after {:.1} s; the platform gives up \
                 after {} s and delivers the event again later",
                elapsed.as_secs_f64(),
                PLATFORM_DEADLINE.as_secs()
            ));
        }
        if outcome.failed_checks() {
            self.status = self.status.and(ExitStatus::Negative);
        }
        if let Some(e) = &outcome.error {
            self.status = self.status.and(ExitStatus::Error);
            report.error(e);
        }
        if let Some(Err(e)) = &forwarded {
            self.status = self.status.and(ExitStatus::Error);
            diagnostics::error(format_args!("{location}: forwarding failed: {e}"));
        }
        let exchange = Exchange {
            received_at,
            head: Some(&head),
            location,
            ours: outcome.response.clone(),
            forwarded,
            outcome: Some(outcome),
            note: None,
            elapsed_ms: elapsed.as_millis(),
        };
        self.show(&exchange, out, report)
    }

    /// A request whose body was not read: answered with the read error's
    /// status (413, 400, 408...) and not captured.
    #[allow(clippy::too_many_arguments)]
    fn unread(
        &mut self,
        conn: Connection,
        head: Option<&Head>,
        error: ReadError,
        started: Instant,
        received_at: i64,
        out: &mut dyn Write,
        report: &mut Reporter,
    ) -> anyhow::Result<()> {
        let Some(status) = error.status() else {
            // The client left without a request: nothing to answer or count.
            if let ReadError::Io(e) = &error {
                diagnostics::warning(format_args!("a connection failed: {e}"));
            }
            return Ok(());
        };
        self.requests += 1;
        let message = error.message(self.max_body);
        let location = Location::new(Arc::from("request"), self.requests);
        let ours = Response::json(
            status,
            &json!({"msg": crate::listen::http::reason(status), "error": message}),
        );
        if let Err(e) = conn.respond(&ours) {
            diagnostics::warning(format_args!(
                "{location}: the answer was not delivered: {e}"
            ));
        }
        *self.answered.entry(status).or_default() += 1;
        self.status = self.status.and(ExitStatus::Error);
        report.error(&RecordError::new(location.clone(), message.clone()));
        let exchange = Exchange {
            received_at,
            head,
            location,
            ours,
            forwarded: None,
            outcome: None,
            note: Some(message),
            elapsed_ms: started.elapsed().as_millis(),
        };
        self.show(&exchange, out, report)
    }

    /// A request that is not for the receiver (another path, another method).
    #[allow(clippy::too_many_arguments)]
    fn simple(
        &mut self,
        conn: Connection,
        head: &Head,
        ours: Response,
        note: String,
        started: Instant,
        received_at: i64,
        out: &mut dyn Write,
    ) -> anyhow::Result<()> {
        self.requests += 1;
        let location = Location::new(Arc::from("request"), self.requests);
        if let Err(e) = conn.respond(&ours) {
            diagnostics::warning(format_args!(
                "{location}: the answer was not delivered: {e}"
            ));
        }
        *self.answered.entry(ours.status).or_default() += 1;
        let exchange = Exchange {
            received_at,
            head: Some(head),
            location,
            ours,
            forwarded: None,
            outcome: None,
            note: Some(note),
            elapsed_ms: started.elapsed().as_millis(),
        };
        self.show(&exchange, out, &mut Reporter::default())
    }

    fn show(
        &self,
        x: &Exchange<'_>,
        out: &mut dyn Write,
        report: &mut Reporter,
    ) -> anyhow::Result<()> {
        match self.settings.output {
            OutputFormat::Json => {
                serde_json::to_writer(&mut *out, &self.json(x))?;
                writeln!(out)?;
            }
            OutputFormat::Table => self.table(x, out, report)?,
        }
        out.flush()?;
        Ok(())
    }

    fn json(&self, x: &Exchange<'_>) -> Value {
        let style = &self.settings.style;
        let outcome = x.outcome.as_ref();
        let parse = outcome.and_then(|o| {
            let record = o.record.as_ref()?;
            let event = o.event.as_ref()?;
            Some(parsed_json(
                style,
                &Parsed {
                    location: record.location(),
                    encrypted: record.encrypted(),
                    event,
                },
            ))
        });
        let verify = outcome.and_then(|o| Some(show::json(&x.location, o.verdict.as_ref()?)));
        let error = outcome
            .and_then(|o| o.error.as_ref().map(|e| e.message.clone()))
            .or_else(|| x.note.clone());
        let forwarded = x.forwarded.as_ref().map(|f| match f {
            Ok(r) => json!({"status": r.status, "body": String::from_utf8_lossy(&r.body)}),
            Err(e) => json!({"status": null, "body": null, "error": e}),
        });
        json!({
            "received_at": x.received_at,
            "method": x.head.map(|h| &h.method),
            "path": x.head.map(|h| &h.target),
            "source": outcome.map(|_| x.location.to_string()),
            "status": x.ours.status,
            "response": String::from_utf8_lossy(&x.ours.body),
            "elapsed_ms": x.elapsed_ms,
            "error": error,
            "parse": parse,
            "verify": verify,
            "checks_skipped": outcome.and_then(|o| o.skipped),
            "forwarded": forwarded,
        })
    }

    fn table(
        &self,
        x: &Exchange<'_>,
        out: &mut dyn Write,
        report: &mut Reporter,
    ) -> anyhow::Result<()> {
        let style = &self.settings.style;
        let request = match x.head {
            Some(h) => text(&format!("{} {}", h.method, h.target)),
            None => "(unreadable request)".to_string(),
        };
        let mut line = format!(
            "{}  {}  ->  {}",
            style.dim(&style.time(x.received_at)),
            style.bold(&request),
            status_text(style, &x.ours)
        );
        match &x.forwarded {
            Some(Ok(theirs)) => {
                line = format!(
                    "{}  {}  ->  your handler {} (relayed; listen alone: {})",
                    style.dim(&style.time(x.received_at)),
                    style.bold(&request),
                    status_text(style, theirs),
                    x.ours.status
                );
            }
            Some(Err(_)) => line.push_str(&format!(
                "; your handler did not answer: relayed {}",
                style.red("502")
            )),
            None => {}
        }
        if let Some(note) = &x.note {
            line.push_str(&format!("  ({})", text(note)));
        }
        writeln!(out, "{line}")?;
        if let Some(outcome) = &x.outcome {
            if let (Some(record), Some(event)) = (&outcome.record, &outcome.event) {
                let mut render = TableRenderer::new(style.clone());
                render.parsed(
                    out,
                    &Parsed {
                        location: record.location(),
                        encrypted: record.encrypted(),
                        event,
                    },
                )?;
                for issue in event.warnings() {
                    report.warning(record.location(), issue);
                }
            }
            if let Some(verdict) = &outcome.verdict {
                show::table(out, style, self.width, &x.location, verdict)?;
            }
            if let Some(skipped) = outcome.skipped {
                writeln!(out, "{} {skipped}", style.yellow("checks skipped:"))?;
            }
        }
        writeln!(out)?;
        Ok(())
    }
}

fn status_text(style: &crate::render::Style, r: &Response) -> String {
    let body = String::from_utf8_lossy(&r.body);
    let body = match body.char_indices().nth(SHOWN_BODY) {
        Some((i, _)) => format!("{}...", &body[..i]),
        None => body.into_owned(),
    };
    let status = r.status.to_string();
    let status = if r.status < 300 {
        style.green(&status)
    } else {
        style.red(&status)
    };
    format!("{status} {}", text(&body))
}
