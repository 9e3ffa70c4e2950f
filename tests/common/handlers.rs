//! Real webhook handlers to test a sender against (`tests/peers/handlers/`,
//! what each answers in its README): the official Python and Node SDKs'
//! webhook handling, and our own handlers that each break one thing.
//! Started on a loopback port, their NDJSON log read back as JSON, killed on
//! drop.

use std::ops::Deref;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use serde_json::Value;

use super::NodeSdk;
use super::peer::Peer;

/// A running handler; `url` is where it takes POSTs
/// (`http://127.0.0.1:P/webhook/event`). Its log and process through
/// [`Peer`].
pub struct Handler {
    pub url: String,
    peer: Peer,
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
        if let Some(key) = key {
            cmd.args(["--key", key]);
        }
        if let Some(token) = token {
            cmd.args(["--token", token]);
        }
        let peer = Peer::start(name, Peer::folder(), cmd);
        Handler {
            url: peer.ready("url"),
            peer,
        }
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
}

impl Deref for Handler {
    type Target = Peer;
    fn deref(&self) -> &Peer {
        &self.peer
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
