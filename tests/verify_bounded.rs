//! `verify` and `sign` read one body within `--max-record-size`: past the
//! bound they refuse the input as soon as it is crossed, without reading
//! the rest of it.

use std::io::Write;
use std::process::{Command, Stdio};
use std::thread;

const KEY: &str = "lark-ticket-test-key";

/// Far more than the bound, a pipe's buffer and a splitter's reads together.
const INPUT: usize = 64 << 20;

/// Runs `lark-ticket ARGS --max-record-size 1000` on stdin `start` then
/// `x`s, up to [`INPUT`] bytes; its exit code, its stderr, and how many
/// bytes it took before it closed stdin.
fn run(args: &[&str], start: &[u8]) -> (Option<i32>, String, String, usize) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_lark-ticket"))
        .args(args)
        .args(["--max-record-size", "1000"])
        .env("LARK_ENCRYPT_KEY", KEY)
        .env_remove("LARK_VERIFICATION_TOKEN")
        .env("TZ", "UTC")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("runs");
    let mut stdin = child.stdin.take().expect("stdin");
    let start = start.to_vec();
    let writer = thread::spawn(move || {
        let chunk = vec![b'x'; 64 << 10];
        if stdin.write_all(&start).is_err() {
            return 0;
        }
        let mut written = start.len();
        while written < INPUT {
            match stdin.write(&chunk) {
                Ok(n) => written += n,
                // The other end closed: it stopped reading.
                Err(_) => break,
            }
        }
        written
    });
    let output = child.wait_with_output().expect("waits");
    let written = writer.join().expect("writer");
    (
        output.status.code(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
        written,
    )
}

#[test]
fn verify_refuses_a_body_over_the_bound_without_reading_it_all() {
    for start in [&b"{\"a\":\""[..], b"\n  ", b""] {
        let (code, stdout, stderr, written) = run(&["verify"], start);
        assert_eq!(code, Some(2), "{stderr}");
        assert!(stdout.is_empty(), "{stdout}");
        assert_eq!(
            stderr,
            "lark-ticket: error: -:1: body exceeds the 1000 byte bound (raise it with \
             --max-record-size)\n"
        );
        assert!(written < INPUT, "verify read all {written} bytes");
    }
}

#[test]
fn sign_refuses_a_body_over_the_bound_the_same_way() {
    let (code, stdout, stderr, written) = run(&["sign"], b"{\"a\":\"");
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stdout.is_empty(), "{stdout}");
    assert_eq!(
        stderr,
        "lark-ticket: error: -: body exceeds the 1000 byte bound (raise it with \
         --max-record-size)\n"
    );
    assert!(written < INPUT, "sign read all {written} bytes");
}
