//! The scripted long-connection server (`tests/peers/lark_ws_server.py`,
//! scenario and log format in `tests/peers/README.md`) as a test fixture:
//! started on loopback ports with a scenario, its log read back as JSON,
//! killed on drop. Run it with the Python from [`super::sdk_python`].

use std::ops::Deref;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

use super::peer::Peer;

/// A running `lark_ws_server.py`. `http` is the client's `--domain`, `ws`
/// the base of the WebSocket URLs its discovery hands out. Its log and
/// process through [`Peer`].
pub struct WsServer {
    pub http: String,
    pub ws: String,
    peer: Peer,
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
        let dir = Peer::folder();
        let scenario_path = dir.path().join("scenario.json");
        let scenario = serde_json::to_vec_pretty(&scenario).expect("a scenario is JSON");
        std::fs::write(&scenario_path, scenario).expect("scenario written");
        let mut cmd = Command::new(python);
        cmd.arg(super::root().join("tests/peers/lark_ws_server.py"))
            .arg("--scenario")
            .arg(&scenario_path);
        if tls {
            cmd.arg("--tls").arg(dir.path().join("tls"));
        }
        let peer = Peer::start("lark_ws_server.py", dir, cmd);
        WsServer {
            http: peer.ready("http"),
            ws: peer.ready("ws"),
            peer,
        }
    }

    /// The CA that signed the server's certificate ([`WsServer::start_tls`]).
    pub fn ca_file(&self) -> PathBuf {
        self.dir().join("tls/ca.pem")
    }

    /// The frames the client sent.
    pub fn frames_in(&self) -> Vec<Value> {
        self.records("frame_in")
    }
}

impl Deref for WsServer {
    type Target = Peer;
    fn deref(&self) -> &Peer {
        &self.peer
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
    spawn_subscribe_with(server, args, &[])
}

fn spawn_subscribe_with(
    server: &WsServer,
    args: &[&str],
    env: &[(&str, &std::ffi::OsStr)],
) -> Child {
    let mut cmd = super::command();
    cmd.arg("subscribe")
        .arg("--domain")
        .arg(&server.http)
        .args(args)
        .env("LARK_APP_ID", APP_ID)
        .env("LARK_APP_SECRET", APP_SECRET)
        .envs(env.iter().copied())
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
    let output = finish(
        spawn_subscribe_with(server, args, env),
        Duration::from_secs(60),
    );
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
