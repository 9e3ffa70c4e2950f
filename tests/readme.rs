//! The README's examples are real: every `$ command` in a ```console block
//! is run (in a scratch directory that sees `testdata/`) and its output must
//! be exactly what the README shows; every `lark-ticket ...` line in a ```sh
//! block must succeed.

mod common;

use std::path::Path;
use std::process::Command;

use common::root;

struct Example {
    line: usize,
    command: String,
    expected: Option<String>,
}

fn examples(readme: &str) -> Vec<Example> {
    let mut out = Vec::new();
    let mut block: Option<&str> = None;
    let mut current: Option<Example> = None;
    // `export` and `mkdir` lines of a ```sh block set up the commands after them.
    let mut exports = String::new();
    for (i, line) in readme.lines().enumerate() {
        if let Some(lang) = line.strip_prefix("```") {
            if block.is_some() {
                out.extend(current.take());
                block = None;
                exports.clear();
            } else {
                block = Some(if lang.is_empty() { "text" } else { lang });
            }
            continue;
        }
        match block {
            Some("console") => {
                if let Some(cmd) = line.strip_prefix("$ ") {
                    out.extend(current.take());
                    current = Some(Example {
                        line: i + 1,
                        command: cmd.to_string(),
                        expected: Some(String::new()),
                    });
                } else if let Some(ex) = current.as_mut()
                    && let Some(expected) = ex.expected.as_mut()
                {
                    expected.push_str(line);
                    expected.push('\n');
                }
            }
            Some("sh") if line.starts_with("export ") || line.starts_with("mkdir ") => {
                exports.push_str(line);
                exports.push('\n');
            }
            Some("sh") if line.starts_with("lark-ticket ") || line.starts_with("LARK_") => {
                out.push(Example {
                    line: i + 1,
                    command: format!("{exports}{line}"),
                    expected: None,
                });
            }
            _ => {}
        }
    }
    out
}

fn normalize(text: &str) -> String {
    text.lines()
        .map(str::trim_end)
        .collect::<Vec<_>>()
        .join("\n")
        .trim_end()
        .to_string()
}

#[test]
fn readme_examples_run_as_shown() {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let examples = examples(&readme);
    assert!(
        examples.len() >= 5,
        "found only {} examples",
        examples.len()
    );
    let bin = Path::new(env!("CARGO_BIN_EXE_lark-ticket"));
    let path = format!(
        "{}:{}",
        bin.parent().unwrap().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let scratch = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink(root().join("testdata"), scratch.path().join("testdata")).unwrap();
    let mut failures = Vec::new();
    for ex in &examples {
        let out = Command::new("bash")
            .arg("-c")
            .arg(format!("{{ {}\n}} 2>&1", ex.command))
            .current_dir(scratch.path())
            .env("PATH", &path)
            .env("TZ", "UTC")
            .env("HOME", scratch.path())
            .env_remove("LARK_ENCRYPT_KEY")
            .env_remove("LARK_VERIFICATION_TOKEN")
            .env_remove("NO_COLOR")
            .env_remove("COLUMNS")
            .output()
            .unwrap();
        let got = String::from_utf8_lossy(&out.stdout);
        match &ex.expected {
            Some(expected) => {
                if normalize(&got) != normalize(expected) {
                    failures.push(format!(
                        "README.md:{}: `{}`\n--- README shows\n{}\n--- the binary prints\n{}",
                        ex.line,
                        ex.command,
                        normalize(expected),
                        normalize(&got)
                    ));
                }
            }
            None => {
                if !out.status.success() {
                    failures.push(format!(
                        "README.md:{}: `{}` exited {:?}\n{got}",
                        ex.line,
                        ex.command,
                        out.status.code()
                    ));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
