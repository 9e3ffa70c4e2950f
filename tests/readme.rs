//! The README's examples are real. Every `$ command` in a ```console block is
//! run (in a scratch directory that sees `testdata/`) and must print exactly
//! what the README shows; a line `...` in the shown output stands for any
//! number of lines. A command ending in `\` continues on the next line, and
//! `$ export ...` applies to the rest of its `## ` section, as it would for a
//! reader following along.
//! Every `lark-ticket ...` line in a ```sh block must succeed. An example
//! whose shown output has `lark-ticket: error:` must be about an error:
//! its command ends with `echo "exit $?"`, or its block is marked
//! ```console error; otherwise the README would show a failure as what a
//! command does.

mod common;

use std::path::Path;
use std::process::Command;

use common::{root, scrub};

struct Example {
    line: usize,
    command: String,
    expected: Option<String>,
    /// The example shows an error on purpose.
    about_error: bool,
}

fn examples(readme: &str) -> Vec<Example> {
    let mut out = Vec::new();
    let mut block: Option<&str> = None;
    let mut current: Option<Example> = None;
    let mut continued = false;
    let mut error_block = false;
    // `export` (and, in ```sh blocks, `mkdir`) lines set up the commands after them.
    let mut setup = String::new();
    for (i, line) in readme.lines().enumerate() {
        if block.is_none() && line.starts_with("## ") {
            setup.clear();
        }
        if let Some(lang) = line.strip_prefix("```") {
            if block.is_some() {
                out.extend(current.take());
                block = None;
            } else {
                block = Some(if lang.is_empty() { "text" } else { lang });
                error_block = lang.split_whitespace().nth(1) == Some("error");
            }
            continue;
        }
        match block {
            Some(lang) if lang.starts_with("console") => {
                if continued && let Some(ex) = current.as_mut() {
                    ex.command.push('\n');
                    ex.command.push_str(line);
                    continued = line.ends_with('\\');
                } else if let Some(cmd) = line.strip_prefix("$ export ") {
                    out.extend(current.take());
                    setup.push_str(&format!("export {cmd}\n"));
                } else if let Some(cmd) = line.strip_prefix("$ ") {
                    out.extend(current.take());
                    continued = cmd.ends_with('\\');
                    current = Some(Example {
                        line: i + 1,
                        command: format!("{setup}{cmd}"),
                        expected: Some(String::new()),
                        about_error: error_block || cmd.ends_with("echo \"exit $?\""),
                    });
                } else if let Some(ex) = current.as_mut()
                    && let Some(expected) = ex.expected.as_mut()
                {
                    expected.push_str(line);
                    expected.push('\n');
                }
            }
            Some("sh") if line.starts_with("export ") || line.starts_with("mkdir ") => {
                setup.push_str(line);
                setup.push('\n');
            }
            Some("sh") if line.starts_with("lark-ticket ") || line.starts_with("LARK_") => {
                out.push(Example {
                    line: i + 1,
                    command: format!("{setup}{line}"),
                    expected: None,
                    about_error: false,
                });
            }
            _ => {}
        }
    }
    out
}

fn lines(text: &str) -> Vec<String> {
    let mut lines: Vec<String> = text.lines().map(|l| l.trim_end().to_string()).collect();
    while lines.last().is_some_and(String::is_empty) {
        lines.pop();
    }
    lines
}

/// Whether `got` matches `shown`, where a `...` line in `shown` matches any
/// run of lines.
fn matches(shown: &[String], got: &[String]) -> bool {
    match shown.split_first() {
        None => got.is_empty(),
        Some((first, rest)) if first == "..." => {
            (0..=got.len()).any(|skip| matches(rest, &got[skip..]))
        }
        Some((first, rest)) => got.first() == Some(first) && matches(rest, &got[1..]),
    }
}

/// Whether the example shows an error it is not about.
fn shows_an_error(ex: &Example) -> bool {
    !ex.about_error
        && ex
            .expected
            .as_deref()
            .is_some_and(|e| e.contains("lark-ticket: error:"))
}

#[test]
fn an_error_shown_as_output_must_be_the_point() {
    let readme = "## a\n```console\n$ lark-ticket sign x\nlark-ticket: error: sign needs the Encrypt Key\n```\n\
                  ```console\n$ lark-ticket parse bad; echo \"exit $?\"\nlark-ticket: error: bad\nexit 2\n```\n\
                  ```console error\n$ lark-ticket parse bad > good\nlark-ticket: error: bad\n```\n";
    let found = examples(readme);
    assert_eq!(found.len(), 3);
    assert!(shows_an_error(&found[0]));
    assert!(!shows_an_error(&found[1]));
    assert!(!shows_an_error(&found[2]));
}

#[test]
fn ellipsis_matching() {
    let v = |s: &str| lines(s);
    assert!(matches(&v("a\n...\nd"), &v("a\nb\nc\nd")));
    assert!(matches(&v("a\n...\nd"), &v("a\nd")));
    assert!(!matches(&v("a\n...\nd"), &v("a\nb")));
    assert!(!matches(&v("a\nb"), &v("a\nc")));
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
        let out = scrub(&mut Command::new("bash"))
            .arg("-c")
            .arg(format!("{{ {}\n}} 2>&1", ex.command))
            .current_dir(scratch.path())
            .env("PATH", &path)
            .env("TZ", "UTC")
            .env("HOME", scratch.path())
            .env_remove("CI")
            .output()
            .unwrap();
        let got = String::from_utf8_lossy(&out.stdout);
        match &ex.expected {
            Some(expected) if shows_an_error(ex) => failures.push(format!(
                "README.md:{}: `{}` shows an error as its output, but the example is not about \
                 one (end the command with `echo \"exit $?\"`, or mark the block ```console error)\n{expected}",
                ex.line, ex.command
            )),
            Some(expected) => {
                if !matches(&lines(expected), &lines(&got)) {
                    failures.push(format!(
                        "README.md:{}: `{}`\n--- README shows\n{}\n--- the binary prints\n{}",
                        ex.line,
                        ex.command,
                        lines(expected).join("\n"),
                        lines(&got).join("\n")
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
