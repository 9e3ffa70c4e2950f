//! A scripted peer process the tests talk to (the long-connection server,
//! the webhook handlers): started with its own temporary folder, its ready
//! line (one JSON object on stdout) read, its NDJSON log read back, killed
//! on drop. It also exits by itself when its stdin closes, so nothing
//! lingers after a test process dies.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use serde_json::Value;

/// How long the start waits for the ready line (importing lark-oapi takes
/// several seconds of CPU) and [`Peer::wait_for`] for a record.
const PATIENCE: Duration = Duration::from_secs(60);

/// A peer's lifetime in seconds, passed as `--lifetime`.
const LIFETIME: &str = "300";

pub struct Peer {
    name: String,
    child: Mutex<Child>,
    log_path: PathBuf,
    dir: tempfile::TempDir,
    /// The ready line.
    pub ready: Value,
}

impl Peer {
    /// A temporary folder for a peer's files, before it starts.
    pub fn folder() -> tempfile::TempDir {
        tempfile::tempdir().expect("a temporary directory")
    }

    /// Starts `cmd` with `--log`, `--lifetime` and `--exit-on-stdin-eof`
    /// added, its stderr kept in `dir`, and waits for its ready line.
    pub fn start(name: &str, dir: tempfile::TempDir, mut cmd: Command) -> Peer {
        let log_path = dir.path().join("log.ndjson");
        let stderr = std::fs::File::create(dir.path().join("stderr.txt")).expect("stderr file");
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
        let mut peer = Peer {
            name: name.to_string(),
            child: Mutex::new(child),
            log_path,
            dir,
            ready: Value::Null,
        };
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut line = String::new();
            let _ = BufReader::new(stdout).read_line(&mut line);
            let _ = tx.send(line);
        });
        let line = rx.recv_timeout(PATIENCE).unwrap_or_default();
        peer.ready = serde_json::from_str(&line).unwrap_or_else(|e| {
            panic!(
                "{name} printed no ready line ({e}): {line:?}\nits stderr:\n{}",
                peer.stderr()
            )
        });
        peer
    }

    /// The peer's folder.
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    /// A string of the ready line.
    pub fn ready(&self, key: &str) -> String {
        self.ready[key]
            .as_str()
            .unwrap_or_else(|| panic!("{}'s ready line has no {key}", self.name))
            .to_string()
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

    /// Polls the log every 20 ms until `pred` holds, and returns it; panics
    /// naming `what`, with the log, after a while or when the peer died.
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
                    "waited in vain for {what} ({} {}); the log:\n{}\nits stderr:\n{}",
                    self.name,
                    exited.map_or("running".to_string(), |s| s.to_string()),
                    lines.join("\n"),
                    self.stderr()
                );
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Whether the process is still running.
    pub fn running(&self) -> bool {
        let mut child = self.child.lock().expect("child");
        child.try_wait().ok().flatten().is_none()
    }

    /// What it printed on stderr.
    pub fn stderr(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("stderr.txt")).unwrap_or_default()
    }
}

impl Drop for Peer {
    fn drop(&mut self) {
        let child = self.child.get_mut().unwrap_or_else(|p| p.into_inner());
        let _ = child.kill();
        let _ = child.wait();
    }
}
