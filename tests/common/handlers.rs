//! Real webhook handlers to test a sender against (`tests/peers/handlers/`,
//! what each answers in its README): the official Python and Node SDKs'
//! webhook handling, and our own handlers that each break one thing.
//! Started on a loopback port, their NDJSON log read back as JSON, killed on
//! drop.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use serde_json::Value;

use super::NodeSdk;

/// How long the start waits for the ready line (importing lark-oapi takes
/// several seconds of CPU) and [`Handler::wait_for`] for a record.
const PATIENCE: Duration = Duration::from_secs(60);

/// A handler's lifetime in seconds: gone by then even if the test process
/// died without dropping it (it also exits when its stdin closes).
const LIFETIME: &str = "300";

/// A running handler; `url` is where it takes POSTs
/// (`http://127.0.0.1:P/webhook/event`).
pub struct Handler {
    pub url: String,
    child: Mutex<Child>,
    log_path: PathBuf,
    dir: tempfile::TempDir,
}

fn script(name: &str) -> PathBuf {
    super::root().join("tests/peers/handlers").join(name)
}

impl Handler {
    /// The Python SDK's `EventDispatcherHandler`, run by `python` (from
    /// [`super::sdk_python`]).
    pub fn python_sdk(python: &Path, key: Option<&str>, token: Option<&str>) -> Handler {
        let mut cmd = Command::new(python);
        cmd.arg(script("sdk_python.py"));
        Handler::spawn("sdk_python.py", cmd, key, token)
    }

    /// The Node SDK's `EventDispatcher` behind `adaptDefault`.
    pub fn node_sdk(node: &NodeSdk, key: Option<&str>, token: Option<&str>) -> Handler {
        let mut cmd = node.node();
        cmd.arg(script("sdk_node.js"));
        Handler::spawn("sdk_node.js", cmd, key, token)
    }

    /// One of our handlers, correct but for `kind` (`correct` for none).
    pub fn broken(python: &Path, kind: &str, key: Option<&str>, token: Option<&str>) -> Handler {
        let mut cmd = Command::new(python);
        cmd.arg(script("broken.py")).args(["--kind", kind]);
        Handler::spawn(&format!("broken.py --kind {kind}"), cmd, key, token)
    }

    fn spawn(name: &str, mut cmd: Command, key: Option<&str>, token: Option<&str>) -> Handler {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let log_path = dir.path().join("log.ndjson");
        let stderr = std::fs::File::create(dir.path().join("stderr.txt")).expect("stderr file");
        if let Some(key) = key {
            cmd.args(["--key", key]);
        }
        if let Some(token) = token {
            cmd.args(["--token", token]);
        }
        cmd.arg("--log")
            .arg(&log_path)
            .args(["--lifetime", LIFETIME, "--exit-on-stdin-eof"]);
        let mut child = cmd
            // Kept open in the child handle: closed when it is dropped.
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(stderr)
            .spawn()
            .unwrap_or_else(|e| panic!("{name} cannot start: {e}"));
        let stdout = child.stdout.take().expect("piped");
        let mut handler = Handler {
            url: String::new(),
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
                "{name} printed no ready line ({e}): {line:?}\nits stderr:\n{}",
                handler.stderr()
            )
        });
        handler.url = ready["url"].as_str().expect("ready.url").to_string();
        handler
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

    /// The records of one kind.
    pub fn records(&self, kind: &str) -> Vec<Value> {
        let mut log = self.log();
        log.retain(|r| r["kind"] == kind);
        log
    }

    /// One record per request, with the status and body answered (written
    /// before the answer is sent).
    pub fn requests(&self) -> Vec<Value> {
        self.records("request")
    }

    /// One record per event the registered handler function was given.
    pub fn handled(&self) -> Vec<Value> {
        self.records("handled")
    }

    /// Polls the log every 20 ms until `pred` holds, and returns it; panics
    /// naming `what`, with the log, after a while or when the handler died.
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
                    "waited in vain for {what} (handler {}); the log:\n{}\nits stderr:\n{}",
                    exited.map_or("running".to_string(), |s| s.to_string()),
                    lines.join("\n"),
                    self.stderr()
                );
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Whether the handler process is still running.
    pub fn running(&self) -> bool {
        let mut child = self.child.lock().expect("child");
        child.try_wait().ok().flatten().is_none()
    }

    /// What the handler printed on stderr (the SDKs' own logging).
    pub fn stderr(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("stderr.txt")).unwrap_or_default()
    }
}

impl Drop for Handler {
    fn drop(&mut self) {
        let child = self.child.get_mut().unwrap_or_else(|p| p.into_inner());
        let _ = child.kill();
        let _ = child.wait();
    }
}

/// A handler's answer to one request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    pub status: u16,
    pub body: String,
}

/// POSTs `body` with exactly these headers (ureq adds Host, Content-Length
/// and its User-Agent, and sends names in lower case); `Err` when no answer
/// came (the connection was closed, or nothing within `timeout`).
pub fn post(
    url: &str,
    headers: &[(String, String)],
    body: &[u8],
    timeout: Duration,
) -> Result<Answer, String> {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .proxy(None)
        .timeout_global(Some(timeout))
        .build()
        .into();
    let mut request = agent.post(url);
    for (name, value) in headers {
        request = request.header(name.as_str(), value.as_str());
    }
    let mut response = request.send(body).map_err(|e| e.to_string())?;
    let status = response.status().as_u16();
    let body = response
        .body_mut()
        .read_to_vec()
        .map_err(|e| format!("reading the answer: {e}"))?;
    Ok(Answer {
        status,
        body: String::from_utf8_lossy(&body).into_owned(),
    })
}
