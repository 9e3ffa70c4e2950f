//! `subscribe`: events over the long connection. A network thread runs the
//! client ([`crate::subscribe`]): each message is read as its capture
//! record replays, captured, acknowledged, and handed here, where it is
//! counted, its problems reported and shown as `parse` shows it
//! ([`crate::render::delivery`]). A slow terminal delays nothing but
//! the output.

use std::collections::{HashSet, VecDeque};
use std::io::Write;
use std::sync::Arc;
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::time::{Duration, Instant};

use super::Reporter;
use crate::cli::{OutputFormat, SubscribeArgs};
use crate::diagnostics;
use crate::event::{Detail, Event};
use crate::exit::ExitStatus;
use crate::input::{Location, RecordError};
use crate::listen::{self, capture::CaptureFile};
use crate::record::Record;
use crate::render::Parsed;
use crate::render::delivery::{self, Answer, Delivery, DeliveryTable, Findings, Via};
use crate::render::words::plural;
use crate::secret::Secret;
use crate::settings::Settings;
use crate::subscribe::discovery::Discovery;
use crate::subscribe::url::Domain;
use crate::subscribe::{self, Handler, Message, Stop, capture};

pub const APP_ID_ENV: &str = "LARK_APP_ID";
/// The acknowledgement of every message.
const ACK: &[u8] = b"{\"code\":200}";
/// Event ids remembered for redelivery flags (the oldest are forgotten).
const REMEMBERED: usize = 100_000;
/// Messages waiting to be shown, at most.
const BACKLOG: usize = 1024;

pub fn run(
    args: &SubscribeArgs,
    settings: &Settings,
    out: &mut dyn Write,
    report: &mut Reporter,
) -> anyhow::Result<ExitStatus> {
    let (discovery, stop) = start(args, settings)?;
    let (send, shown) = sync_channel(BACKLOG);
    let mut handler = Receiving {
        key: settings.encrypt_key.clone(),
        capture: args.capture.as_deref().map(CaptureFile::open).transpose()?,
        types: args.event_type.clone(),
        max_events: args.max_events,
        seen: Seen::default(),
        counts: Counts::default(),
        send,
    };
    let stop_flag = stop.flag.clone();
    let (outcome, counts) = std::thread::scope(|scope| {
        let network = scope.spawn(move || {
            let outcome = subscribe::run(&discovery, &mut handler, &stop);
            (outcome, handler.counts)
        });
        let shown = show_all(shown, settings, out, report);
        if shown.is_err() {
            // Nobody reads any more (`| head`): stop, rather than wait.
            stop_flag.store(true, std::sync::atomic::Ordering::SeqCst);
        }
        let joined = network.join();
        shown.map(|()| joined)
    })?
    .map_err(|_| anyhow::anyhow!("the network thread panicked"))?;
    let summary = outcome.map_err(|e| anyhow::anyhow!("{e}"))?;
    diagnostics::status(format_args!(
        "stopped: {} received, {} shown, {}, {}",
        plural(counts.received as usize, "message"),
        counts.shown,
        plural(counts.duplicates as usize, "duplicate"),
        plural(summary.reconnects as usize, "reconnect")
    ));
    Ok(report.status(ExitStatus::Success))
}

/// Checks the flags and credentials, and says what is about to happen.
fn start(args: &SubscribeArgs, settings: &Settings) -> anyhow::Result<(Discovery, Stop)> {
    let domain = Domain::parse(&args.domain).map_err(anyhow::Error::msg)?;
    let app_id = match &args.app.app_id {
        Some(id) => id.clone(),
        None => std::env::var(APP_ID_ENV).unwrap_or_default(),
    };
    if app_id.is_empty() {
        anyhow::bail!(
            "no App ID: give --app-id or set {APP_ID_ENV} (cli_..., on the app's Credentials page)"
        );
    }
    let Some(secret) = settings.app_secret.as_ref() else {
        anyhow::bail!(
            "no App Secret: set LARK_APP_SECRET or give --app-secret-file (on the app's Credentials page)"
        );
    };
    if args.max_events == Some(0) {
        anyhow::bail!("--max-events must be at least 1");
    }
    let deadline = match args.timeout {
        None => None,
        Some(s) => Some(Instant::now() + super::seconds("--timeout", s)?),
    };
    let discovery = Discovery::new(&domain, &app_id, secret)?;
    diagnostics::note(
        "the platform splits an app's events among all its long connections at random: \
         another running client of this app (a colleague's, a server's) takes a share of them",
    );
    diagnostics::status(format_args!(
        "connecting to {domain} as {app_id}{}",
        args.capture
            .as_ref()
            .map_or(String::new(), |p| format!(", capturing to {}", p.display()))
    ));
    let stop = Stop {
        flag: listen::stop_on_ctrl_c(),
        deadline,
    };
    Ok((discovery, stop))
}

/// How many of what.
#[derive(Debug, Default, Clone, Copy)]
struct Counts {
    received: u64,
    /// Messages shown: events, and payloads that are not one.
    shown: u64,
    /// Events shown (what `--max-events` counts).
    events: u64,
    duplicates: u64,
}

/// Event ids seen in this run, the oldest forgotten past [`REMEMBERED`].
#[derive(Default)]
struct Seen {
    ids: HashSet<String>,
    order: VecDeque<String>,
}

impl Seen {
    /// Whether `id` was seen before; remembers it.
    fn again(&mut self, id: &str) -> bool {
        if self.ids.contains(id) {
            return true;
        }
        if self.order.len() >= REMEMBERED
            && let Some(old) = self.order.pop_front()
        {
            self.ids.remove(&old);
        }
        self.ids.insert(id.to_string());
        self.order.push_back(id.to_string());
        false
    }
}

/// A message read, captured and acknowledged, for the main thread to show.
struct Shown {
    message: Message,
    found: Found,
    elapsed: Duration,
    answered: bool,
}

/// What was found in a message before its acknowledgement; `None` for one
/// filtered out (`--event-type`).
type Decided = Option<Box<Found>>;

struct Found {
    location: Location,
    record: Result<Record, RecordError>,
    event: Option<Result<Event, RecordError>>,
    duplicate: bool,
    not_captured: Option<String>,
}

/// The network thread's side: reads, filters, captures.
struct Receiving {
    key: Option<Secret>,
    capture: Option<CaptureFile>,
    types: Vec<String>,
    max_events: Option<u64>,
    seen: Seen,
    counts: Counts,
    send: SyncSender<Shown>,
}

impl Handler for Receiving {
    type Decided = Decided;

    fn received(&mut self, message: &Message) -> (Decided, u16) {
        self.counts.received += 1;
        let location = match &self.capture {
            Some(file) => file.next_location(),
            None => Location::new(Arc::from("message"), self.counts.received),
        };
        let (line, payload) = capture::record(message, location.clone());
        let record = payload.and_then(|p| p.decode(self.key.as_ref()));
        let event = record
            .as_ref()
            .ok()
            .map(|r| Event::of_record(r, Detail::Full));
        let event_type = event
            .as_ref()
            .and_then(|e| e.as_ref().ok())
            .and_then(|e| e.envelope.event_type.clone());
        if let Some(t) = &event_type
            && !self.types.is_empty()
            && !self.types.contains(t)
        {
            return (None, 200);
        }
        let not_captured = self.capture.as_mut().and_then(|file| {
            let mut line = line;
            line.push(b'\n');
            file.append_line(&line).err().map(|e| e.to_string())
        });
        let duplicate = event
            .as_ref()
            .and_then(|e| e.as_ref().ok())
            .and_then(|e| e.envelope.event_id.as_deref())
            .is_some_and(|id| self.seen.again(id));
        self.counts.shown += 1;
        self.counts.events += u64::from(matches!(event, Some(Ok(_))));
        self.counts.duplicates += u64::from(duplicate);
        let found = Found {
            location,
            record,
            event,
            duplicate,
            not_captured,
        };
        (Some(Box::new(found)), 200)
    }

    fn acknowledged(
        &mut self,
        message: Message,
        found: Decided,
        elapsed: Duration,
        answered: bool,
    ) {
        if let Some(found) = found {
            let shown = Shown {
                message,
                found: *found,
                elapsed,
                answered,
            };
            // The main thread gone (stdout closed) is no reason to stop acknowledging.
            let _ = self.send.send(shown);
        }
    }

    fn done(&self) -> bool {
        self.max_events.is_some_and(|n| self.counts.events >= n)
    }
}

/// Shows every message the network thread hands over, until it stops.
/// Takes the receiver, so that when it returns early (output closed) the
/// network thread's sends fail instead of blocking.
fn show_all(
    shown: Receiver<Shown>,
    settings: &Settings,
    out: &mut dyn Write,
    report: &mut Reporter,
) -> anyhow::Result<()> {
    let table = (settings.output == OutputFormat::Table)
        .then(|| DeliveryTable::new(settings.style.clone()));
    for Shown {
        message,
        found: s,
        elapsed,
        answered,
    } in shown
    {
        if let Some(e) = &s.not_captured {
            report.error(&RecordError::new(
                s.location.clone(),
                format!("not captured: {e}"),
            ));
        }
        if !answered {
            report.warning(&s.location, "the acknowledgement was not delivered");
        }
        let failure = match (&s.record, &s.event) {
            (Err(e), _) | (Ok(_), Some(Err(e))) => Some(e),
            _ => None,
        };
        if let Some(e) = failure {
            report.warning(
                &s.location,
                format_args!(
                    "{} (acknowledged with 200 all the same, so the platform does not push it again)",
                    e.message
                ),
            );
        }
        let event = match (&s.record, &s.event) {
            (Ok(record), Some(Ok(event))) => Some(Parsed {
                location: &s.location,
                encrypted: record.encrypted(),
                event,
            }),
            _ => None,
        };
        let d = Delivery {
            received_at: message.received_at,
            via: Via::Message {
                message_id: &message.message_id,
                trace_id: message.trace_id.as_deref(),
            },
            findings: Some(Findings {
                location: &s.location,
                event,
                verdict: None,
                skipped: None,
                error: failure.map(|e| e.message.as_str()),
            }),
            answer: Answer {
                status: 200,
                body: ACK,
            },
            forwarded: None,
            elapsed_ms: elapsed.as_millis(),
            note: None,
            duplicate: s.duplicate,
        };
        match &table {
            None => delivery::json_line(out, &settings.style, &d)?,
            Some(table) => {
                table.event(out, &d)?;
                if let Some(parsed) = d.findings.as_ref().and_then(|f| f.event.as_ref()) {
                    for issue in parsed.event.warnings() {
                        report.warning(parsed.location, issue);
                    }
                }
                table.checks(out, &d)?;
            }
        }
        out.flush()?;
    }
    Ok(())
}
