//! One connection, from the upgrade until it is lost or the run stops:
//! pings (at once, then every PingInterval) naming the URL's service_id,
//! pongs whose ClientConfig is applied at once, fragments reassembled,
//! and one reply per whole message. For each message the handler decides
//! first (capturing it), the reply goes out next, and the handler hears
//! of the reply last: nothing shown can delay an acknowledgement.

use std::io;
use std::time::{Duration, Instant};

use tungstenite::{Message as WsMessage, WebSocket};

use super::config::ClientConfig;
use super::fragments::{Fragments, Taken};
use super::frame::{CONTROL, DATA, Frame};
use super::socket::Stream;
use super::{Handler, Message, Stop};
use crate::diagnostics;

/// How often a blocked read wakes to send pings and look at the clock.
const TICK: Duration = Duration::from_millis(100);

/// How a connection ended.
#[derive(Debug)]
pub enum Ended {
    /// The run is over (Ctrl-C, --timeout, --max-events).
    Stopped,
    /// The connection is gone, and why: reconnect.
    Lost(String),
}

pub struct Session<'a> {
    ws: WebSocket<Stream>,
    service_id: i32,
    config: &'a mut ClientConfig,
    fragments: Fragments,
}

impl<'a> Session<'a> {
    pub fn new(ws: WebSocket<Stream>, service_id: i32, config: &'a mut ClientConfig) -> Self {
        Session {
            ws,
            service_id,
            config,
            fragments: Fragments::default(),
        }
    }

    pub fn run<H: Handler>(mut self, handler: &mut H, stop: &Stop) -> Ended {
        if let Err(e) = self.ws.get_ref().set_read_timeout(TICK) {
            return Ended::Lost(format!("cannot set a read timeout: {e}"));
        }
        let mut last_ping = Instant::now();
        if let Err(e) = self.send(&Frame::ping(self.service_id)) {
            return Ended::Lost(format!("sending a ping failed: {e}"));
        }
        let mut heard = Instant::now();
        loop {
            if stop.now(handler) {
                let _ = self.ws.close(Some(tungstenite::protocol::CloseFrame {
                    code: tungstenite::protocol::frame::coding::CloseCode::Normal,
                    reason: "".into(),
                }));
                let _ = self.ws.flush();
                return Ended::Stopped;
            }
            let now = Instant::now();
            if now.saturating_duration_since(last_ping) >= self.config.ping_interval {
                if let Err(e) = self.send(&Frame::ping(self.service_id)) {
                    return Ended::Lost(format!("sending a ping failed: {e}"));
                }
                last_ping = now;
            }
            let silence = now.saturating_duration_since(heard);
            if silence > self.config.silence_limit() {
                return Ended::Lost(format!(
                    "nothing received for {} s (pings every {} s): the connection is dead",
                    silence.as_secs(),
                    self.config.ping_interval.as_secs()
                ));
            }
            let dropped = self.fragments.expire(now);
            if dropped > 0 {
                diagnostics::warning(format_args!(
                    "dropped {dropped} partly received message(s): no fragment for {} s",
                    super::fragments::STALE.as_secs()
                ));
            }
            match self.ws.read() {
                Ok(WsMessage::Binary(bytes)) => {
                    heard = Instant::now();
                    if let Err(e) = self.frame(&bytes, handler) {
                        return Ended::Lost(format!("sending a reply failed: {e}"));
                    }
                }
                Ok(_) => heard = Instant::now(),
                Err(tungstenite::Error::Io(e))
                    if matches!(
                        e.kind(),
                        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
                    ) => {}
                Err(tungstenite::Error::ConnectionClosed | tungstenite::Error::AlreadyClosed) => {
                    return Ended::Lost("the server closed the connection".to_string());
                }
                Err(e) => return Ended::Lost(format!("reading failed: {e}")),
            }
        }
    }

    fn send(&mut self, frame: &Frame) -> tungstenite::Result<()> {
        self.ws.send(WsMessage::binary(frame.to_bytes()))
    }

    /// One binary message from the server.
    fn frame<H: Handler>(&mut self, bytes: &[u8], handler: &mut H) -> tungstenite::Result<()> {
        let frame = match Frame::decode_bytes(bytes) {
            Ok(f) => f,
            Err(e) => {
                diagnostics::warning(format_args!(
                    "ignored a {}-byte frame that is not a pbbp2 Frame: {e}",
                    bytes.len()
                ));
                return Ok(());
            }
        };
        match frame.method {
            CONTROL => {
                if frame.header("type") == Some("pong")
                    && let Some(payload) = frame.payload.as_deref().filter(|p| !p.is_empty())
                {
                    match serde_json::from_slice(payload) {
                        Ok(value) if self.config.apply(&value) => {}
                        _ => diagnostics::warning(
                            "ignored a pong whose ClientConfig is not a JSON object",
                        ),
                    }
                }
                Ok(())
            }
            DATA => match self.fragments.take(frame, Instant::now()) {
                Taken::Whole {
                    frame,
                    message_id,
                    payload,
                } => self.message(frame, message_id, payload, handler),
                Taken::Partial => Ok(()),
                Taken::Refused(why) => {
                    diagnostics::warning(why);
                    Ok(())
                }
            },
            _ => Ok(()),
        }
    }

    /// A whole message: decided and captured, answered, then handed on.
    fn message<H: Handler>(
        &mut self,
        frame: Frame,
        message_id: String,
        payload: Vec<u8>,
        handler: &mut H,
    ) -> tungstenite::Result<()> {
        let started = Instant::now();
        let message = Message {
            received_at: jiff::Timestamp::now().as_millisecond(),
            message_id,
            trace_id: frame.header("trace_id").map(str::to_string),
            kind: frame.header("type").unwrap_or("").to_string(),
            headers: frame
                .headers
                .iter()
                .map(|h| (h.key.clone(), h.value.clone()))
                .collect(),
            payload,
        };
        let (decided, status) = handler.received(&message);
        let reply = frame.reply(status, started.elapsed().as_millis());
        let sent = self.send(&reply);
        handler.acknowledged(message, decided, started.elapsed(), sent.is_ok());
        sent
    }
}
