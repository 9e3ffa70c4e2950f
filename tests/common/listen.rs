//! `listen`'s server and requests shared by `tests/listen.rs`,
//! `tests/listen_capture.rs` and `tests/listen_forward.rs`: the real binary
//! on an ephemeral loopback port, killed on drop, what it printed once it
//! stopped, and requests to it over ureq or as raw bytes, signed here.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Stdio};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use serde_json::Value;
use sha2::{Digest, Sha256};

use super::{KEY, TOKEN, command};

pub const NONCE: &str = "6c1d2f0a9b8e7d4c";
pub const CHALLENGE: &str = r#"{"challenge":"ajls384kdjx98XX"}"#;
pub const SUCCESS: &str = r#"{"msg":"success"}"#;

/// A running `lark-ticket listen`, killed on drop unless it already stopped.
pub struct Server {
    pub child: Child,
    pub base: String,
    stderr: Arc<Mutex<String>>,
    stdout: Option<JoinHandle<String>>,
    stderr_thread: Option<JoinHandle<()>>,
}

pub struct Finished {
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

impl Finished {
    pub fn json(&self) -> Vec<Value> {
        self.stdout
            .lines()
            .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
            .collect()
    }

    pub fn assert_no_secrets(&self) {
        for secret in [KEY, TOKEN] {
            assert!(!self.stdout.contains(secret), "secret in stdout");
            assert!(!self.stderr.contains(secret), "secret in stderr");
        }
    }
}

#[derive(Clone, Copy)]
pub enum Secrets {
    None,
    Key,
    KeyAndToken,
}

impl Server {
    pub fn start(secrets: Secrets, args: &[&str]) -> Server {
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
    pub fn origin(&self) -> String {
        let rest = self.base.strip_prefix("http://").unwrap();
        format!("http://{}", &rest[..rest.find('/').unwrap()])
    }

    pub fn addr(&self) -> String {
        self.origin().strip_prefix("http://").unwrap().to_string()
    }

    /// Waits (bounded) for the server to stop by itself.
    pub fn finish(mut self) -> Finished {
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

pub fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .proxy(None)
        .timeout_global(Some(Duration::from_secs(10)))
        .build()
        .into()
}

/// POSTs `body` with `headers`; the status and body of the answer.
pub fn post(url: &str, headers: &[(&str, &str)], body: &[u8]) -> (u16, String) {
    let mut request = agent().post(url);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let mut response = request.send(body).expect("the request is answered");
    let status = response.status().as_u16();
    (status, response.body_mut().read_to_string().unwrap())
}

/// Raw bytes in, the raw answer out (the server closes after answering).
pub fn raw(addr: &str, bytes: &[u8]) -> String {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    stream.write_all(bytes).unwrap();
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer);
    String::from_utf8_lossy(&answer).into_owned()
}

pub fn now() -> String {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
        .to_string()
}

pub type Headers = Vec<(&'static str, String)>;

/// The three signature headers for `body`, computed here, not by the code under test.
pub fn signed(ts: &str, body: &[u8]) -> Headers {
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

pub fn refs<'a>(headers: &'a [(&'static str, String)]) -> Vec<(&'a str, &'a str)> {
    headers.iter().map(|(n, v)| (*n, v.as_str())).collect()
}
