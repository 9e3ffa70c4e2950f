//! Raw HTTP/1.1 request captures in the stream: the request line, header
//! lines (folded ones joined) up to the blank line, and the exact body,
//! `Content-Length` bytes of it, or up to the next request line at column 0.

use std::io::{self, Read};

use super::buffer::{Buffer, trim_eol};
use super::headers::Headers;
use super::message::exceeds_bound;
use super::raw::Raw;

/// Reads the HTTP request capture at the current position, whose first line
/// (at `line`) is a request line ([`is_request_line`]): its headers up to
/// the blank line, and its body (`Content-Length` bytes, or up to the next
/// request line). On success the buffer is past it; a bad capture is
/// `Err(why)`, with the buffer where it was.
pub(super) fn read_capture<R: Read>(
    input: &mut Buffer<R>,
    line: u64,
    max_record: usize,
) -> io::Result<Result<Raw, String>> {
    // Request line.
    let n = input.line_len()?;
    let request = String::from_utf8_lossy(trim_eol(&input.rest()[..n])).into_owned();
    let mut parts = request.split(' ');
    let method = parts.next().unwrap_or_default().to_string();
    let path = parts.next().unwrap_or_default().to_string();
    // Header lines, up to the blank line; offsets relative to pos.
    let mut offset = n;
    let mut headers = Headers::new();
    let mut header_line = line;
    loop {
        header_line += 1;
        if offset > max_record {
            return bad(format!(
                "HTTP capture: headers exceed the {} byte bound",
                max_record
            ));
        }
        let len = input.line_len_at(offset)?;
        if len > max_record {
            return bad(format!(
                "HTTP capture: header line {header_line} exceeds the {} byte bound",
                max_record
            ));
        }
        if len == 0 || input.rest()[offset + len - 1] != b'\n' {
            return bad("truncated HTTP capture: no blank line after the headers");
        }
        let raw_line = trim_eol(&input.rest()[offset..offset + len]);
        offset += len;
        if raw_line.is_empty() {
            break;
        }
        let text = String::from_utf8_lossy(raw_line);
        if text.starts_with([' ', '\t']) {
            // Obsolete line folding: a continuation of the previous value.
            if let Some(value) = headers.last_value_mut() {
                value.push(' ');
                value.push_str(text.trim());
                continue;
            }
        }
        let Some((name, value)) = text.split_once(':') else {
            return bad(format!(
                "HTTP capture: header line {header_line} has no ':'"
            ));
        };
        let name = name.trim();
        if name.is_empty() || name.contains(char::is_whitespace) {
            return bad(format!(
                "HTTP capture: header line {header_line} has no valid name"
            ));
        }
        headers.push(name, value.trim());
    }
    if headers
        .get("transfer-encoding")
        .is_some_and(|te| te.to_ascii_lowercase().contains("chunked"))
    {
        return bad(
            "HTTP capture: chunked transfer encoding is not supported (capture the decoded body with a Content-Length)",
        );
    }
    let lengths: Vec<&str> = headers.get_all("content-length").collect();
    let body_len = match lengths.as_slice() {
        [] => None,
        [first, rest @ ..] if rest.iter().all(|v| v == first) => match first.parse::<usize>() {
            Ok(n) => Some(n),
            Err(_) => {
                return bad(format!(
                    "HTTP capture: Content-Length {first:?} is not a number"
                ));
            }
        },
        _ => {
            return bad("HTTP capture: conflicting Content-Length headers");
        }
    };
    let body_len = match body_len {
        Some(n) => {
            if n > max_record {
                return bad(exceeds_bound(
                    &format!("HTTP capture: Content-Length {n}"),
                    max_record,
                ));
            }
            // Saturating: the bound may be as large as usize, and a
            // length that large is truncated input in any case.
            if !input.want(offset.saturating_add(n))? {
                let have = input.available() - offset;
                return bad(format!(
                    "truncated HTTP capture: Content-Length is {n} but only {have} bytes follow"
                ));
            }
            n
        }
        None => match body_to_next_request(input, max_record, offset)? {
            Some(n) => n,
            None => {
                return bad(exceeds_bound("HTTP capture: body", max_record));
            }
        },
    };
    let body = input.rest()[offset..offset + body_len].to_vec();
    input.advance(offset + body_len);
    Ok(Ok(Raw::Http {
        method,
        path,
        headers,
        body,
    }))
}

/// Without a Content-Length the body runs to the next request line at
/// column 0, or to the end of input. `None` when it exceeds the bound.
fn body_to_next_request<R: Read>(
    input: &mut Buffer<R>,
    max_record: usize,
    offset: usize,
) -> io::Result<Option<usize>> {
    let mut at = offset;
    loop {
        let n = input.line_len_at(at)?;
        let line = &input.rest()[at..at + n];
        if n == 0 || is_request_line(line) {
            return Ok(Some(at - offset));
        }
        at += n;
        if at - offset > max_record {
            return Ok(None);
        }
    }
}

/// `METHOD SP target SP HTTP/x.y`, with an optional CR before the LF.
pub fn is_request_line(line: &[u8]) -> bool {
    let line = trim_eol(line);
    let mut parts = line.split(|&b| b == b' ');
    let (Some(method), Some(target), Some(version), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return false;
    };
    !method.is_empty()
        && method.len() <= 16
        && method.iter().all(u8::is_ascii_uppercase)
        && !target.is_empty()
        && version.starts_with(b"HTTP/")
        && version.len() > 5
        && version[5..]
            .iter()
            .all(|b| b.is_ascii_digit() || *b == b'.')
}

/// A bad capture, and why.
fn bad<T>(why: impl Into<String>) -> io::Result<Result<T, String>> {
    Ok(Err(why.into()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_line_detection() {
        assert!(is_request_line(b"POST /webhook HTTP/1.1\r\n"));
        assert!(is_request_line(b"GET / HTTP/2"));
        assert!(!is_request_line(b"POST /webhook\n"));
        assert!(!is_request_line(b"post / HTTP/1.1"));
        assert!(!is_request_line(b"POST / HTTP/1.1 extra"));
    }
}
