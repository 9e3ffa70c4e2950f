//! `listen --forward-to`: the exact request relayed to the user's own
//! handler and its answer relayed back; a handler that is not running is a
//! 502 that says why.

mod common;

use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener};
use std::thread::JoinHandle;
use std::time::Duration;

use common::listen::{Secrets, Server, now, post, refs, signed};
use common::*;

/// A stand-in for the user's own handler: answers one request with 202 and
/// hands back what it received.
fn handler() -> (String, JoinHandle<Vec<u8>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    let thread = std::thread::spawn(move || {
        let (mut stream, _) = listener.accept().unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        let mut got = Vec::new();
        let mut buf = [0u8; 8192];
        loop {
            let n = stream.read(&mut buf).unwrap();
            got.extend_from_slice(&buf[..n]);
            let text = String::from_utf8_lossy(&got).to_ascii_lowercase();
            if let Some(end) = text.find("\r\n\r\n") {
                let length: usize = text
                    .lines()
                    .find_map(|l| l.strip_prefix("content-length:"))
                    .map_or(0, |v| v.trim().parse().unwrap());
                if got.len() >= end + 4 + length || n == 0 {
                    break;
                }
            }
            if n == 0 {
                break;
            }
        }
        let body = br#"{"handled":true}"#;
        let answer = format!(
            "HTTP/1.1 202 Accepted\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
            body.len()
        );
        stream.write_all(answer.as_bytes()).unwrap();
        stream.write_all(body).unwrap();
        let _ = stream.shutdown(Shutdown::Write);
        got
    });
    (url, thread)
}

#[test]
fn forwarding_relays_the_handlers_answer() {
    let (url, handler) = handler();
    // Nothing can listen on port 0 (binding it picks another port), so a
    // connection to 127.0.0.1:0 is always refused (ECONNREFUSED on Linux).
    // A port taken from a dropped listener could be handed to another test.
    let closed = "http://127.0.0.1:0/hook";
    let server = Server::start(
        Secrets::KeyAndToken,
        &["-o", "json", "--max-requests", "1", "--forward-to", &url],
    );
    let ts = now();
    let body = read("ticket-updated.json");
    let headers = signed(&ts, &body);
    let (status, answer) = post(&server.base, &refs(&headers), &body);
    assert_eq!((status, answer.as_str()), (202, r#"{"handled":true}"#));
    let done = server.finish();
    assert_eq!(done.code, Some(0), "{}", done.stderr);
    let received = handler.join().unwrap();
    let split = received.windows(4).position(|w| w == b"\r\n\r\n").unwrap();
    assert_eq!(&received[split + 4..], body.as_slice(), "the exact body");
    let head = String::from_utf8_lossy(&received[..split]).to_ascii_lowercase();
    assert!(head.starts_with("post /hook http/1.1"), "{head}");
    for (name, value) in &headers {
        let line = format!(
            "{}: {}",
            name.to_ascii_lowercase(),
            value.to_ascii_lowercase()
        );
        assert!(head.contains(&line), "{line} in {head}");
    }
    let line = &done.json()[0];
    assert_eq!(line["status"], 200, "ours");
    assert_eq!(line["forwarded"]["status"], 202);
    assert_eq!(line["forwarded"]["body"], r#"{"handled":true}"#);

    // A handler that is not running: 502, and the server says why.
    let server = Server::start(
        Secrets::KeyAndToken,
        &["--max-requests", "1", "--forward-to", closed],
    );
    let (status, answer) = post(&server.base, &refs(&headers), &body);
    assert_eq!(status, 502, "{answer}");
    let done = server.finish();
    assert!(done.stderr.contains("forwarding failed"), "{}", done.stderr);
    assert!(
        done.stderr.contains("Connection refused"),
        "{}",
        done.stderr
    );
    assert!(
        done.stdout.contains("your handler did not answer"),
        "{}",
        done.stdout
    );
}
