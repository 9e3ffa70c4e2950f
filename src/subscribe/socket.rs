//! Dialling the WebSocket: TCP, TLS for `wss://` (rustls), and the
//! upgrade (`tungstenite`, over our own stream so that every read is
//! bounded by a timeout). A refused upgrade is classified from its
//! `Handshake-Status`, `Handshake-Msg` and `Handshake-Autherrcode`
//! headers: 403, and 514 with 1000040350 (too many connections), are
//! fatal; anything else is worth another attempt.

use std::io::{self, Read, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::sync::Arc;
use std::time::Duration;

use rustls::pki_types::ServerName;
use tungstenite::client::IntoClientRequest;
use tungstenite::handshake::HandshakeError;
use tungstenite::protocol::WebSocketConfig;
use tungstenite::{WebSocket, http};

use super::discovery::Failure;
use super::frame::MAX_FRAME;
use super::url::WsUrl;

/// How long dialling and the upgrade may take.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(15);
/// How long one write may block before the connection is taken for dead.
const WRITE_TIMEOUT: Duration = Duration::from_secs(10);
/// The too-many-connections sub-code of a 514.
const EXCEED_CONN_LIMIT: i64 = 1_000_040_350;

/// A TCP stream, over TLS or not.
pub enum Stream {
    Plain(TcpStream),
    Tls(Box<rustls::StreamOwned<rustls::ClientConnection, TcpStream>>),
}

impl Stream {
    fn tcp(&self) -> &TcpStream {
        match self {
            Stream::Plain(s) => s,
            Stream::Tls(s) => &s.sock,
        }
    }

    /// Bounds every read by `timeout`, after which a read reports
    /// `WouldBlock` (or `TimedOut`) and can be tried again.
    pub fn set_read_timeout(&self, timeout: Duration) -> io::Result<()> {
        self.tcp().set_read_timeout(Some(timeout))
    }
}

impl Read for Stream {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self {
            Stream::Plain(s) => s.read(buf),
            Stream::Tls(s) => s.read(buf),
        }
    }
}

impl Write for Stream {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Stream::Plain(s) => s.write(buf),
            Stream::Tls(s) => s.write(buf),
        }
    }
    fn flush(&mut self) -> io::Result<()> {
        match self {
            Stream::Plain(s) => s.flush(),
            Stream::Tls(s) => s.flush(),
        }
    }
}

/// Dials `url` and upgrades to a WebSocket.
pub fn connect(url: &WsUrl) -> Result<WebSocket<Stream>, Failure> {
    let retry = |what: &str, e: &dyn std::fmt::Display| {
        Failure::Retry(format!(
            "connecting to {}:{}: {what}: {e}",
            url.host, url.port
        ))
    };
    let addrs: Vec<_> = (url.host.as_str(), url.port)
        .to_socket_addrs()
        .map_err(|e| retry("cannot resolve the host", &e))?
        .collect();
    let mut last = None;
    let mut tcp = None;
    for addr in addrs {
        match TcpStream::connect_timeout(&addr, CONNECT_TIMEOUT) {
            Ok(s) => {
                tcp = Some(s);
                break;
            }
            Err(e) => last = Some(e),
        }
    }
    let tcp = match (tcp, last) {
        (Some(tcp), _) => tcp,
        (None, Some(e)) => return Err(retry("cannot connect", &e)),
        (None, None) => return Err(retry("cannot resolve the host", &"no address")),
    };
    let _ = tcp.set_nodelay(true);
    tcp.set_read_timeout(Some(CONNECT_TIMEOUT))
        .and_then(|()| tcp.set_write_timeout(Some(WRITE_TIMEOUT)))
        .map_err(|e| retry("cannot set timeouts", &e))?;
    let stream = if url.tls {
        let config = super::tls::client_config().map_err(|e| retry("TLS", &e))?;
        let name =
            ServerName::try_from(url.host.clone()).map_err(|e| retry("TLS server name", &e))?;
        let conn = rustls::ClientConnection::new(Arc::clone(&config), name)
            .map_err(|e| retry("TLS", &e))?;
        Stream::Tls(Box::new(rustls::StreamOwned::new(conn, tcp)))
    } else {
        Stream::Plain(tcp)
    };
    let request = url
        .expose()
        .into_client_request()
        .map_err(|e| retry("the URL cannot be requested", &e))?;
    let config = WebSocketConfig::default()
        .max_message_size(Some(MAX_FRAME))
        .max_frame_size(Some(MAX_FRAME));
    match tungstenite::client::client_with_config(request, stream, Some(config)) {
        Ok((ws, _response)) => Ok(ws),
        Err(HandshakeError::Failure(tungstenite::Error::Http(response))) => {
            Err(refused(response.status(), response.headers()))
        }
        Err(HandshakeError::Failure(e)) => Err(retry("the upgrade failed", &e)),
        Err(HandshakeError::Interrupted(_)) => Err(retry("the upgrade", &"timed out")),
    }
}

/// A refused upgrade, classified from its handshake headers.
pub fn refused(status: http::StatusCode, headers: &http::HeaderMap) -> Failure {
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::trim)
    };
    let code = header("handshake-status").and_then(|s| s.parse::<i64>().ok());
    let msg = header("handshake-msg").unwrap_or("");
    let auth = header("handshake-autherrcode").and_then(|s| s.parse::<i64>().ok());
    let said = if msg.is_empty() {
        String::new()
    } else {
        format!(" ({msg:?})")
    };
    match (code, auth) {
        (Some(403), _) => Failure::Fatal {
            code: 403,
            message: format!(
                "the platform refused the connection: 403{said}: the app may not use the long \
                 connection; check that it is a self-built app whose event subscription mode is \
                 the long connection, and its App ID and App Secret"
            ),
        },
        (Some(514), Some(EXCEED_CONN_LIMIT)) => Failure::Fatal {
            code: EXCEED_CONN_LIMIT,
            message: format!(
                "the platform refused the connection: 514, sub-code {EXCEED_CONN_LIMIT}{said}: \
                 another 50 connections of this app are open (the platform's limit); stop \
                 other clients of the app and try again"
            ),
        },
        (Some(code), _) => Failure::Retry(format!(
            "the platform refused the upgrade: {code}{said} (HTTP {})",
            status.as_u16()
        )),
        (None, _) => Failure::Retry(format!(
            "the server refused the upgrade with HTTP {}",
            status.as_u16()
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn classify(status: u16, headers: &[(&str, &str)]) -> Failure {
        let mut map = http::HeaderMap::new();
        for (k, v) in headers {
            map.insert(
                http::HeaderName::from_bytes(k.as_bytes()).unwrap(),
                http::HeaderValue::from_str(v).unwrap(),
            );
        }
        refused(http::StatusCode::from_u16(status).unwrap(), &map)
    }

    #[test]
    fn refusals_are_classified_from_their_handshake_headers() {
        let fatal = |f: Failure| match f {
            Failure::Fatal { code, .. } => code,
            Failure::Retry(why) => panic!("retry: {why}"),
        };
        assert_eq!(
            fatal(classify(
                403,
                &[("Handshake-Status", "403"), ("Handshake-Msg", "no")]
            )),
            403
        );
        assert_eq!(
            fatal(classify(
                400,
                &[
                    ("handshake-status", "514"),
                    ("HANDSHAKE-AUTHERRCODE", "1000040350")
                ]
            )),
            EXCEED_CONN_LIMIT
        );
        for retry in [
            classify(
                400,
                &[("Handshake-Status", "514"), ("Handshake-Autherrcode", "1")],
            ),
            classify(500, &[("Handshake-Status", "500")]),
            classify(403, &[]),
        ] {
            assert!(matches!(retry, Failure::Retry(_)));
        }
    }
}
