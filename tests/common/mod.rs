//! Helpers shared by the integration tests: the real binary, fixture paths,
//! and the official Python and Node SDKs used as oracles.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

use assert_cmd::Command as Cmd;

/// The built `lark-ticket` binary, with an environment that does not leak
/// the developer's own settings into the test.
pub fn bin() -> Cmd {
    let mut cmd = Cmd::cargo_bin("lark-ticket").expect("binary is built");
    cmd.env_remove("LARK_ENCRYPT_KEY")
        .env_remove("LARK_VERIFICATION_TOKEN")
        .env_remove("NO_COLOR")
        .env_remove("COLUMNS")
        .env("TZ", "UTC")
        .current_dir(root());
    cmd
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
    if has_sdk(&python) {
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
