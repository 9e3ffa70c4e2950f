//! The hostile-input catalogue: everything this tool reads is untrusted.
//! Each entry exits cleanly with a clear message naming the record (exit 2),
//! or with a warning where the input only deviates from the schema; none
//! panics, hangs, loses a good record or prints a secret.
//!
//! Here, records too deep, too large for the bound, or never closed. The
//! rest of the catalogue: HTTP captures in `tests/hostile_http.rs`,
//! ciphertexts and secrets in `tests/hostile_crypto.rs`, bytes that are not
//! text and files that cannot be read in `tests/hostile_bytes.rs`, numbers
//! at their extremes in `tests/hostile_numbers.rs`, escape sequences in
//! `tests/hostile_terminal.rs`; their helpers are in `tests/common/hostile.rs`.

mod common;

use common::hostile::{GOOD, fails_cleanly, json_args, run};
use common::*;

#[test]
fn deep_nesting_is_an_error_not_a_stack_overflow() {
    const DEPTH: usize = 1_000_000;
    let arrays = format!("{}{}\n{GOOD}\n", "[".repeat(DEPTH), "]".repeat(DEPTH));
    let objects = format!(
        "{}1{}\n{GOOD}\n",
        "{\"a\":".repeat(DEPTH),
        "}".repeat(DEPTH)
    );
    let unclosed = format!("{}\n{GOOD}\n", "[".repeat(DEPTH));
    for input in [&arrays, &objects, &unclosed] {
        for cmd in ["parse", "decrypt", "diff"] {
            let o = run(&json_args(cmd, &[]), input.as_bytes());
            fails_cleanly(&o, &["-:1: "]);
            assert!(stderr(&o).contains("recursion limit") || stderr(&o).contains("unterminated"));
            if cmd != "diff" {
                assert_eq!(
                    String::from_utf8_lossy(&o.stdout).lines().count(),
                    1,
                    "{cmd}: the good record"
                );
            }
        }
    }
    // As a body to verify, as a capture record's body, and as a decrypted plaintext.
    let o = run(
        &["verify", "--encrypt-key", KEY],
        arrays.lines().next().unwrap_or_default(),
    );
    fails_cleanly(&o, &["recursion limit"]);
    let capture = serde_json::json!({"headers": {}, "body": "[".repeat(DEPTH)}).to_string();
    fails_cleanly(&run(&["parse"], capture), &["-:1: body is not JSON"]);
    let key = lark_ticket::secret::Secret::new(KEY);
    let deep = lark_ticket::crypto::encrypt(&key, "[".repeat(10_000).as_bytes(), Some([0; 16]))
        .expect("encrypt");
    let record = serde_json::json!({ "encrypt": deep }).to_string();
    // Unterminated as well as deep: either is a clean "not JSON".
    let o = run(&["decrypt", "--encrypt-key", KEY], record);
    fails_cleanly(&o, &["-:1: plaintext is not JSON: "]);
    assert!(stderr(&o).contains("recursion limit") || stderr(&o).contains("EOF while parsing"));
    let closed = lark_ticket::crypto::encrypt(
        &key,
        format!("{}{}", "[".repeat(1000), "]".repeat(1000)).as_bytes(),
        Some([0; 16]),
    )
    .expect("encrypt");
    fails_cleanly(
        &run(
            &["decrypt", "--encrypt-key", KEY],
            serde_json::json!({ "encrypt": closed }).to_string(),
        ),
        &["-:1: plaintext is not JSON: recursion limit exceeded"],
    );
}

/// The depth limit is serde_json's: a record 128 levels deep passed the
/// check (its limit was 128 inclusive) but did not parse into a value, so
/// `decrypt --pretty` printed `null` for it and exited 0. Now 127 levels
/// are read in full, plain or encrypted, and 128 are an error.
#[test]
fn the_deepest_record_accepted_is_read_in_full() {
    let nested = |depth: usize| {
        format!(
            "{{\"a\":{}{}}}",
            "[".repeat(depth - 1),
            "]".repeat(depth - 1)
        )
    };
    let key = lark_ticket::secret::Secret::new(KEY);
    let encrypted = |text: &str| {
        let e =
            lark_ticket::crypto::encrypt(&key, text.as_bytes(), Some([0; 16])).expect("encrypt");
        serde_json::json!({ "encrypt": e }).to_string()
    };
    let deepest = nested(127);
    for input in [deepest.clone(), encrypted(&deepest)] {
        let o = run(&["decrypt", "--pretty", "--encrypt-key", KEY], input);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        let out = String::from_utf8_lossy(&o.stdout);
        assert!(out.starts_with("{\n  \"a\": [\n"), "{out}");
        assert_eq!(out.matches('[').count(), 126);
    }
    let too_deep = nested(128);
    for input in [too_deep.clone(), encrypted(&too_deep)] {
        let o = run(&["decrypt", "--pretty", "--encrypt-key", KEY], input);
        fails_cleanly(&o, &["-:1: ", "recursion limit exceeded"]);
        assert!(!String::from_utf8_lossy(&o.stdout).contains("null"));
    }
}

#[test]
fn a_record_over_the_size_bound() {
    let big = format!("{{\"schema\":\"2.0\",\"pad\":\"{}\"}}", "x".repeat(1000));
    let input = format!("{big}\n{GOOD}\n");
    let bounded = ["decrypt", "--max-record-size", "500"];
    let o = run(&bounded, input.as_bytes());
    fails_cleanly(
        &o,
        &["-:1: record exceeds the 500 byte bound (raise it with --max-record-size)"],
    );
    assert_eq!(o.stdout, format!("{GOOD}\n").as_bytes());
    let o = run(&["decrypt", "--max-record-size", "2000"], input.as_bytes());
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(o.stdout, input.as_bytes());
    // HTTP bodies and verify's plain body have the same bound.
    let capture = format!("POST /e HTTP/1.1\nContent-Length: {}\n\n{big}", big.len());
    let message = format!(
        "-:1: HTTP capture: Content-Length {} exceeds the 500 byte bound",
        big.len()
    );
    fails_cleanly(&run(&bounded, capture), &[&message]);
    let no_length = format!("POST /e HTTP/1.1\n\n{big}\n");
    fails_cleanly(
        &run(&bounded, no_length),
        &["-:1: HTTP capture: body exceeds the 500 byte bound"],
    );
    let o = run(
        &["verify", "--encrypt-key", KEY, "--max-record-size", "500"],
        big.as_bytes(),
    );
    fails_cleanly(
        &o,
        &["-:1: body exceeds the 500 byte bound (raise it with --max-record-size)"],
    );
    // A line longer than the bound with no record in it.
    let o = run(&bounded, format!("{}\n{GOOD}\n", "A".repeat(5000)));
    fails_cleanly(&o, &["-:1: unexpected text"]);
    assert_eq!(o.stdout, format!("{GOOD}\n").as_bytes());
    // The bound is documented, and at least one byte.
    let help = bin().args(["parse", "--help"]).output().expect("runs");
    assert!(String::from_utf8_lossy(&help.stdout).contains("--max-record-size <BYTES>"));
    fails_cleanly(
        &run(&["parse", "--max-record-size", "0"], GOOD),
        &["--max-record-size must be at least 1"],
    );
    let o = run(&["parse", "--max-record-size", "-1"], GOOD);
    assert_eq!(o.status.code(), Some(2));
}

/// A short broken record that never closes runs into the bound; the error
/// names what is wrong with it, not the bound, which raising would not fix.
#[test]
fn a_broken_record_that_never_closes_is_not_blamed_on_the_bound() {
    let mut input = String::from("{\"schema\":\"2.0\",\"oops\n{\"a\":1,\n");
    for _ in 0..20 {
        input.push_str(GOOD);
        input.push('\n');
    }
    let o = run(&["decrypt", "--max-record-size", "300"], input.as_bytes());
    fails_cleanly(
        &o,
        &[
            "-:1: malformed JSON: control character (\\u0000-\\u001F) found while parsing a string (line 1, column 21)",
            "-:2: malformed JSON: key must be a string (line 3, column 1)",
        ],
    );
    assert!(!stderr(&o).contains("bound"), "{}", stderr(&o));
    assert_eq!(String::from_utf8_lossy(&o.stdout).lines().count(), 20);
    // A record that is merely long is still over the bound.
    let long = format!("{{\"pad\":[{}", "1,".repeat(400));
    fails_cleanly(
        &run(&["decrypt", "--max-record-size", "300"], long),
        &["-:1: record exceeds the 300 byte bound"],
    );
}
