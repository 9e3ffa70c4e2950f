//! The answering side of the receiver's HTTP/1.1: what to answer, and
//! writing it on a connection that is then closed, with the client's
//! unread bytes drained so the answer is not lost to a reset.

use std::io::{self, Read, Write};
use std::net::{Shutdown, TcpStream};
use std::time::{Duration, Instant};

/// How long unread bytes are drained after answering, at most.
const LINGER: Duration = Duration::from_millis(300);

/// What to answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    pub status: u16,
    pub content_type: String,
    pub body: Vec<u8>,
}

impl Response {
    pub fn json(status: u16, body: &serde_json::Value) -> Response {
        Response {
            status,
            content_type: "application/json; charset=utf-8".to_string(),
            body: body.to_string().into_bytes(),
        }
    }
}

/// Writes a whole response and closes the connection. Bytes the client is
/// still sending (an unread body) are drained for a moment first: closing
/// a socket with unread data resets the connection, and the client might
/// never see the answer.
pub fn send(mut stream: TcpStream, response: &Response) -> io::Result<()> {
    let head = format!(
        "HTTP/1.1 {} {}\r\nContent-Type: {}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        response.status,
        reason(response.status),
        response.content_type,
        response.body.len()
    );
    // One write: a second small one would wait for the client's delayed
    // ACK of the first (Nagle), 40 ms on Linux.
    let mut whole = head.into_bytes();
    whole.extend_from_slice(&response.body);
    let written = stream.write_all(&whole).and_then(|()| stream.flush());
    let _ = stream.shutdown(Shutdown::Write);
    // Bounded in time, so a client that keeps sending cannot hold the
    // receiver.
    let until = Instant::now() + LINGER;
    let mut sink = [0u8; 16 * 1024];
    while let Some(left) = until
        .checked_duration_since(Instant::now())
        .filter(|d| !d.is_zero())
    {
        let _ = stream.set_read_timeout(Some(left));
        match stream.read(&mut sink) {
            Ok(0) | Err(_) => break,
            Ok(_) => {}
        }
    }
    written
}

/// The reason phrase of the statuses the receiver answers with.
pub fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        400 => "Bad Request",
        401 => "Unauthorized",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        413 => "Content Too Large",
        431 => "Request Header Fields Too Large",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        _ => "",
    }
}
