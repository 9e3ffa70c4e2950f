//! Helpers shared by the integration tests: the real binary, fixture paths,
//! the official Python and Node SDKs used as oracles, ([`ws_server`]) a
//! scripted long-connection server, ([`handlers`]) real webhook handlers,
//! ([`platform`]) the requests the platform sends them, ([`hostile`]) the
//! runs and checks of the hostile catalogue, ([`diff`]) those of `diff`,
//! ([`verify`]) those of `verify`, ([`listen`]) `listen`'s server and
//! requests, ([`parse`]) `parse`'s JSON run, ([`json_line`]) the
//! generators and oracles of the JSON lines, ([`properties`]) the
//! generated records of the splitter's properties,
//! ([`subscribe_connection`]) the deliveries and replies of `subscribe`'s
//! connection tests, ([`subscribe`]) the replies of its other tests,
//! ([`sdk_oracle`]) the SDKs' decryption as oracles, and ([`layers`]) the
//! reader of `src/`'s paths and import cycles.
#![allow(dead_code)]

pub mod diff;
pub mod handlers;
pub mod hostile;
pub mod json_line;
pub mod layers;
pub mod listen;
pub mod parse;
pub mod peer;
pub mod platform;
pub mod properties;
pub mod sdk_oracle;
pub mod subscribe;
pub mod subscribe_connection;
pub mod verify;
pub mod ws_server;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use assert_cmd::Command as Cmd;

/// The variables a developer's shell may set that change what the tool
/// does; every test command starts without them.
pub const SCRUBBED: &[&str] = &[
    "LARK_ENCRYPT_KEY",
    "LARK_VERIFICATION_TOKEN",
    "NO_COLOR",
    "COLUMNS",
    "LARK_APP_ID",
    "LARK_APP_SECRET",
    "SSL_CERT_FILE",
    "SSL_CERT_DIR",
];

/// Removes [`SCRUBBED`] from a command's environment.
pub fn scrub(cmd: &mut Command) -> &mut Command {
    for name in SCRUBBED {
        cmd.env_remove(name);
    }
    cmd
}

/// The built `lark-ticket` binary as a std command, with an environment
/// that does not leak the developer's own settings into the test (times in
/// UTC), run from the repository root.
pub fn command() -> Command {
    let mut cmd = Command::new(assert_cmd::cargo::cargo_bin("lark-ticket"));
    scrub(&mut cmd).env("TZ", "UTC").current_dir(root());
    cmd
}

/// [`command`] with assert_cmd's conveniences (`write_stdin`, ...).
pub fn bin() -> Cmd {
    Cmd::from_std(command())
}

/// The exit code of a finished run.
pub fn code(o: &Output) -> i32 {
    o.status.code().expect("exited")
}

/// What a run printed on stdout, which must be UTF-8.
pub fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).expect("UTF-8 stdout")
}

/// What a run printed on stderr.
pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Each line of stdout as JSON (`-o json` prints one object per line).
pub fn json_lines(o: &Output) -> Vec<serde_json::Value> {
    stdout(o)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect()
}

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn testdata(name: &str) -> PathBuf {
    root().join("testdata").join(name)
}

pub fn read(name: &str) -> Vec<u8> {
    std::fs::read(testdata(name)).unwrap_or_else(|e| panic!("reading testdata/{name}: {e}"))
}

/// The Encrypt Key the encrypted fixtures were made with.
pub const KEY: &str = "lark-ticket-test-key";
/// The Verification Token the fixtures carry.
pub const TOKEN: &str = "rvaYgkND1GOiu5MM0E1rncYC6PLtF7JV";

/// Whether a missing oracle fails the test instead of skipping it: in CI
/// (`CI` set and not empty, as CI services set it) or when
/// `LARK_TICKET_REQUIRE_SDK` is set. `.ci/run` installs both oracles, so
/// there a skip would only hide that nothing was compared.
pub fn oracles_required() -> bool {
    std::env::var_os("CI").is_some_and(|ci| !ci.is_empty())
        || std::env::var_os("LARK_TICKET_REQUIRE_SDK").is_some()
}

/// Skips (returns `None`, saying why on stderr) or, when
/// [`oracles_required`], fails the test.
fn oracle_missing<T>(what: &str, install: &str) -> Option<T> {
    if oracles_required() {
        panic!(
            "{what}, and CI or LARK_TICKET_REQUIRE_SDK is set, so the oracle test \
             fails instead of skipping; install it: {install}"
        );
    }
    eprintln!("skipping: {what}; install it: {install}");
    None
}

/// A Python interpreter that can `import lark_oapi` (the official SDK):
/// `LARK_TICKET_SDK_PYTHON` when set, else `.venv/bin/python` at the repo root
/// (made by `.ci/run`). `None` when the SDK is not installed (the test is
/// skipped), unless [`oracles_required`].
pub fn sdk_python() -> Option<PathBuf> {
    let python = std::env::var_os("LARK_TICKET_SDK_PYTHON")
        .map_or_else(|| root().join(".venv/bin/python"), PathBuf::from);
    // Importing the SDK takes seconds: ask once per test binary.
    static FOUND: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    if *FOUND.get_or_init(|| has_sdk(&python)) {
        return Some(python);
    }
    oracle_missing(
        &format!(
            "the official Python SDK (lark-oapi) cannot be imported by {}",
            python.display()
        ),
        "bash .ci/run, or: python3 -m venv .venv && .venv/bin/pip install lark-oapi",
    )
}

fn has_sdk(python: &Path) -> bool {
    Command::new(python)
        .args(["-c", "import lark_oapi"])
        .output()
        .is_ok_and(|o| o.status.success())
}

/// A running `lark-ticket listen` on a free loopback port, for tests that
/// send it raw requests; [`Listen::finish`] waits for it to stop by itself
/// (`--max-requests`) and returns what it printed.
pub struct Listen {
    child: std::process::Child,
    pub addr: String,
    stdout: Option<std::thread::JoinHandle<Vec<u8>>>,
    stderr: Option<std::thread::JoinHandle<Vec<u8>>>,
}

impl Listen {
    pub fn start(args: &[&str], env: &[(&str, &str)]) -> Listen {
        use std::io::{BufRead, Read};
        let mut child = command()
            .args(["listen", "--addr", "127.0.0.1:0", "--utc"])
            .args(args)
            .env("COLUMNS", "200")
            .envs(env.iter().copied())
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("listen starts");
        let mut out = child.stdout.take().expect("piped");
        let err = child.stderr.take().expect("piped");
        let stdout = std::thread::spawn(move || {
            let mut all = Vec::new();
            let _ = out.read_to_end(&mut all);
            all
        });
        let (tx, rx) = std::sync::mpsc::channel();
        let stderr = std::thread::spawn(move || {
            let mut all = Vec::new();
            let mut reader = std::io::BufReader::new(err);
            let mut line = Vec::new();
            while reader.read_until(b'\n', &mut line).is_ok_and(|n| n > 0) {
                let text = String::from_utf8_lossy(&line);
                if let Some(url) = text
                    .trim_end()
                    .strip_prefix("lark-ticket: listening on http://")
                {
                    let _ = tx.send(url[..url.find('/').unwrap_or(url.len())].to_string());
                }
                all.append(&mut line);
            }
            all
        });
        let addr = rx
            .recv_timeout(std::time::Duration::from_secs(30))
            .expect("a 'listening on' line");
        Listen {
            child,
            addr,
            stdout: Some(stdout),
            stderr: Some(stderr),
        }
    }

    /// Sends one request with these raw bytes as its target, headers and
    /// body; returns the whole answer.
    pub fn send(&self, target: &[u8], headers: &[(&str, &[u8])], body: &[u8]) -> Vec<u8> {
        use std::io::{Read, Write};
        let mut stream = std::net::TcpStream::connect(&self.addr).expect("connects");
        stream
            .set_read_timeout(Some(std::time::Duration::from_secs(30)))
            .expect("timeout set");
        let mut request = b"POST ".to_vec();
        request.extend_from_slice(target);
        request.extend_from_slice(b" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n");
        for (name, value) in headers {
            request.extend_from_slice(format!("{name}: ").as_bytes());
            request.extend_from_slice(value);
            request.extend_from_slice(b"\r\n");
        }
        request.extend_from_slice(format!("Content-Length: {}\r\n\r\n", body.len()).as_bytes());
        request.extend_from_slice(body);
        stream.write_all(&request).expect("sends");
        let mut answer = Vec::new();
        let _ = stream.read_to_end(&mut answer);
        answer
    }

    /// Waits for listen to stop by itself; what it printed.
    pub fn finish(mut self) -> std::process::Output {
        let status = self.child.wait().expect("listen stops");
        let stdout = self
            .stdout
            .take()
            .map(|t| t.join().expect("stdout"))
            .unwrap_or_default();
        let stderr = self
            .stderr
            .take()
            .map(|t| t.join().expect("stderr"))
            .unwrap_or_default();
        std::process::Output {
            status,
            stdout,
            stderr,
        }
    }
}

impl Drop for Listen {
    fn drop(&mut self) {
        if self.child.try_wait().ok().flatten().is_none() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// The official Node SDK (`@larksuiteoapi/node-sdk`), run by `node`.
pub struct NodeSdk {
    node_modules: PathBuf,
}

impl NodeSdk {
    /// `node` with the SDK's `node_modules` as its module path, so that
    /// `require('@larksuiteoapi/node-sdk')` loads this copy and no other.
    pub fn node(&self) -> Command {
        let mut node = Command::new("node");
        node.env("NODE_PATH", &self.node_modules);
        node
    }
}

/// The official Node SDK: the `node_modules` folder at
/// `LARK_TICKET_SDK_NODE` when set, else `.oracles/node/node_modules` (where
/// `.ci/run` installs the version pinned in `.oracles/node/package.json`).
/// `None` when it is missing (the test is skipped), unless
/// [`oracles_required`].
pub fn sdk_node() -> Option<NodeSdk> {
    let node_modules = std::env::var_os("LARK_TICKET_SDK_NODE")
        .map_or_else(|| root().join(".oracles/node/node_modules"), PathBuf::from);
    let sdk = NodeSdk { node_modules };
    let loads = sdk
        .node()
        .args([
            "-e",
            "if (typeof require('@larksuiteoapi/node-sdk').AESCipher !== 'function') process.exit(1)",
        ])
        .output()
        .is_ok_and(|o| o.status.success());
    if loads {
        return Some(sdk);
    }
    oracle_missing(
        &format!(
            "the official Node SDK (@larksuiteoapi/node-sdk) cannot be loaded from {}",
            sdk.node_modules.display()
        ),
        "bash .ci/run, or: npm ci --prefix .oracles/node --ignore-scripts",
    )
}

/// A hang guard for the regression tests, not a speed check: far above
/// what the fixed code takes even in a debug build on a loaded machine.
pub const WATCHDOG: u64 = 300;

/// Runs `f` on a thread and fails if it takes longer than `secs`.
pub fn within<T: Send + 'static>(secs: u64, f: impl FnOnce() -> T + Send + 'static) -> T {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(f());
    });
    match rx.recv_timeout(std::time::Duration::from_secs(secs)) {
        Ok(value) => value,
        Err(_) => panic!("took longer than {secs} s: quadratic again?"),
    }
}
