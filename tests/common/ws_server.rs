//! The scripted long-connection server (`tests/peers/lark_ws_server.py`,
//! scenario and log format in `tests/peers/README.md`) as a test fixture:
//! started on loopback ports with a scenario, its log read back as JSON,
//! killed on drop. Run it with the Python from [`super::sdk_python`].

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use serde_json::Value;

/// How long [`WsServer::wait_for`] waits, and the start waits for the ready line.
const PATIENCE: Duration = Duration::from_secs(30);

/// A running `lark_ws_server.py`. `http` is the client's `--domain`, `ws`
/// the base of the WebSocket URLs its discovery hands out.
pub struct WsServer {
    pub http: String,
    pub ws: String,
    child: Mutex<Child>,
    log_path: PathBuf,
    dir: tempfile::TempDir,
}

impl WsServer {
    /// Plain HTTP and WebSocket.
    pub fn start(python: &Path, scenario: Value) -> WsServer {
        WsServer::spawn(python, scenario, false)
    }

    /// HTTPS and WSS, with a certificate from a throwaway CA: give the
    /// client `SSL_CERT_FILE=`[`WsServer::ca_file`].
    pub fn start_tls(python: &Path, scenario: Value) -> WsServer {
        WsServer::spawn(python, scenario, true)
    }

    fn spawn(python: &Path, scenario: Value, tls: bool) -> WsServer {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let scenario_path = dir.path().join("scenario.json");
        let scenario = serde_json::to_vec_pretty(&scenario).expect("a scenario is JSON");
        std::fs::write(&scenario_path, scenario).expect("scenario written");
        let log_path = dir.path().join("log.ndjson");
        let stderr = std::fs::File::create(dir.path().join("stderr.txt")).expect("stderr file");
        let mut cmd = Command::new(python);
        cmd.arg(super::root().join("tests/peers/lark_ws_server.py"))
            .arg("--scenario")
            .arg(&scenario_path)
            .arg("--log")
            .arg(&log_path)
            // Gone with this process even when it dies without dropping us.
            .args(["--exit-on-stdin-eof", "--lifetime", "300"]);
        if tls {
            cmd.arg("--tls").arg(dir.path().join("tls"));
        }
        let mut child = cmd
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(stderr)
            .spawn()
            .unwrap_or_else(|e| panic!("{} cannot start: {e}", python.display()));
        let stdout = child.stdout.take().expect("piped");
        let mut server = WsServer {
            http: String::new(),
            ws: String::new(),
            child: Mutex::new(child),
            log_path,
            dir,
        };
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut line = String::new();
            let _ = BufReader::new(stdout).read_line(&mut line);
            let _ = tx.send(line);
        });
        let line = rx.recv_timeout(PATIENCE).unwrap_or_default();
        let ready: Value = serde_json::from_str(&line).unwrap_or_else(|e| {
            panic!(
                "lark_ws_server.py printed no ready line ({e}): {line:?}\nits stderr:\n{}",
                server.stderr()
            )
        });
        server.http = ready["http"].as_str().expect("ready.http").to_string();
        server.ws = ready["ws"].as_str().expect("ready.ws").to_string();
        server
    }

    /// The CA that signed the server's certificate ([`WsServer::start_tls`]).
    pub fn ca_file(&self) -> PathBuf {
        self.dir.path().join("tls/ca.pem")
    }

    /// Every record logged so far (the complete lines).
    pub fn log(&self) -> Vec<Value> {
        let text = std::fs::read_to_string(&self.log_path).unwrap_or_default();
        let complete = &text[..text.rfind('\n').map_or(0, |i| i + 1)];
        complete
            .lines()
            .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
            .collect()
    }

    /// The records of one kind (`frame_in`, `connect`, ...).
    pub fn records(&self, kind: &str) -> Vec<Value> {
        let mut log = self.log();
        log.retain(|r| r["kind"] == kind);
        log
    }

    /// The frames the client sent.
    pub fn frames_in(&self) -> Vec<Value> {
        self.records("frame_in")
    }

    /// Polls the log every 20 ms until `pred` holds, and returns it; panics
    /// naming `what`, with the log, after 30 s or when the server died.
    pub fn wait_for(&self, what: &str, pred: impl Fn(&[Value]) -> bool) -> Vec<Value> {
        let deadline = Instant::now() + PATIENCE;
        loop {
            let log = self.log();
            if pred(&log) {
                return log;
            }
            let exited = self.child.lock().expect("child").try_wait().ok().flatten();
            if exited.is_some() || Instant::now() > deadline {
                let lines: Vec<String> = log.iter().map(Value::to_string).collect();
                panic!(
                    "waited in vain for {what} (server {}); the log:\n{}\nits stderr:\n{}",
                    exited.map_or("running".to_string(), |s| s.to_string()),
                    lines.join("\n"),
                    self.stderr()
                );
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    fn stderr(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("stderr.txt")).unwrap_or_default()
    }
}

impl Drop for WsServer {
    fn drop(&mut self) {
        let child = self.child.get_mut().unwrap_or_else(|p| p.into_inner());
        let _ = child.kill();
        let _ = child.wait();
    }
}

/// The value of a frame record's first header `key`.
pub fn header<'a>(frame: &'a Value, key: &str) -> Option<&'a str> {
    frame["headers"]
        .as_array()?
        .iter()
        .find(|h| h[0] == key)
        .and_then(|h| h[1].as_str())
}

/// The App ID and App Secret tests give `subscribe`: the secret must never
/// be printed.
pub const APP_ID: &str = "cli_a1b2c3d4e5f60718";
pub const APP_SECRET: &str = "APPSECRET-kq7ZVu3m";

/// Every credential the client or the server knows, none of which may
/// appear in anything the client prints.
pub const SECRETS: &[&str] = &[APP_SECRET, "AKSECRET", "TICKETSECRET"];

/// `lark-ticket subscribe --domain <server> ARGS...`, with the test
/// credentials in the environment, started.
pub fn spawn_subscribe(server: &WsServer, args: &[&str]) -> Child {
    let mut cmd = super::command();
    cmd.arg("subscribe")
        .arg("--domain")
        .arg(&server.http)
        .args(args)
        .env("LARK_APP_ID", APP_ID)
        .env("LARK_APP_SECRET", APP_SECRET)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    cmd.spawn().expect("lark-ticket subscribe starts")
}

/// A run that ends by itself (`--max-events`, `--timeout`, a fatal
/// answer): its output, after checking that no credential shows in it.
/// Killed, with a panic, if it runs past 60 s.
pub fn subscribe(server: &WsServer, args: &[&str]) -> std::process::Output {
    subscribe_with(server, args, &[])
}

/// [`subscribe`] with more environment variables.
pub fn subscribe_with(
    server: &WsServer,
    args: &[&str],
    env: &[(&str, &std::ffi::OsStr)],
) -> std::process::Output {
    let mut cmd = super::command();
    cmd.arg("subscribe")
        .arg("--domain")
        .arg(&server.http)
        .args(args)
        .env("LARK_APP_ID", APP_ID)
        .env("LARK_APP_SECRET", APP_SECRET)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let child = cmd.spawn().expect("lark-ticket subscribe starts");
    let output = finish(child, Duration::from_secs(60));
    assert_no_secrets(&output);
    output
}

/// Waits for a child to exit by itself, reading its output meanwhile (a
/// full pipe must not stall it); kills it and panics after `limit`.
pub fn finish(mut child: Child, limit: Duration) -> std::process::Output {
    use std::io::Read;
    fn drain(pipe: Option<impl Read + Send + 'static>) -> std::thread::JoinHandle<Vec<u8>> {
        std::thread::spawn(move || {
            let mut bytes = Vec::new();
            if let Some(mut pipe) = pipe {
                let _ = pipe.read_to_end(&mut bytes);
            }
            bytes
        })
    }
    let stdout = drain(child.stdout.take());
    let stderr = drain(child.stderr.take());
    let deadline = Instant::now() + limit;
    let mut killed = false;
    let status = loop {
        match child.try_wait().expect("wait") {
            Some(status) => break status,
            None if Instant::now() > deadline => {
                let _ = child.kill();
                killed = true;
                break child.wait().expect("wait");
            }
            None => std::thread::sleep(Duration::from_millis(20)),
        }
    };
    let output = std::process::Output {
        status,
        stdout: stdout.join().expect("stdout"),
        stderr: stderr.join().expect("stderr"),
    };
    if killed {
        panic!(
            "subscribe did not stop by itself; stdout:\n{}\nstderr:\n{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
    }
    output
}

/// No credential in stdout or stderr.
pub fn assert_no_secrets(output: &std::process::Output) {
    let all = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    for secret in SECRETS {
        assert!(!all.contains(secret), "{secret} printed:\n{all}");
    }
}
