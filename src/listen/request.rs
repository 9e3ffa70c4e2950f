//! The reading side of just enough HTTP/1.1 to receive webhook callbacks
//! from an untrusted network: one request per connection, a bounded head
//! and body, and one deadline over every read, so no client can stall the
//! receiver for long or make it hold more than the bound in memory. The
//! answer is written by [`super::response`].

use std::io::{self, Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use super::response::{self, Response};

/// How long a client has to send a whole request, head and body.
pub const READ_TIMEOUT: Duration = Duration::from_secs(5);
/// Largest request head (request line and headers).
pub const MAX_HEAD: usize = 64 * 1024;
/// Most headers in one request.
const MAX_HEADERS: usize = 128;
/// Longest chunk-size or trailer line of a chunked body.
const MAX_LINE: usize = 4096;

/// A request line and headers, as received.
#[derive(Debug, Clone)]
pub struct Head {
    pub method: String,
    /// The request target, query string included.
    pub target: String,
    /// Names and values as received, in order.
    pub headers: Vec<(String, String)>,
}

impl Head {
    /// The first value of a header, by case-insensitive name.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The target without its query string.
    pub fn path(&self) -> &str {
        self.target
            .split_once('?')
            .map_or(self.target.as_str(), |(p, _)| p)
    }
}

/// Why a request could not be read; each maps to the status to answer with.
#[derive(Debug)]
pub enum ReadError {
    /// The connection closed before a whole request head arrived (nothing to answer).
    Closed,
    /// Not HTTP/1.x: 400.
    Malformed(String),
    /// The head is over [`MAX_HEAD`] or has too many headers: 431.
    HeadTooLarge,
    /// The body is over the bound: 413. `declared` is the Content-Length, when given.
    BodyTooLarge { declared: Option<u64> },
    /// The deadline passed: 408.
    TimedOut,
    /// Any other socket error (nothing to answer).
    Io(io::Error),
}

impl ReadError {
    /// The status to answer with; `None` when the client is gone.
    pub fn status(&self) -> Option<u16> {
        match self {
            ReadError::Closed | ReadError::Io(_) => None,
            ReadError::Malformed(_) => Some(400),
            ReadError::HeadTooLarge => Some(431),
            ReadError::BodyTooLarge { .. } => Some(413),
            ReadError::TimedOut => Some(408),
        }
    }

    pub fn message(&self, max_body: usize) -> String {
        match self {
            ReadError::Closed => "the client closed the connection".to_string(),
            ReadError::Malformed(why) => format!("not an HTTP/1.1 request: {why}"),
            ReadError::HeadTooLarge => {
                format!("request head over {MAX_HEAD} bytes or {MAX_HEADERS} headers")
            }
            ReadError::BodyTooLarge { declared: Some(n) } => format!(
                "Content-Length {n} is over the {max_body} byte bound (raise it with --max-body-size); the body was not read"
            ),
            ReadError::BodyTooLarge { declared: None } => format!(
                "chunked body over the {max_body} byte bound (raise it with --max-body-size)"
            ),
            ReadError::TimedOut => "the request did not arrive in time".to_string(),
            ReadError::Io(e) => format!("reading the request: {e}"),
        }
    }
}

impl From<io::Error> for ReadError {
    fn from(e: io::Error) -> Self {
        match e.kind() {
            io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut => ReadError::TimedOut,
            _ => ReadError::Io(e),
        }
    }
}

/// One accepted connection: the socket, bytes read ahead of what was
/// consumed, and the deadline for everything read from it.
pub struct Connection {
    stream: TcpStream,
    buf: Vec<u8>,
    pos: usize,
    deadline: Instant,
}

impl Connection {
    pub fn new(stream: TcpStream, timeout: Duration) -> io::Result<Connection> {
        // An accepted socket may inherit the listener's non-blocking mode.
        stream.set_nonblocking(false)?;
        stream.set_write_timeout(Some(timeout))?;
        let _ = stream.set_nodelay(true);
        Ok(Connection {
            stream,
            buf: Vec::with_capacity(8 * 1024),
            pos: 0,
            deadline: Instant::now() + timeout,
        })
    }

    /// Reads more bytes into the buffer; 0 at end of stream.
    fn fill(&mut self) -> Result<usize, ReadError> {
        let left = self
            .deadline
            .checked_duration_since(Instant::now())
            .filter(|d| !d.is_zero())
            .ok_or(ReadError::TimedOut)?;
        self.stream.set_read_timeout(Some(left))?;
        if self.pos > 0 && self.pos == self.buf.len() {
            self.buf.clear();
            self.pos = 0;
        }
        let mut chunk = [0u8; 16 * 1024];
        let n = loop {
            match self.stream.read(&mut chunk) {
                Ok(n) => break n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e.into()),
            }
        };
        self.buf.extend_from_slice(&chunk[..n]);
        Ok(n)
    }

    fn pending(&self) -> &[u8] {
        &self.buf[self.pos..]
    }

    /// Reads the request line and headers.
    pub fn read_head(&mut self) -> Result<Head, ReadError> {
        loop {
            let mut headers = [httparse::EMPTY_HEADER; MAX_HEADERS];
            let mut req = httparse::Request::new(&mut headers);
            match req.parse(self.pending()) {
                Ok(httparse::Status::Complete(len)) => {
                    let head = Head {
                        method: req.method.unwrap_or_default().to_string(),
                        target: req.path.unwrap_or_default().to_string(),
                        headers: req
                            .headers
                            .iter()
                            .map(|h| {
                                (
                                    h.name.to_string(),
                                    String::from_utf8_lossy(h.value).into_owned(),
                                )
                            })
                            .collect(),
                    };
                    self.pos += len;
                    return Ok(head);
                }
                Ok(httparse::Status::Partial) => {}
                Err(httparse::Error::TooManyHeaders) => return Err(ReadError::HeadTooLarge),
                Err(e) => return Err(ReadError::Malformed(e.to_string())),
            }
            if self.pending().len() >= MAX_HEAD {
                return Err(ReadError::HeadTooLarge);
            }
            if self.fill()? == 0 {
                return Err(if self.pending().is_empty() {
                    ReadError::Closed
                } else {
                    ReadError::Malformed("the connection closed inside the request head".into())
                });
            }
        }
    }

    /// Reads the body of `head`, at most `max` bytes: Content-Length bytes,
    /// a decoded chunked body, or nothing when neither is given. A declared
    /// length over `max` is refused before reading any of it.
    pub fn read_body(&mut self, head: &Head, max: usize) -> Result<Vec<u8>, ReadError> {
        let chunked = match head.header("Transfer-Encoding") {
            None => false,
            Some(te) if te.trim().eq_ignore_ascii_case("chunked") => true,
            Some(te) => {
                return Err(ReadError::Malformed(format!(
                    "unsupported Transfer-Encoding {te:?}"
                )));
            }
        };
        let length = if chunked { None } else { content_length(head)? };
        if let Some(n) = length
            && n > max as u64
        {
            return Err(ReadError::BodyTooLarge { declared: Some(n) });
        }
        if head
            .header("Expect")
            .is_some_and(|e| e.eq_ignore_ascii_case("100-continue"))
        {
            // The client waits for this before sending the body.
            self.stream.write_all(b"HTTP/1.1 100 Continue\r\n\r\n")?;
        }
        if chunked {
            return self.read_chunked(max);
        }
        let n = usize::try_from(length.unwrap_or(0)).unwrap_or(usize::MAX);
        self.take(n)
    }

    /// Exactly `n` more bytes.
    fn take(&mut self, n: usize) -> Result<Vec<u8>, ReadError> {
        while self.pending().len() < n {
            if self.fill()? == 0 {
                return Err(ReadError::Malformed(format!(
                    "the connection closed after {} of {n} body bytes",
                    self.pending().len()
                )));
            }
        }
        let bytes = self.pending()[..n].to_vec();
        self.pos += n;
        Ok(bytes)
    }

    /// One line without its CRLF (or LF).
    fn line(&mut self) -> Result<Vec<u8>, ReadError> {
        loop {
            if let Some(i) = memchr::memchr(b'\n', self.pending()) {
                let mut line = self.pending()[..i].to_vec();
                self.pos += i + 1;
                if line.last() == Some(&b'\r') {
                    line.pop();
                }
                return Ok(line);
            }
            if self.pending().len() > MAX_LINE {
                return Err(ReadError::Malformed("chunk line too long".into()));
            }
            if self.fill()? == 0 {
                return Err(ReadError::Malformed(
                    "the connection closed inside a chunked body".into(),
                ));
            }
        }
    }

    fn read_chunked(&mut self, max: usize) -> Result<Vec<u8>, ReadError> {
        let mut body = Vec::new();
        loop {
            let line = self.line()?;
            let text = String::from_utf8_lossy(&line);
            let size = text.split(';').next().unwrap_or_default().trim();
            let size = u64::from_str_radix(size, 16)
                .map_err(|_| ReadError::Malformed(format!("bad chunk size {size:?}")))?;
            if size == 0 {
                // Trailers, up to the empty line.
                while !self.line()?.is_empty() {}
                return Ok(body);
            }
            if size > (max - body.len()) as u64 {
                return Err(ReadError::BodyTooLarge { declared: None });
            }
            let chunk = self.take(size as usize)?;
            body.extend_from_slice(&chunk);
            if !self.line()?.is_empty() {
                return Err(ReadError::Malformed("chunk not followed by CRLF".into()));
            }
        }
    }

    /// Answers and closes the connection (see [`response::send`]).
    pub fn respond(self, response: &Response) -> io::Result<()> {
        response::send(self.stream, response)
    }
}

fn content_length(head: &Head) -> Result<Option<u64>, ReadError> {
    let mut length = None;
    for (name, value) in &head.headers {
        if !name.eq_ignore_ascii_case("Content-Length") {
            continue;
        }
        let value = value.trim();
        let n = if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) {
            // All digits: only too many of them fails, and that is too large.
            value.parse::<u64>().unwrap_or(u64::MAX)
        } else {
            return Err(ReadError::Malformed(format!(
                "bad Content-Length {value:?}"
            )));
        };
        if length.is_some_and(|l| l != n) {
            return Err(ReadError::Malformed(
                "conflicting Content-Length headers".into(),
            ));
        }
        length = Some(n);
    }
    Ok(length)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::{Shutdown, TcpListener};

    /// Sends `raw` to a fresh connection and reads one request from it.
    fn exchange(raw: &[u8], max: usize) -> Result<(Head, Vec<u8>), ReadError> {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let mut client = TcpStream::connect(listener.local_addr().unwrap()).unwrap();
        client.write_all(raw).unwrap();
        client.shutdown(Shutdown::Write).unwrap();
        let (stream, _) = listener.accept().unwrap();
        let mut conn = Connection::new(stream, Duration::from_secs(2)).unwrap();
        let head = conn.read_head()?;
        let body = conn.read_body(&head, max)?;
        Ok((head, body))
    }

    #[test]
    fn content_length_body_is_exact() {
        let (head, body) = exchange(
            b"POST /e?x=1 HTTP/1.1\r\nX-Lark-Signature: ab\r\nContent-Length: 3\r\n\r\n{}\n",
            10,
        )
        .unwrap();
        assert_eq!(head.method, "POST");
        assert_eq!(head.path(), "/e");
        assert_eq!(head.header("x-lark-signature"), Some("ab"));
        assert_eq!(head.headers[0].0, "X-Lark-Signature");
        assert_eq!(body, b"{}\n");
    }

    #[test]
    fn chunked_bodies_are_decoded_and_bounded() {
        let raw = b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n1;x=y\r\n\n\r\n0\r\n\r\n";
        assert_eq!(exchange(raw, 3).unwrap().1, b"{}\n");
        assert!(matches!(
            exchange(raw, 2),
            Err(ReadError::BodyTooLarge { declared: None })
        ));
    }

    #[test]
    fn bad_requests_are_named() {
        assert!(matches!(
            exchange(
                b"POST / HTTP/1.1\r\nContent-Length: 99999999999999999999999\r\n\r\n",
                10
            ),
            Err(ReadError::BodyTooLarge { .. })
        ));
        assert!(matches!(
            exchange(b"POST / HTTP/1.1\r\nContent-Length: -1\r\n\r\n", 10),
            Err(ReadError::Malformed(_))
        ));
        assert!(matches!(
            exchange(b"garbage\r\n\r\n", 10),
            Err(ReadError::Malformed(_))
        ));
        assert!(matches!(exchange(b"", 10), Err(ReadError::Closed)));
        assert!(matches!(
            exchange(b"POST / HTTP/1.1\r\nContent-Length: 5\r\n\r\n{}", 10),
            Err(ReadError::Malformed(_))
        ));
    }
}
