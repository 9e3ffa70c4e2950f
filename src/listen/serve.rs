//! One request from accept to answer: read (bounded), captured, decided,
//! forwarded to the user's handler when asked, and answered. What happened
//! on the way is kept in the [`Exchange`], for the caller to count, report
//! and show.

use std::io;
use std::net::TcpStream;
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::json;

use super::answer::{self, Outcome};
use super::capture::{self, CaptureFile};
use super::forward::Forwarder;
use super::request::{Connection, Head, READ_TIMEOUT, ReadError};
use super::response::{Response, reason};
use crate::input::Location;
use crate::verify::{Clock, Secrets};

/// The receiver: its settings, and what it keeps across requests.
pub struct Receiver<'a> {
    /// The path events are POSTed to.
    pub path: &'a str,
    pub max_body: usize,
    /// `--max-age`, for the timestamp check.
    pub max_age: Option<u64>,
    pub secrets: Secrets<'a>,
    pub forwarder: Option<Forwarder>,
    pub capture: Option<CaptureFile>,
    /// Requests answered so far.
    pub requests: u64,
}

/// What became of one connection.
pub enum Served {
    /// The client left without a request (nothing answered or counted), or
    /// the connection failed: why.
    Gone(Option<io::Error>),
    Answered(Box<Exchange>),
}

/// One request, answered.
pub struct Exchange {
    /// When it arrived, in ms since the epoch.
    pub received_at: i64,
    /// Its head, when that could be read.
    pub head: Option<Head>,
    /// `request:N`, or the capture line it was written to.
    pub location: Location,
    /// What the receiver itself answers.
    pub ours: Response,
    pub kind: Kind,
    /// The status sent: the handler's when relayed.
    pub sent: u16,
    /// Whether the answer reached the client.
    pub delivered: io::Result<()>,
    /// From accept to answered.
    pub elapsed: Duration,
}

/// What a request was.
pub enum Kind {
    /// For another path, or not POSTed: why, in a word.
    NotForUs(String),
    /// Its head or body could not be read: why.
    Unreadable(String),
    /// An event request, decided.
    Event {
        outcome: Box<Outcome>,
        /// The handler's answer (relayed), or why it could not be had.
        forwarded: Option<Result<Response, String>>,
        /// Why it is not in the capture file.
        not_captured: Option<io::Error>,
    },
}

/// A request read and decided, not yet answered.
struct Decided {
    head: Option<Head>,
    location: Location,
    ours: Response,
    kind: Kind,
}

impl Receiver<'_> {
    /// Reads, decides and answers the request on `stream`.
    pub fn serve(&mut self, stream: TcpStream) -> Served {
        let started = Instant::now();
        let received_at = jiff::Timestamp::now().as_millisecond();
        let mut conn = match Connection::new(stream, READ_TIMEOUT) {
            Ok(conn) => conn,
            Err(e) => return Served::Gone(Some(e)),
        };
        let Decided {
            head,
            location,
            ours,
            kind,
        } = match self.decide(&mut conn, received_at) {
            Ok(decided) => decided,
            Err(gone) => return Served::Gone(gone),
        };
        let relayed;
        let sent = match &kind {
            Kind::Event {
                forwarded: Some(Ok(theirs)),
                ..
            } => theirs,
            Kind::Event {
                forwarded: Some(Err(e)),
                ..
            } => {
                relayed = refusal(
                    502,
                    "forward failed",
                    format!("your handler did not answer: {e}"),
                );
                &relayed
            }
            _ => &ours,
        };
        let status = sent.status;
        let delivered = conn.respond(sent);
        Served::Answered(Box::new(Exchange {
            received_at,
            head,
            location,
            ours,
            kind,
            sent: status,
            delivered,
            elapsed: started.elapsed(),
        }))
    }

    /// Reads the request and decides the answer; `Err` when the client
    /// left without a request.
    fn decide(
        &mut self,
        conn: &mut Connection,
        received_at: i64,
    ) -> Result<Decided, Option<io::Error>> {
        let head = match conn.read_head() {
            Ok(head) => head,
            Err(e) => return self.unreadable(None, e),
        };
        if head.path() != self.path {
            let ours = refusal(404, "not found", format!("events go to {}", self.path));
            let why = format!("not the event path {}", self.path);
            return Ok(self.not_read(Some(head), ours, Kind::NotForUs(why)));
        }
        if head.method != "POST" {
            let ours = refusal(405, "method not allowed", "events are POSTed");
            let why = "events are POSTed".to_string();
            return Ok(self.not_read(Some(head), ours, Kind::NotForUs(why)));
        }
        match conn.read_body(&head, self.max_body) {
            Ok(body) => Ok(self.event(head, &body, received_at)),
            Err(e) => self.unreadable(Some(head), e),
        }
    }

    /// A request whose body was not read: answered with the read error's
    /// status (413, 400, 408...) and not captured.
    fn unreadable(
        &mut self,
        head: Option<Head>,
        error: ReadError,
    ) -> Result<Decided, Option<io::Error>> {
        let Some(status) = error.status() else {
            return Err(match error {
                ReadError::Io(e) => Some(e),
                _ => None,
            });
        };
        let message = error.message(self.max_body);
        let ours = refusal(status, reason(status), &message);
        Ok(self.not_read(head, ours, Kind::Unreadable(message)))
    }

    /// A request not read as a record: counted, not captured.
    fn not_read(&mut self, head: Option<Head>, ours: Response, kind: Kind) -> Decided {
        Decided {
            head,
            location: self.next(),
            ours,
            kind,
        }
    }

    /// An event request: captured, decided, and forwarded when asked.
    fn event(&mut self, head: Head, body: &[u8], received_at: i64) -> Decided {
        let mut location = self.next();
        let mut not_captured = None;
        if let Some(file) = &mut self.capture {
            match file.append(&capture::record(&head, body, received_at)) {
                Ok(line) => location = line,
                Err(e) => not_captured = Some(e),
            }
        }
        let clock = Clock {
            now: received_at.div_euclid(1000),
            max_age: self.max_age,
        };
        let payload = capture::payload(location.clone(), &head, body);
        let outcome = answer::answer(payload, self.secrets, clock);
        let forwarded = self.forwarder.as_ref().map(|f| f.forward(&head, body));
        Decided {
            head: Some(head),
            location,
            ours: outcome.response.clone(),
            kind: Kind::Event {
                outcome: Box::new(outcome),
                forwarded,
                not_captured,
            },
        }
    }

    /// Counts a request and names it `request:N`.
    fn next(&mut self) -> Location {
        self.requests += 1;
        Location::new(Arc::from("request"), self.requests)
    }
}

/// `{"msg","error"}` with the status.
fn refusal(status: u16, msg: &str, error: impl Into<String>) -> Response {
    Response::json(status, &json!({"msg": msg, "error": error.into()}))
}
