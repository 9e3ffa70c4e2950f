//! The command line itself: completions, man page, help, usage errors.

mod common;

use common::*;
use predicates::prelude::*;

const COMPLETIONS: [(&str, &str); 5] = [
    ("bash", "lark-ticket.bash"),
    ("zsh", "_lark-ticket"),
    ("fish", "lark-ticket.fish"),
    ("powershell", "_lark-ticket.ps1"),
    ("elvish", "lark-ticket.elv"),
];

/// The committed completion scripts are what the binary generates. Run with
/// `LARK_TICKET_UPDATE_COMPLETIONS=1` to regenerate them.
#[test]
fn committed_completions_are_current() {
    let update = std::env::var_os("LARK_TICKET_UPDATE_COMPLETIONS").is_some();
    let mut stale = Vec::new();
    for (shell, file) in COMPLETIONS {
        let out = bin().args(["completions", shell]).output().unwrap();
        assert!(out.status.success(), "completions {shell} failed");
        assert!(
            !out.stdout.is_empty(),
            "completions {shell} printed nothing"
        );
        let path = root().join("completions").join(file);
        let committed = std::fs::read(&path).unwrap_or_default();
        if committed != out.stdout {
            if update {
                std::fs::write(&path, &out.stdout).unwrap();
            } else {
                stale.push(file);
            }
        }
    }
    assert!(
        stale.is_empty(),
        "stale completions {stale:?}: run LARK_TICKET_UPDATE_COMPLETIONS=1 cargo test --test cli"
    );
}

#[test]
fn completions_name_every_subcommand_and_complete_values() {
    let out = bin().args(["completions", "bash"]).output().unwrap();
    let script = String::from_utf8(out.stdout).unwrap();
    for sub in [
        "decrypt",
        "parse",
        "diff",
        "verify",
        "sign",
        "listen",
        "completions",
        "man",
    ] {
        assert!(script.contains(sub), "{sub} missing from bash completions");
    }
    assert!(
        script.contains("table json"),
        "--output values not completed"
    );
    assert!(
        script.contains("auto always never"),
        "--color values not completed"
    );
}

#[test]
fn man_page_renders() {
    let out = bin().arg("man").output().unwrap();
    assert!(out.status.success());
    let page = String::from_utf8(out.stdout).unwrap();
    // The title line: page lark-ticket, section 1, this version.
    let version = format!("\"lark-ticket {}\"", env!("CARGO_PKG_VERSION"));
    assert!(
        page.lines()
            .any(|l| l.starts_with(".TH lark-ticket 1 ") && l.contains(&version)),
        "{page}"
    );
    assert!(page.contains("decrypt"), "{page}");
}

#[test]
fn help_lists_subcommands_and_never_secrets() {
    let out = bin()
        .args(["--help"])
        .env("LARK_ENCRYPT_KEY", "super-secret-key-value")
        .env("LARK_VERIFICATION_TOKEN", "super-secret-token-value")
        .output()
        .unwrap();
    let help = String::from_utf8(out.stdout).unwrap();
    assert!(out.status.success());
    for sub in [
        "decrypt",
        "parse",
        "diff",
        "verify",
        "sign",
        "listen",
        "completions",
        "man",
    ] {
        assert!(help.contains(sub), "{sub} missing from --help");
    }
    assert!(!help.contains("super-secret"));
    for sub in [
        "decrypt",
        "parse",
        "diff",
        "verify",
        "sign",
        "listen",
        "completions",
        "man",
    ] {
        let out = bin()
            .args([sub, "--help", "--encrypt-key", "super-secret-key-value"])
            .env("LARK_VERIFICATION_TOKEN", "super-secret-token-value")
            .output()
            .unwrap();
        let help = String::from_utf8(out.stdout).unwrap();
        assert!(help.contains("Examples"), "{sub} --help has no examples");
        assert!(
            !help.contains("super-secret"),
            "{sub} --help shows a secret"
        );
    }
}

#[test]
fn usage_errors_exit_2() {
    bin().arg("frobnicate").assert().code(2);
    bin().args(["parse", "--output", "xml"]).assert().code(2);
    bin()
        .args(["parse", "--encrypt-key", "a", "--encrypt-key-file", "b"])
        .assert()
        .code(2);
    bin().args(["completions", "tcsh"]).assert().code(2);
}

#[test]
fn version_is_printed() {
    bin()
        .arg("--version")
        .assert()
        .success()
        .stdout(predicate::str::starts_with("lark-ticket "));
}

#[test]
fn key_file_errors_name_the_file_not_the_key() {
    bin()
        .args(["decrypt", "--encrypt-key-file", "/nonexistent/key.txt"])
        .write_stdin("{}")
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "cannot read --encrypt-key-file /nonexistent/key.txt",
        ));
}

#[test]
fn bash_completion_loads_and_completes() {
    let script = root().join("completions").join("lark-ticket.bash");
    let probe = format!(
        "source {}; f=$(complete -p lark-ticket | sed 's/.*-F \\([^ ]*\\) .*/\\1/'); \
         COMP_WORDS=(lark-ticket pa); COMP_CWORD=1; COMP_LINE='lark-ticket pa'; COMP_POINT=14; \
         $f lark-ticket pa lark-ticket; printf '%s\\n' \"${{COMPREPLY[@]}}\"",
        script.display()
    );
    let out = std::process::Command::new("bash")
        .args(["-c", &probe])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "parse");
}

#[test]
fn man_page_renders_with_groff_when_available() {
    let Ok(status) = std::process::Command::new("groff")
        .arg("--version")
        .output()
    else {
        eprintln!("skipping: groff is not installed");
        return;
    };
    assert!(status.status.success());
    let page = bin().arg("man").output().unwrap().stdout;
    let mut child = std::process::Command::new("groff")
        // Plain text: no overstriking for bold and underlined words.
        .args(["-man", "-Tutf8", "-P-cbou"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child.stdin.take().unwrap().write_all(&page).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.starts_with("lark-ticket(1)"), "{text}");
    // The section heading, then the first subcommand's page.
    let lines: Vec<&str> = text.lines().map(str::trim).collect();
    let section = lines.iter().position(|&l| l == "SUBCOMMANDS");
    assert!(section.is_some(), "no SUBCOMMANDS heading in {text}");
    assert_eq!(
        lines.get(section.unwrap() + 1),
        Some(&"lark-ticket-decrypt(1)"),
        "{text}"
    );
    assert!(
        String::from_utf8_lossy(&out.stderr).trim().is_empty(),
        "groff warned: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Each subcommand's help lists only the options that affect it.
#[test]
fn help_lists_only_the_options_that_apply() {
    let cases: &[(&str, &[&str], &[&str])] = &[
        (
            "decrypt",
            &["--encrypt-key", "--threads", "--max-record-size"],
            &["--output", "--color", "--verification-token", "--lang"],
        ),
        (
            "parse",
            &[
                "--encrypt-key",
                "--output",
                "--color",
                "--utc",
                "--lang",
                "--threads",
            ],
            &["--verification-token"],
        ),
        (
            "diff",
            &["--encrypt-key", "--output", "--color", "--threads"],
            &["--verification-token"],
        ),
        (
            "verify",
            &[
                "--encrypt-key",
                "--verification-token",
                "--output",
                "--color",
                "--utc",
                "--max-record-size",
            ],
            &["--threads"],
        ),
        (
            "sign",
            &["--encrypt-key", "--output", "--max-record-size"],
            &["--color", "--threads", "--verification-token", "--utc"],
        ),
        (
            "listen",
            &[
                "--encrypt-key",
                "--verification-token",
                "--output",
                "--color",
            ],
            &["--threads", "--max-record-size"],
        ),
        ("man", &[], &["--encrypt-key", "--output", "--threads"]),
    ];
    for (command, listed, absent) in cases {
        let out = bin().args([command, "--help"]).output().expect("runs");
        assert!(out.status.success());
        let help = String::from_utf8_lossy(&out.stdout);
        for flag in *listed {
            assert!(
                help.contains(&format!("{flag} ")),
                "{command} --help lacks {flag}"
            );
        }
        for flag in *absent {
            assert!(
                !help.contains(&format!("{flag} ")),
                "{command} --help lists {flag}"
            );
        }
    }
    // And an option that does not apply is refused, not ignored.
    let out = bin().args(["listen", "-j", "4"]).output().expect("runs");
    assert_eq!(out.status.code(), Some(2));
}
