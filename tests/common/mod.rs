//! Helpers shared by the integration tests: the real binary, fixture paths,
//! and the official Python SDK used as an oracle.
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

/// A Python interpreter that can `import lark_oapi` (the official SDK):
/// `LARK_TICKET_SDK_PYTHON`, else `.venv/bin/python` at the repo root (made by
/// `.ci/run`). `None` (and a message saying why the test is skipped) when the
/// SDK is not installed.
pub fn sdk_python() -> Option<PathBuf> {
    let candidates = std::env::var_os("LARK_TICKET_SDK_PYTHON")
        .map(PathBuf::from)
        .into_iter()
        .chain([root().join(".venv/bin/python")]);
    for python in candidates {
        if has_sdk(&python) {
            return Some(python);
        }
    }
    eprintln!(
        "skipping: the official Python SDK (lark-oapi) is not installed; \
         run .ci/run, or: python3 -m venv .venv && .venv/bin/pip install lark-oapi"
    );
    if std::env::var_os("LARK_TICKET_REQUIRE_SDK").is_some() {
        panic!("LARK_TICKET_REQUIRE_SDK is set but lark-oapi cannot be imported");
    }
    None
}

fn has_sdk(python: &Path) -> bool {
    Command::new(python)
        .args(["-c", "import lark_oapi"])
        .output()
        .is_ok_and(|o| o.status.success())
}
