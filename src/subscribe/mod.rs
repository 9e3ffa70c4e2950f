//! The client behind `subscribe`: events over the long connection.
//! Endpoint discovery ([`discovery`]) gives a WebSocket URL ([`url`]) to
//! dial ([`socket`], TLS in [`tls`]); a [`session`] then pings, applies the
//! server's ClientConfig ([`config`]), reassembles fragments
//! ([`fragments`]) of protobuf frames ([`frame`]) and answers each
//! message. When the connection is lost the client rediscovers and
//! reconnects as the ClientConfig says; fatal answers end the run.
//!
//! What a message means (an event to capture and show) is the caller's:
//! a [`Handler`] decides before the reply and hears of the reply after.

pub mod capture;
pub mod config;
pub mod discovery;
pub mod fragments;
pub mod frame;
pub mod session;
pub mod socket;
pub mod tls;
pub mod url;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use config::ClientConfig;
use discovery::{Discovery, Failure};
use session::{Ended, Session};

use crate::diagnostics;

/// One whole message from the server.
#[derive(Clone, Debug)]
pub struct Message {
    /// When it was whole, in ms since the epoch.
    pub received_at: i64,
    pub message_id: String,
    pub trace_id: Option<String>,
    /// The `type` header: `event`, `card`.
    pub kind: String,
    /// The headers of the frame that completed it, in order.
    pub headers: Vec<(String, String)>,
    /// The payload, its fragments joined.
    pub payload: Vec<u8>,
}

/// What the caller does with messages.
pub trait Handler {
    /// What [`Handler::received`] decided, handed back to
    /// [`Handler::acknowledged`].
    type Decided;

    /// Before the reply: decide (and capture) the message; the status to
    /// answer with (200, or 500 to have it pushed again).
    fn received(&mut self, message: &Message) -> (Self::Decided, u16);

    /// After the reply: `answered` is whether it was written.
    fn acknowledged(
        &mut self,
        message: Message,
        decided: Self::Decided,
        elapsed: Duration,
        answered: bool,
    );

    /// Whether the run has what it came for (`--max-events`).
    fn done(&self) -> bool;
}

/// When the run stops: Ctrl-C (the flag), `--timeout` (the deadline), or
/// the handler being done.
pub struct Stop {
    pub flag: Arc<AtomicBool>,
    pub deadline: Option<Instant>,
}

impl Stop {
    pub fn now<H: Handler + ?Sized>(&self, handler: &H) -> bool {
        self.flag.load(Ordering::SeqCst)
            || self.deadline.is_some_and(|d| Instant::now() >= d)
            || handler.done()
    }

    /// Sleeps for `wait` unless the run stops first; returns whether it
    /// did not.
    fn sleep<H: Handler + ?Sized>(&self, handler: &H, wait: Duration) -> bool {
        let until = Instant::now() + wait;
        loop {
            if self.now(handler) {
                return false;
            }
            let left = until.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return true;
            }
            std::thread::sleep(left.min(Duration::from_millis(50)));
        }
    }
}

/// How a run went.
#[derive(Debug, Default)]
pub struct Summary {
    /// Connections made after the first.
    pub reconnects: u64,
}

/// Why the run could not go on.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct Fatal(pub String);

/// Receives messages until the run stops: discovers, connects, runs a
/// session, and after a lost connection waits (a random share of
/// ReconnectNonce before the first attempt, ReconnectInterval between
/// later ones) and starts over, up to ReconnectCount attempts.
pub fn run<H: Handler>(
    discovery: &Discovery,
    handler: &mut H,
    stop: &Stop,
) -> Result<Summary, Fatal> {
    let mut config = ClientConfig::default();
    let mut summary = Summary::default();
    let mut connected = false;
    // Attempts since the last connection was up.
    let mut attempt: u64 = 0;
    loop {
        if attempt > 0 {
            if let Some(most) = config.reconnect_count
                && attempt > most
            {
                return Err(Fatal(format!(
                    "gave up after {most} reconnect attempt(s), as the server's ClientConfig \
                     (ReconnectCount) allows"
                )));
            }
            let wait = if attempt == 1 {
                random_up_to(config.reconnect_nonce)
            } else {
                config.reconnect_interval
            };
            diagnostics::status(format_args!(
                "reconnecting in {:.1} s (attempt {attempt}{})",
                wait.as_secs_f64(),
                config
                    .reconnect_count
                    .map_or(String::new(), |n| format!(" of {n}"))
            ));
            if !stop.sleep(handler, wait) {
                return Ok(summary);
            }
        }
        if stop.now(handler) {
            return Ok(summary);
        }
        attempt += 1;
        let endpoint = match discovery.discover() {
            Ok(e) => e,
            Err(Failure::Fatal { message, .. }) => return Err(Fatal(message)),
            Err(Failure::Retry(why)) => {
                diagnostics::status(format_args!("cannot connect: {why}"));
                continue;
            }
        };
        if let Some(c) = &endpoint.config {
            config.apply(c);
        }
        let ws = match socket::connect(&endpoint.url) {
            Ok(ws) => ws,
            Err(Failure::Fatal { message, .. }) => return Err(Fatal(message)),
            Err(Failure::Retry(why)) => {
                diagnostics::status(format_args!("cannot connect: {why}"));
                continue;
            }
        };
        let device = endpoint
            .url
            .device_id
            .as_deref()
            .map_or(String::new(), |d| format!(", device {d}"));
        if connected {
            summary.reconnects += 1;
            diagnostics::status(format_args!("reconnected to {}{device}", endpoint.url));
        } else {
            connected = true;
            diagnostics::status(format_args!(
                "ready: connected to {}{device}; receiving events",
                endpoint.url
            ));
        }
        match Session::new(ws, endpoint.url.service_id, &mut config).run(handler, stop) {
            Ended::Stopped => return Ok(summary),
            Ended::Lost(why) => {
                diagnostics::status(format_args!("disconnected: {why}"));
                attempt = 1;
            }
        }
    }
}

/// A random wait from zero to `most`.
fn random_up_to(most: Duration) -> Duration {
    let ms = most.as_millis().min(u128::from(u64::MAX)) as u64;
    if ms == 0 {
        return Duration::ZERO;
    }
    let r = getrandom::u64().unwrap_or(0);
    Duration::from_millis(r % (ms + 1))
}
