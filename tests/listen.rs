//! `listen` as the platform and a developer meet it: the real binary on an
//! ephemeral loopback port, real HTTP requests (ureq, or raw bytes where the
//! wire itself is the point), then the capture file replayed through
//! `verify` and `parse`. Every server is started with `--max-requests` so it
//! stops by itself, and is killed by a guard if a test fails first.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use common::*;
use serde_json::Value;
use sha2::{Digest, Sha256};

const NONCE: &str = "6c1d2f0a9b8e7d4c";
const CHALLENGE: &str = r#"{"challenge":"ajls384kdjx98XX"}"#;
const SUCCESS: &str = r#"{"msg":"success"}"#;

/// A running `lark-ticket listen`, killed on drop unless it already stopped.
struct Server {
    child: Child,
    base: String,
    stderr: Arc<Mutex<String>>,
    stdout: Option<JoinHandle<String>>,
    stderr_thread: Option<JoinHandle<()>>,
}

struct Finished {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

impl Finished {
    fn json(&self) -> Vec<Value> {
        self.stdout
            .lines()
            .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
            .collect()
    }

    fn assert_no_secrets(&self) {
        for secret in [KEY, TOKEN] {
            assert!(!self.stdout.contains(secret), "secret in stdout");
            assert!(!self.stderr.contains(secret), "secret in stderr");
        }
    }
}

#[derive(Clone, Copy)]
enum Secrets {
    None,
    Key,
    KeyAndToken,
}

impl Server {
    fn start(secrets: Secrets, args: &[&str]) -> Server {
        let mut cmd = command();
        cmd.arg("listen")
            .args(["--addr", "127.0.0.1:0", "--utc"])
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        if matches!(secrets, Secrets::Key | Secrets::KeyAndToken) {
            cmd.env("LARK_ENCRYPT_KEY", KEY);
        }
        if matches!(secrets, Secrets::KeyAndToken) {
            cmd.env("LARK_VERIFICATION_TOKEN", TOKEN);
        }
        let mut child = cmd.spawn().expect("lark-ticket starts");
        let mut out = child.stdout.take().expect("stdout is piped");
        let err = child.stderr.take().expect("stderr is piped");
        let stdout = std::thread::spawn(move || {
            let mut s = String::new();
            let _ = out.read_to_string(&mut s);
            s
        });
        let stderr = Arc::new(Mutex::new(String::new()));
        let (tx, rx) = mpsc::channel();
        let shared = stderr.clone();
        let stderr_thread = std::thread::spawn(move || {
            for line in BufReader::new(err).lines() {
                let Ok(line) = line else { break };
                if let Some(url) = line.strip_prefix("lark-ticket: listening on ") {
                    let _ = tx.send(url.to_string());
                }
                let mut all = shared.lock().unwrap();
                all.push_str(&line);
                all.push('\n');
            }
        });
        let mut server = Server {
            child,
            base: String::new(),
            stderr,
            stdout: Some(stdout),
            stderr_thread: Some(stderr_thread),
        };
        match rx.recv_timeout(Duration::from_secs(20)) {
            Ok(url) => server.base = url,
            Err(_) => panic!(
                "no 'listening on' line; stderr: {}",
                server.stderr.lock().unwrap()
            ),
        }
        server
    }

    /// `http://127.0.0.1:PORT`, without the event path.
    fn origin(&self) -> String {
        let rest = self.base.strip_prefix("http://").unwrap();
        format!("http://{}", &rest[..rest.find('/').unwrap()])
    }

    fn addr(&self) -> String {
        self.origin().strip_prefix("http://").unwrap().to_string()
    }

    /// Waits (bounded) for the server to stop by itself.
    fn finish(mut self) -> Finished {
        let deadline = Instant::now() + Duration::from_secs(20);
        let code = loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                break status.code();
            }
            assert!(
                Instant::now() < deadline,
                "listen did not stop; stderr: {}",
                self.stderr.lock().unwrap()
            );
            std::thread::sleep(Duration::from_millis(20));
        };
        let stdout = self.stdout.take().unwrap().join().unwrap();
        self.stderr_thread.take().unwrap().join().unwrap();
        let stderr = self.stderr.lock().unwrap().clone();
        Finished {
            code,
            stdout,
            stderr,
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if self.child.try_wait().ok().flatten().is_none() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .proxy(None)
        .timeout_global(Some(Duration::from_secs(10)))
        .build()
        .into()
}

/// POSTs `body` with `headers`; the status and body of the answer.
fn post(url: &str, headers: &[(&str, &str)], body: &[u8]) -> (u16, String) {
    let mut request = agent().post(url);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let mut response = request.send(body).expect("the request is answered");
    let status = response.status().as_u16();
    (status, response.body_mut().read_to_string().unwrap())
}

/// Raw bytes in, the raw answer out (the server closes after answering).
fn raw(addr: &str, bytes: &[u8]) -> String {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    stream.write_all(bytes).unwrap();
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer);
    String::from_utf8_lossy(&answer).into_owned()
}

fn now() -> String {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
        .to_string()
}

type Headers = Vec<(&'static str, String)>;

/// The three signature headers for `body`, computed here, not by the code under test.
fn signed(ts: &str, body: &[u8]) -> Headers {
    let mut h = Sha256::new();
    for part in [ts.as_bytes(), NONCE.as_bytes(), KEY.as_bytes(), body] {
        h.update(part);
    }
    let signature: String = h.finalize().iter().map(|b| format!("{b:02x}")).collect();
    vec![
        ("X-Lark-Request-Timestamp", ts.to_string()),
        ("X-Lark-Request-Nonce", NONCE.to_string()),
        ("X-Lark-Signature", signature),
    ]
}

fn refs<'a>(headers: &'a [(&'static str, String)]) -> Vec<(&'a str, &'a str)> {
    headers.iter().map(|(n, v)| (*n, v.as_str())).collect()
}

fn capture_records(path: &Path) -> Vec<Value> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// `lark-ticket ARGS` over a file, with the fixtures' secrets; exit code and
/// NDJSON stdout.
/// A verdict with the timestamp's age ("N s ago") left out: the live check
/// and its replay run a moment apart, and may fall in different seconds.
fn without_age(verdict: &Value) -> Value {
    let mut verdict = verdict.clone();
    if let Some(checks) = verdict["checks"].as_array_mut() {
        for check in checks {
            if let Some(detail) = check["detail"].as_str()
                && let Some(end) = detail.find(" s ago")
            {
                let start = detail[..end]
                    .trim_end_matches(|c: char| c.is_ascii_digit())
                    .len();
                check["detail"] = Value::from(format!("{}N{}", &detail[..start], &detail[end..]));
            }
        }
    }
    verdict
}

fn replay(args: &[&str]) -> (i32, Vec<Value>) {
    let out = bin()
        .env("LARK_ENCRYPT_KEY", KEY)
        .env("LARK_VERIFICATION_TOKEN", TOKEN)
        .args(args)
        .output()
        .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    let values = stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect();
    (out.status.code().unwrap_or(-1), values)
}

#[test]
fn challenges_are_answered_plain_and_encrypted() {
    let server = Server::start(Secrets::KeyAndToken, &["-o", "json", "--max-requests", "2"]);
    for fixture in ["url-verification.json", "url-verification.encrypted.json"] {
        let (status, body) = post(&server.base, &[], &read(fixture));
        assert_eq!((status, body.as_str()), (200, CHALLENGE), "{fixture}");
    }
    let done = server.finish();
    assert_eq!(done.code, Some(0), "{}", done.stderr);
    done.assert_no_secrets();
    let lines = done.json();
    assert_eq!(lines.len(), 2);
    for (line, encrypted) in lines.iter().zip([false, true]) {
        assert_eq!(line["status"], 200);
        assert_eq!(line["response"], CHALLENGE);
        assert_eq!(line["method"], "POST");
        assert_eq!(line["path"], "/webhook/event");
        assert_eq!(line["parse"]["kind"], "url_verification");
        assert_eq!(line["parse"]["encrypted"], encrypted);
        assert_eq!(line["verify"]["ok"], true);
        assert_eq!(line["verify"]["checks"][1]["status"], "pass", "token");
        assert_eq!(line["forwarded"], Value::Null);
    }
}

#[test]
fn without_a_key_the_plain_challenge_is_answered_and_events_pass_unchecked() {
    let server = Server::start(Secrets::None, &["-o", "json", "--max-requests", "3"]);
    let (status, body) = post(&server.base, &[], &read("url-verification.json"));
    assert_eq!((status, body.as_str()), (200, CHALLENGE));
    let (status, body) = post(&server.base, &[], &read("url-verification.encrypted.json"));
    assert_eq!(status, 500, "{body}");
    assert!(body.contains("no Encrypt Key"), "{body}");
    let (status, body) = post(&server.base, &[], &read("ticket-updated.json"));
    assert_eq!((status, body.as_str()), (200, SUCCESS));
    let done = server.finish();
    assert!(
        done.stderr.contains("warning: no Encrypt Key"),
        "{}",
        done.stderr
    );
    let lines = done.json();
    assert_eq!(lines[2]["verify"], Value::Null);
    assert!(
        lines[2]["checks_skipped"]
            .as_str()
            .unwrap()
            .contains("no Encrypt Key"),
        "{}",
        lines[2]
    );
    assert_eq!(
        lines[2]["parse"]["event_type"],
        "helpdesk.ticket.updated_v1"
    );
    assert_eq!(done.code, Some(2), "the encrypted challenge was an error");
}

#[test]
fn signed_events_pass_and_a_bad_signature_is_diagnosed() {
    let server = Server::start(Secrets::KeyAndToken, &["-o", "json", "--max-requests", "3"]);
    let ts = now();
    let body = read("ticket-updated.compact.json");
    let headers = signed(&ts, &body);
    let (status, answer) = post(&server.base, &refs(&headers), &body);
    assert_eq!((status, answer.as_str()), (200, SUCCESS));
    let encrypted = read("ticket-updated.encrypted.json");
    let enc_headers = signed(&ts, &encrypted);
    let (status, answer) = post(&server.base, &refs(&enc_headers), &encrypted);
    assert_eq!((status, answer.as_str()), (200, SUCCESS));
    // The classic mistake: a newline appended after signing.
    let mut changed = body.clone();
    changed.push(b'\n');
    let (status, answer) = post(&server.base, &refs(&headers), &changed);
    assert_eq!(status, 401, "{answer}");
    let answer: Value = serde_json::from_str(&answer).unwrap();
    assert_eq!(answer["failed"][0]["check"], "signature");
    assert_eq!(answer["cause"], "trailing_newline_added");
    let expected_for_changed = signed(&ts, &changed)[2].1.clone();
    assert!(
        !answer.to_string().contains(&expected_for_changed),
        "the 401 body must not reveal the expected signature"
    );
    let done = server.finish();
    assert_eq!(done.code, Some(1), "a failed check: {}", done.stderr);
    done.assert_no_secrets();
    let lines = done.json();
    assert_eq!(lines[0]["verify"]["ok"], true);
    assert_eq!(lines[1]["parse"]["encrypted"], true);
    assert_eq!(lines[1]["verify"]["ok"], true);
    assert_eq!(lines[2]["status"], 401);
    assert_eq!(
        lines[2]["verify"]["diagnosis"]["cause"],
        "trailing_newline_added"
    );
}

#[test]
fn bad_requests_are_answered_and_the_server_keeps_serving() {
    let server = Server::start(
        Secrets::KeyAndToken,
        &[
            "-o",
            "json",
            "--max-requests",
            "7",
            "--max-body-size",
            "4096",
        ],
    );
    let addr = server.addr();
    let (status, body) = post(&server.base, &[], b"garbage that is not JSON");
    assert_eq!(status, 400, "{body}");
    assert!(body.contains("not JSON"), "{body}");
    // Over the bound: refused from the head alone, the body never sent (a
    // server waiting for the body would not answer at all).
    let answer = raw(
        &addr,
        b"POST /webhook/event HTTP/1.1\r\nHost: x\r\nContent-Length: 104857600\r\n\r\n",
    );
    assert!(answer.starts_with("HTTP/1.1 413 "), "{answer}");
    assert!(answer.contains("--max-body-size"), "{answer}");
    // A chunked body has no length up front: read up to the bound.
    let mut chunked =
        b"POST /webhook/event HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n".to_vec();
    for _ in 0..5 {
        chunked.extend_from_slice(b"400\r\n");
        chunked.extend_from_slice(&[b' '; 0x400]);
        chunked.extend_from_slice(b"\r\n");
    }
    chunked.extend_from_slice(b"0\r\n\r\n");
    let answer = raw(&addr, &chunked);
    assert!(answer.starts_with("HTTP/1.1 413 "), "{answer}");
    let answer = raw(&addr, b"BREW /pot HTCPCP\r\n\r\n");
    assert!(answer.starts_with("HTTP/1.1 400 "), "{answer}");
    let (status, _) = post(&format!("{}/favicon.ico", server.origin()), &[], b"");
    assert_eq!(status, 404);
    let answer = raw(
        &addr,
        b"GET /webhook/event HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    );
    assert!(answer.starts_with("HTTP/1.1 405 "), "{answer}");
    // Still serving.
    let (status, body) = post(&server.base, &[], &read("url-verification.json"));
    assert_eq!((status, body.as_str()), (200, CHALLENGE));
    let done = server.finish();
    let statuses: Vec<u64> = done
        .json()
        .iter()
        .map(|l| l["status"].as_u64().unwrap())
        .collect();
    assert_eq!(statuses, [400, 413, 413, 400, 404, 405, 200]);
    assert_eq!(done.code, Some(2));
    assert!(
        done.stderr.contains("stopped after 7 requests"),
        "{}",
        done.stderr
    );
}

#[test]
fn a_stalled_client_gets_408_and_does_not_hold_the_server() {
    let server = Server::start(Secrets::Key, &["-o", "json", "--max-requests", "2"]);
    let mut stalled = TcpStream::connect(server.addr()).unwrap();
    stalled
        .write_all(b"POST /webhook/event HTTP/1.1\r\nContent-Length: 100\r\n\r\n{")
        .unwrap();
    stalled
        .set_read_timeout(Some(Duration::from_secs(15)))
        .unwrap();
    let mut answer = String::new();
    let _ = stalled.read_to_string(&mut answer);
    assert!(answer.starts_with("HTTP/1.1 408 "), "{answer}");
    let (status, _) = post(&server.base, &[], &read("url-verification.json"));
    assert_eq!(status, 200);
    assert_eq!(server.finish().json()[0]["status"], 408);
}

#[test]
fn requests_are_captured_exactly_and_replay_with_the_same_verdicts() {
    let dir = tempfile::tempdir().unwrap();
    let capture = dir.path().join("capture.ndjson");
    let capture_arg = capture.to_str().unwrap();
    let server = Server::start(
        Secrets::KeyAndToken,
        &[
            "-o",
            "json",
            "--max-requests",
            "6",
            "--capture",
            capture_arg,
        ],
    );
    let ts = now();
    let plain = read("ticket-updated.json");
    let encrypted = read("ticket-updated.encrypted.json");
    let crlf = String::from_utf8(plain.clone())
        .unwrap()
        .replace('\n', "\r\n")
        .into_bytes();
    let sent: Vec<(Vec<u8>, Headers)> = vec![
        (read("url-verification.json"), vec![]),
        (read("url-verification.encrypted.json"), vec![]),
        (plain.clone(), signed(&ts, &plain)),
        (encrypted.clone(), signed(&ts, &encrypted)),
        // Signed, then its line endings converted on the way: fails, and says why.
        (crlf, signed(&ts, &plain)),
    ];
    for (body, headers) in &sent {
        post(&server.base, &refs(headers), body);
    }
    // Header names exactly as sent, and a body that is not UTF-8.
    let odd = b"{\"schema\":\"2.0\",\"x\":\"\xff\"}";
    let mut request = format!(
        "POST /webhook/event?from=tunnel HTTP/1.1\r\nX-Odd-CASE: kept\r\nContent-Length: {}\r\n\r\n",
        odd.len()
    )
    .into_bytes();
    request.extend_from_slice(odd);
    raw(&server.addr(), &request);
    let done = server.finish();
    let live = done.json();
    let records = capture_records(&capture);
    assert_eq!(records.len(), 6);
    for ((body, headers), record) in sent.iter().zip(&records) {
        assert_eq!(record["body"].as_str().unwrap().as_bytes(), body.as_slice());
        for (name, value) in headers {
            let got = record["headers"]
                .as_object()
                .unwrap()
                .iter()
                .find(|(n, _)| n.eq_ignore_ascii_case(name))
                .map(|(_, v)| v.as_str().unwrap());
            assert_eq!(got, Some(value.as_str()));
        }
        assert_eq!(record["method"], "POST");
        assert_eq!(record["path"], "/webhook/event");
        assert!(record["received_at"].as_i64().unwrap() > 1_700_000_000_000);
    }
    assert_eq!(records[5]["headers"]["X-Odd-CASE"], "kept");
    assert_eq!(records[5]["path"], "/webhook/event?from=tunnel");
    use base64::Engine;
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(records[5]["body_base64"].as_str().unwrap())
        .unwrap();
    assert_eq!(decoded, odd);
    // The live source names the capture line; replay gives the same verdicts.
    let (code, replayed) = replay(&["verify", "-o", "json", capture_arg]);
    assert_eq!(code, 2, "the last record is not an event");
    assert_eq!(replayed.len(), 5);
    for (i, (live, again)) in live.iter().zip(&replayed).enumerate() {
        assert_eq!(live["source"], format!("{capture_arg}:{}", i + 1));
        assert_eq!(
            without_age(&live["verify"]),
            without_age(again),
            "record {}",
            i + 1
        );
    }
    assert_eq!(live[4]["status"], 401);
    assert_eq!(replayed[4]["diagnosis"]["cause"], "line_endings_changed");
    let (_, parsed) = replay(&["parse", "-o", "json", capture_arg]);
    assert_eq!(parsed.len(), 5);
    for (live, again) in live.iter().zip(&parsed) {
        assert_eq!(live["parse"], *again);
    }
    let (code, rows) = replay(&["diff", "--timeline", "-o", "json", capture_arg]);
    assert_eq!(code, 2, "the non-UTF-8 record is reported");
    assert!(!rows.is_empty());
    if std::env::var_os("LARK_TICKET_UPDATE_LISTEN_CAPTURE").is_some() {
        let keep: Vec<String> = records[..5].iter().map(Value::to_string).collect();
        std::fs::write(testdata("listen-capture.ndjson"), keep.join("\n") + "\n").unwrap();
    }
}

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

#[test]
fn the_table_shows_the_answer_the_event_and_the_checks() {
    let server = Server::start(Secrets::KeyAndToken, &["--max-requests", "1"]);
    let body = read("ticket-updated.compact.json");
    let headers = signed(&now(), &body);
    post(&server.base, &refs(&headers), &body);
    let done = server.finish();
    done.assert_no_secrets();
    let first = done.stdout.lines().next().unwrap();
    assert!(
        first.contains("POST /webhook/event  ->  200 {\"msg\":\"success\"}"),
        "{first}"
    );
    assert!(done.stdout.contains("request:1 helpdesk.ticket.updated_v1"));
    assert!(done.stdout.contains("request:1 ok"));
    assert!(done.stdout.contains("closed by bot (50)"));
}

#[cfg(unix)]
#[test]
fn ctrl_c_stops_cleanly_with_the_capture_on_disk() {
    let dir = tempfile::tempdir().unwrap();
    let capture = dir.path().join("c.ndjson");
    let server = Server::start(
        Secrets::KeyAndToken,
        &["-o", "json", "--capture", capture.to_str().unwrap()],
    );
    post(&server.base, &[], &read("url-verification.json"));
    let status = Command::new("kill")
        .args(["-INT", &server.child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let done = server.finish();
    assert_eq!(done.code, Some(0), "{}", done.stderr);
    assert!(
        done.stderr.contains("stopped after 1 request"),
        "{}",
        done.stderr
    );
    assert_eq!(capture_records(&capture).len(), 1);
    assert_eq!(done.json().len(), 1);
}

#[test]
fn bad_flags_are_usage_errors() {
    for args in [
        &["--path", "webhook"][..],
        &["--max-requests", "0"],
        &["--forward-to", "https://example.com/hook"],
        &["--addr", "not an address"],
    ] {
        let out = bin()
            .arg("listen")
            .args(args)
            .timeout(Duration::from_secs(10))
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.starts_with("lark-ticket: error: "), "{stderr}");
    }
}
