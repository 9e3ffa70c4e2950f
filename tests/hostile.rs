//! The hostile-input catalogue: everything this tool reads is untrusted.
//! Each entry exits cleanly with a clear message naming the record (exit 2),
//! or with a warning where the input only deviates from the schema; none
//! panics, hangs, loses a good record or prints a secret.

mod common;

use std::process::Output;

use common::*;

const GOOD: &str = "{\"type\":\"url_verification\",\"challenge\":\"c\",\"token\":\"t\"}";

fn run(args: &[&str], stdin: impl Into<Vec<u8>>) -> Output {
    bin()
        .args(args)
        .write_stdin(stdin.into())
        .output()
        .expect("runs")
}

/// `cmd` with `-o json` when it has that option (`decrypt` prints
/// plaintext and has none), then `rest`.
fn json_args<'a>(cmd: &'a str, rest: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec![cmd];
    if cmd != "decrypt" {
        args.extend(["-o", "json"]);
    }
    args.extend(rest);
    args
}

/// Exit 2, every stderr line prefixed, no panic, and each expected text
/// in stderr.
fn fails_cleanly(o: &Output, expected: &[&str]) {
    let err = stderr(o);
    assert_eq!(o.status.code(), Some(2), "stderr:\n{err}");
    assert!(!err.contains("panicked"), "{err}");
    assert!(
        err.lines().all(|l| l.starts_with("lark-ticket: ")),
        "unprefixed stderr:\n{err}"
    );
    for text in expected {
        assert!(err.contains(text), "missing {text:?} in\n{err}");
    }
}

#[test]
fn encrypt_that_is_not_a_string() {
    let input = "{\"encrypt\":5}\n{\"encrypt\":null}\n{\"encrypt\":{\"a\":1}}\n";
    for cmd in ["decrypt", "parse"] {
        let o = run(&json_args(cmd, &["--encrypt-key", KEY]), input);
        assert!(o.stdout.is_empty(), "{cmd} printed a broken record");
        fails_cleanly(
            &o,
            &[
                "-:1: \"encrypt\" is a number, not a base64 string",
                "-:2: \"encrypt\" is null",
                "-:3: \"encrypt\" is an object",
            ],
        );
    }
}

#[test]
fn duplicate_headers() {
    // Conflicting Content-Length: the body cannot be delimited.
    let conflicting = "POST /e HTTP/1.1\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}";
    fails_cleanly(
        &run(&["parse"], conflicting),
        &["-:1: HTTP capture: conflicting Content-Length headers"],
    );
    // Repeated but equal: fine.
    let repeated = format!(
        "POST /e HTTP/1.1\r\nContent-Length: {n}\r\nContent-Length: {n}\r\n\r\n{GOOD}",
        n = GOOD.len()
    );
    let o = run(&["parse", "-o", "json"], repeated);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    // Two signatures: verify checks the first, as the SDKs do, and warns.
    let body = "{\"schema\":\"2.0\",\"header\":{\"event_type\":\"x\"},\"event\":{}}";
    let good = lark_ticket::crypto::signature(
        "1700000000",
        "n",
        &lark_ticket::secret::Secret::new(KEY),
        body.as_bytes(),
    );
    for (first, second, code) in [(good.as_str(), "0", 0), ("0", good.as_str(), 1)] {
        let capture = format!(
            "POST /e HTTP/1.1\nX-Lark-Request-Timestamp: 1700000000\nX-Lark-Request-Nonce: n\n\
             X-Lark-Signature: {first}\nx-lark-signature: {second}\nContent-Length: {}\n\n{body}",
            body.len()
        );
        let o = run(&["verify", "--encrypt-key", KEY, "-o", "json"], capture);
        assert_eq!(o.status.code(), Some(code), "{}", stderr(&o));
        assert!(
            stderr(&o).contains(
                "lark-ticket: warning: -:1: X-Lark-Signature appears more than once with \
                 different values; checking the first"
            ),
            "{}",
            stderr(&o)
        );
    }
}

/// Runs with the input in a temporary file (for inputs too big for a pipe
/// buffer to be convenient, and for file-only cases).
fn run_file(args: &[&str], content: &[u8]) -> Output {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("input");
    std::fs::write(&path, content).expect("write");
    bin().args(args).arg(&path).output().expect("runs")
}

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
fn numbers_out_of_range() {
    // Beyond f64 in a field the model reads: malformed JSON. (In a field
    // nothing reads it is skipped like the rest of that field.)
    fails_cleanly(
        &run(
            &["parse"],
            "{\"schema\":\"2.0\",\"header\":{\"event_type\":\"helpdesk.ticket.updated_v1\"},\"event\":{\"object\":{\"stage\":1e400}}}\n",
        ),
        &["-:1: ", "number out of range"],
    );
    // Representable but not the integers the schema says: warnings, exit 0;
    // --strict makes them deviations (exit 1).
    let event = r#"{"schema":"2.0","header":{"event_type":"helpdesk.ticket.updated_v1","create_time":"99999999999999999999"},
        "event":{"object":{"ticket_id":"t","stage":99999999999999999999,"status":-1e300,"created_at":9223372036854775807,
        "updated_at":-9223372036854775808,"closed_at":1.5e18},"old_object":{"updated_at":1e19,"status":-9223372036854775809}}}"#
        .replace('\n', "");
    for format in ["table", "json"] {
        let o = run(&["parse", "--utc", "-o", format], event.as_bytes());
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        let out = String::from_utf8_lossy(&o.stdout);
        assert!(out.contains("out of range"), "{out}");
        let warnings = if format == "json" {
            out.to_string()
        } else {
            stderr(&o)
        };
        for path in [
            "header.create_time",
            "event.object.stage",
            "event.object.status",
            "event.old_object.updated_at",
        ] {
            assert!(warnings.contains(path), "{path} in {warnings}");
        }
    }
    let o = run(&["parse", "--strict", "-o", "json"], event.as_bytes());
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    // Timestamps at the ends of i64 in verify. With the largest --max-age
    // (2^64 - 1 s) the ends are 2^64 - 1 s apart, within it: the check
    // passes (exit 0). A timestamp past i64 is not Unix seconds, and 1e20 s
    // from now would be beyond any --max-age anyway: it fails (exit 1).
    for (ts, now, code) in [
        ("-9223372036854775808", "9223372036854775807", 0),
        ("9223372036854775807", "-9223372036854775808", 0),
        ("99999999999999999999", "0", 1),
    ] {
        let o = bin()
            .args([
                "verify",
                "--encrypt-key",
                KEY,
                "--nonce",
                "n",
                "--signature",
                "x",
                "--max-age",
                "18446744073709551615",
                "-o",
                "json",
            ])
            .arg(format!("--timestamp={ts}"))
            .arg(format!("--now={now}"))
            .write_stdin(GOOD)
            .output()
            .expect("runs");
        assert_eq!(o.status.code(), Some(code), "{ts}: {}", stderr(&o));
        assert!(!stderr(&o).contains("panicked"));
    }
}

#[test]
fn invalid_utf8() {
    // In a JSON document: malformed, and the next record survives.
    let o = run(
        &["parse", "-o", "json"],
        [
            b"{\"schema\":\"2.0\",\"x\":\"\xff\xfe\"}\n".as_slice(),
            GOOD.as_bytes(),
        ]
        .concat(),
    );
    fails_cleanly(&o, &["-:1: ", "malformed JSON: invalid UTF-8 at byte 21"]);
    assert_eq!(String::from_utf8_lossy(&o.stdout).lines().count(), 1);
    // In an HTTP capture's headers (shown lossily) and body (not JSON).
    let capture =
        [b"POST /e HTTP/1.1\r\nX-A: \xff\r\nContent-Length: 3\r\n\r\n\xff{}".as_slice()].concat();
    fails_cleanly(&run(&["parse"], capture), &["-:1: body is not JSON"]);
    // A capture record's body_base64 that is not UTF-8.
    let record = "{\"headers\":{},\"body_base64\":\"//79\"}";
    fails_cleanly(&run(&["decrypt"], record), &["-:1: body is not JSON"]);
    // A plaintext that is not UTF-8.
    let key = lark_ticket::secret::Secret::new(KEY);
    let enc =
        lark_ticket::crypto::encrypt(&key, b"{\"a\":\"\xff\"}", Some([1; 16])).expect("encrypt");
    fails_cleanly(
        &run(
            &["decrypt", "--encrypt-key", KEY],
            format!("{{\"encrypt\":\"{enc}\"}}"),
        ),
        &["-:1: plaintext is not UTF-8 (invalid byte at offset 6)"],
    );
    // A file name that is not UTF-8 is named lossily.
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        let name = std::ffi::OsStr::from_bytes(b"/nonexistent/\xff.json");
        let o = bin().arg("parse").arg(name).output().expect("runs");
        fails_cleanly(&o, &["/nonexistent/\u{fffd}.json: no such file"]);
    }
    // Key sources that are not UTF-8.
    let dir = tempfile::tempdir().expect("tempdir");
    let key_file = dir.path().join("key");
    std::fs::write(&key_file, b"\xff\xfe\n").expect("write");
    let o = bin()
        .args(["decrypt", "--encrypt-key-file"])
        .arg(&key_file)
        .write_stdin(GOOD)
        .output()
        .expect("runs");
    fails_cleanly(&o, &["cannot read --encrypt-key-file"]);
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        let o = bin()
            .arg("decrypt")
            .env("LARK_ENCRYPT_KEY", std::ffi::OsStr::from_bytes(b"\xff"))
            .write_stdin(GOOD)
            .output()
            .expect("runs");
        fails_cleanly(&o, &["LARK_ENCRYPT_KEY is not valid UTF-8"]);
    }
}

#[test]
fn nul_bytes() {
    // Inside a string, at a record start, and in a capture's header and body.
    let o = run(
        &["parse", "-o", "json"],
        format!("{{\"a\":\"\0\"}}\n\0\0\n{GOOD}\n\0{GOOD}\n"),
    );
    fails_cleanly(
        &o,
        &[
            "-:1: malformed JSON: control character",
            "-:4: unexpected text",
        ],
    );
    assert_eq!(String::from_utf8_lossy(&o.stdout).lines().count(), 1);
    let capture = "POST /e HTTP/1.1\nX-A: a\0b\nContent-Length: 3\n\n{\0}";
    fails_cleanly(&run(&["parse"], capture), &["-:1: body is not JSON"]);
    // A NUL in the key is just a byte of the key.
    let dir = tempfile::tempdir().expect("tempdir");
    let key_file = dir.path().join("key");
    std::fs::write(&key_file, b"a\0b").expect("write");
    let o = bin()
        .args(["decrypt", "--encrypt-key-file"])
        .arg(&key_file)
        .write_stdin(GOOD)
        .output()
        .expect("runs");
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}

#[test]
fn empty_and_huge_encrypt_strings() {
    fails_cleanly(
        &run(&["decrypt", "--encrypt-key", KEY], "{\"encrypt\":\"\"}\n"),
        &["-:1: ciphertext too short: 0 bytes"],
    );
    // 12 MiB of ciphertext (16 MiB of base64): over the default bound...
    let key = lark_ticket::secret::Secret::new(KEY);
    let plaintext = format!("{{\"pad\":\"{}\"}}", "x".repeat(12 << 20));
    let enc =
        lark_ticket::crypto::encrypt(&key, plaintext.as_bytes(), Some([2; 16])).expect("encrypt");
    let record = format!("{{\"encrypt\":\"{enc}\"}}\n{GOOD}\n");
    let o = run_file(&["decrypt", "--encrypt-key", KEY], record.as_bytes());
    fails_cleanly(
        &o,
        &[":1: record exceeds the 16777216 byte bound (raise it with --max-record-size)"],
    );
    assert_eq!(
        o.stdout,
        format!("{GOOD}\n").as_bytes(),
        "the next record survives"
    );
    // ...and decrypts with the bound raised; with the wrong key, it fails cleanly.
    let o = run_file(
        &[
            "decrypt",
            "--encrypt-key",
            KEY,
            "--max-record-size",
            "20000000",
        ],
        record.as_bytes(),
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(o.stdout.len(), plaintext.len() + 1 + GOOD.len() + 1);
    let o = run_file(
        &[
            "decrypt",
            "--encrypt-key",
            "wrong",
            "--max-record-size",
            "20000000",
        ],
        record.as_bytes(),
    );
    fails_cleanly(
        &o,
        &[":1: decrypted bytes are not PKCS#7 padded: wrong encrypt key?"],
    );
    // Base64 that is not standard: whitespace, the URL-safe alphabet, no padding.
    let std = lark_ticket::crypto::encrypt(&key, b"{}", Some([3; 16])).expect("encrypt");
    let url_safe = std.replace('+', "-").replace('/', "_");
    let unpadded = std.trim_end_matches('=').to_string();
    let wrapped = format!("{}\\n{}", &std[..20], &std[20..]);
    for (bad, offset) in [(url_safe, ""), (unpadded, ""), (wrapped, "at offset 20")] {
        let input = format!("{{\"encrypt\":\"{bad}\"}}");
        let o = run(&["decrypt", "--encrypt-key", KEY], input);
        fails_cleanly(&o, &["-:1: invalid base64 in \"encrypt\"", offset]);
    }
}

#[test]
fn ciphertexts_of_every_bad_length() {
    use base64::Engine;
    let mut input = String::new();
    for len in 0..=80 {
        let b64 = base64::engine::general_purpose::STANDARD.encode(vec![0x5a; len]);
        input.push_str(&format!("{{\"encrypt\":\"{b64}\"}}\n"));
    }
    let o = run(&["decrypt", "--encrypt-key", KEY], input);
    fails_cleanly(&o, &[]);
    let err = stderr(&o);
    for len in 0..=80usize {
        let line = len + 1;
        let expected = if len % 16 != 0 {
            format!("-:{line}: ciphertext length {len} is not a multiple of 16")
        } else if len < 32 {
            format!("-:{line}: ciphertext too short: {len} bytes")
        } else {
            // Whole blocks of garbage: they decrypt, to no valid padding.
            format!("-:{line}: decrypted bytes are not")
        };
        assert!(err.contains(&expected), "{expected:?} in\n{err}");
    }
    assert!(o.stdout.is_empty());
}

#[test]
fn truncated_http_captures() {
    let cases: [(&str, &str); 5] = [
        (
            "POST /e HTTP/1.1\r\n",
            "truncated HTTP capture: no blank line after the headers",
        ),
        (
            "POST /e HTTP/1.1\r\nX-A",
            "truncated HTTP capture: no blank line after the headers",
        ),
        (
            "POST /e HTTP/1.1\r\nX-A: 1\r\n",
            "truncated HTTP capture: no blank line after the headers",
        ),
        (
            "POST /e HTTP/1.1\r\nContent-Length: 50\r\n\r\n{\"a\"",
            "truncated HTTP capture: Content-Length is 50 but only 4 bytes follow",
        ),
        (
            "POST /e HTTP/1.1\r\nContent-Length: 99999999999999999999999\r\n\r\n{}",
            "HTTP capture: Content-Length \"99999999999999999999999\" is not a number",
        ),
    ];
    for (capture, message) in cases {
        for cmd in ["parse", "decrypt"] {
            fails_cleanly(&run(&[cmd], capture), &[&format!("-:1: {message}")]);
        }
        let o = bin()
            .args(["verify", "--encrypt-key", KEY])
            .write_stdin(capture)
            .output()
            .expect("runs");
        fails_cleanly(&o, &[&format!("-:1: {message}")]);
    }
    // A capture cut short by the next one: the next is still found.
    let two =
        format!("POST /e HTTP/1.1\nContent-Length: 500\n\n{{\"a\"\nPOST /e HTTP/1.1\n\n{GOOD}");
    let o = run(&["decrypt"], two);
    fails_cleanly(&o, &["-:1: truncated HTTP capture"]);
    assert_eq!(o.stdout, format!("{GOOD}\n").as_bytes());
}

#[test]
fn headers_without_values() {
    // An empty value is a value; no colon or no name is an error.
    let empty = format!(
        "POST /e HTTP/1.1\nX-Empty:\nX-Lark-Signature:\nContent-Length: {}\n\n{GOOD}",
        GOOD.len()
    );
    let o = run(&["parse", "-o", "json"], empty.as_bytes());
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    for (line, message) in [
        ("X-No-Colon", "header line 2 has no ':'"),
        (": value", "header line 2 has no valid name"),
        ("Bad Name: v", "header line 2 has no valid name"),
    ] {
        let capture = format!("POST /e HTTP/1.1\n{line}\n\n{GOOD}");
        fails_cleanly(
            &run(&["parse"], capture),
            &[&format!("-:1: HTTP capture: {message}")],
        );
    }
    // verify with the signing headers present but empty: a failing check, not an error.
    let capture = "POST /e HTTP/1.1\nX-Lark-Request-Timestamp:\nX-Lark-Request-Nonce:\nX-Lark-Signature:\nContent-Length: 2\n\n{}";
    let o = run(&["verify", "--encrypt-key", KEY, "-o", "json"], capture);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.contains("\"received_signature\":\"\""), "{out}");
    // Capture records whose header values are not strings.
    for headers in ["{\"X-A\":1}", "{\"X-A\":null}", "{\"X-A\":[\"a\",2]}"] {
        let record = format!("{{\"headers\":{headers},\"body\":\"{{}}\"}}");
        fails_cleanly(
            &run(&["parse"], record),
            &["-:1: capture record: header \"X-A\""],
        );
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

#[test]
fn missing_files_directories_and_unreadable_files() {
    let dir = tempfile::tempdir().expect("tempdir");
    let good = dir.path().join("good.json");
    std::fs::write(&good, GOOD).expect("write");
    let missing = dir.path().join("missing.json");
    let unreadable = dir.path().join("unreadable.json");
    std::fs::write(&unreadable, GOOD).expect("write");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&unreadable, std::fs::Permissions::from_mode(0o000))
            .expect("chmod");
    }
    // Root reads anything: the permission case only means something otherwise.
    let can_read = std::fs::read(&unreadable).is_ok();
    for cmd in ["parse", "decrypt", "diff"] {
        let mut c = bin();
        c.args(json_args(cmd, &[]))
            .arg(&missing)
            .arg(dir.path())
            .arg(&unreadable)
            .arg(&good);
        let o = c.output().expect("runs");
        let mut expected = vec![
            "missing.json: no such file".to_string(),
            format!("{}: is a directory, not a file", dir.path().display()),
        ];
        if !can_read {
            expected.push("unreadable.json: permission denied".to_string());
        }
        let expected: Vec<&str> = expected.iter().map(String::as_str).collect();
        fails_cleanly(&o, &expected);
        if cmd != "diff" {
            let records = String::from_utf8_lossy(&o.stdout).lines().count();
            assert_eq!(
                records,
                if can_read { 2 } else { 1 },
                "{cmd}: the readable files are still read"
            );
        }
    }
    for path in [missing.as_path(), dir.path()] {
        let o = bin()
            .args(["verify", "--encrypt-key", KEY])
            .arg(path)
            .output()
            .expect("runs");
        fails_cleanly(&o, &[]);
    }
    // A file that opens but cannot be read.
    #[cfg(target_os = "linux")]
    for cmd in ["parse", "verify"] {
        let o = bin()
            .args([cmd, "--encrypt-key", KEY, "/proc/self/mem"])
            .output()
            .expect("runs");
        fails_cleanly(&o, &["/proc/self/mem", "Input/output error"]);
    }
    // Key files that are missing or directories.
    for path in [missing.as_path(), dir.path()] {
        let o = bin()
            .args(["decrypt", "--encrypt-key-file"])
            .arg(path)
            .arg(&good)
            .output()
            .expect("runs");
        fails_cleanly(&o, &["cannot read --encrypt-key-file"]);
    }
}

#[test]
fn empty_and_binary_input() {
    for input in [&b""[..], b"\n\n  \r\n", b"\xef\xbb\xbf", b"\xef\xbb\xbf\n"] {
        let o = run(&["parse", "-o", "json"], input);
        assert_eq!(o.status.code(), Some(0), "{input:?}: {}", stderr(&o));
        assert!(o.stdout.is_empty() && o.stderr.is_empty());
    }
    // A megabyte of pseudo-random bytes, with good records around it.
    let mut state = 0x2545_f491_4f6c_dd1du64;
    let noise: Vec<u8> = (0..1 << 20)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 24) as u8
        })
        .collect();
    let input = [
        format!("{GOOD}\n").as_bytes(),
        &noise,
        format!("\n{GOOD}\n").as_bytes(),
    ]
    .concat();
    for cmd in ["parse", "decrypt", "diff"] {
        let o = run_file(&json_args(cmd, &["--encrypt-key", KEY]), &input);
        fails_cleanly(&o, &[]);
        if cmd != "diff" {
            assert_eq!(
                String::from_utf8_lossy(&o.stdout).lines().count(),
                2,
                "{cmd}"
            );
        }
    }
    let o = run_file(&["verify", "--encrypt-key", KEY], &noise);
    fails_cleanly(&o, &[]);
}

/// A verification token that, unlike the fixtures' own, appears in no
/// payload: if it shows up in any output, the tool leaked it.
const OTHER_TOKEN: &str = "tok-3c9d1e7a0b5f4862-never-printed";

#[test]
fn secrets_never_appear_in_output_help_debug_or_errors() {
    use clap::Parser;
    use lark_ticket::cli::Cli;
    use lark_ticket::settings::Settings;

    let leaks = |o: &Output, what: &str| {
        for stream in [&o.stdout, &o.stderr] {
            let text = String::from_utf8_lossy(stream);
            assert!(
                !text.contains(KEY) && !text.contains(OTHER_TOKEN),
                "{what} leaked a secret:\n{text}"
            );
        }
    };
    let dir = tempfile::tempdir().expect("tempdir");
    let key_file = dir.path().join("key");
    std::fs::write(&key_file, format!("{KEY}\n")).expect("write");
    let bad = "{\"encrypt\":\"AAAA\"}\n{\"encrypt\":\"bad!\"}\n{\"type\":\"url_verification\",\"token\":\"x\",\"challenge\":\"c\"}\n";
    let fixtures = [
        "testdata/stream.ndjson",
        "testdata/wrong-key.json",
        "testdata/verify-request.http",
        "testdata/captures.ndjson",
    ];
    let commands: [&[&str]; 7] = [
        &["decrypt"],
        &["decrypt", "--pretty"],
        &["parse", "--strict"],
        &["diff"],
        &["diff", "--timeline"],
        &["verify", "--max-age", "1", "--now", "1"],
        &[
            "sign",
            "--encrypt",
            "--iv",
            "000102030405060708090a0b0c0d0e0f",
        ],
    ];
    for command in commands {
        for format in ["table", "json"] {
            // Secrets as flags, from files and from the environment.
            for how in 0..3 {
                let inputs: Vec<&str> = if command[0] == "verify" || command[0] == "sign" {
                    vec![fixtures[2]]
                } else {
                    fixtures.to_vec()
                };
                let mut c = bin();
                c.args(command).args(["-o", format]).args(&inputs);
                match how {
                    0 => c.args(["--encrypt-key", KEY, "--verification-token", OTHER_TOKEN]),
                    1 => c.arg("--encrypt-key-file").arg(&key_file),
                    _ => c
                        .env("LARK_ENCRYPT_KEY", KEY)
                        .env("LARK_VERIFICATION_TOKEN", OTHER_TOKEN),
                };
                leaks(
                    &c.output().expect("runs"),
                    &format!("{command:?} -o {format} ({how})"),
                );
                let o = bin()
                    .args(command)
                    .args([
                        "-o",
                        format,
                        "--encrypt-key",
                        KEY,
                        "--verification-token",
                        OTHER_TOKEN,
                    ])
                    .write_stdin(bad)
                    .output()
                    .expect("runs");
                leaks(&o, &format!("{command:?} on bad records"));
            }
        }
        // Help, with the secrets in the environment (clap can show env values).
        let help = bin()
            .args(command)
            .arg("--help")
            .env("LARK_ENCRYPT_KEY", KEY)
            .env("LARK_VERIFICATION_TOKEN", OTHER_TOKEN)
            .output()
            .expect("runs");
        leaks(&help, &format!("{command:?} --help"));
    }
    // Usage errors around the secret flags.
    for args in [
        &["parse", "--encrypt-key", KEY, "--encrypt-key", KEY][..],
        &["parse", "--encrypt-key", KEY, "--encrypt-key-file", "x"],
        &["parse", "--verification-token", OTHER_TOKEN, "--bogus"],
        &["bogus", "--encrypt-key", KEY],
    ] {
        let o = bin().args(args).output().expect("runs");
        assert_eq!(o.status.code(), Some(2));
        leaks(&o, &format!("{args:?}"));
    }
    // Debug output of the parsed arguments and the resolved settings.
    let cli = Cli::try_parse_from([
        "lark-ticket",
        "verify",
        "--encrypt-key",
        KEY,
        "--verification-token",
        OTHER_TOKEN,
    ])
    .expect("parses");
    let settings = Settings::resolve(&cli.options()).expect("resolves");
    for debug in [
        format!("{cli:?}"),
        format!("{settings:?}"),
        format!("{:#?}", cli.options()),
    ] {
        assert!(
            !debug.contains(KEY) && !debug.contains(OTHER_TOKEN),
            "{debug}"
        );
        assert!(debug.contains("[redacted]"), "{debug}");
    }
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

// Integers at their extremes, from the input or the environment. Debug
// builds (these tests') check every operation for overflow, so each of
// these once panicked or, in a release build, printed a wrong value.

/// The ticket-updated fixture with another `header.create_time`.
fn with_create_time(create_time: &str) -> String {
    String::from_utf8(read("ticket-updated.json"))
        .expect("UTF-8")
        .replace("\"1608725989000\"", &format!("\"{create_time}\""))
}

#[test]
fn create_time_at_the_ends_of_i64() {
    for (create_time, ms, shown) in [
        (
            "-9223372036854775808",
            i64::MIN,
            "out of range (-9223372036854775808)",
        ),
        (
            "9223372036854775807",
            i64::MAX,
            "out of range (9223372036854775807)",
        ),
        // Microseconds, the old events' form, before 1970 too.
        (
            "-1608725989000123",
            -1_608_725_989_000,
            "1919-01-09T11:40:11Z",
        ),
    ] {
        let event = with_create_time(create_time);
        let o = run(&["parse", "--utc"], event.as_bytes());
        assert_eq!(o.status.code(), Some(0), "{create_time}: {}", stderr(&o));
        let table = String::from_utf8_lossy(&o.stdout);
        assert!(table.contains(shown), "{create_time}: {table}");
        let o = run(&["parse", "--utc", "-o", "json"], event.as_bytes());
        assert_eq!(o.status.code(), Some(0), "{create_time}: {}", stderr(&o));
        assert_eq!(json_lines(&o)[0]["create_time"], ms, "{create_time}");
        for mode in [&["diff"][..], &["diff", "--timeline"]] {
            let o = run(&[mode, &["--utc"]].concat(), event.as_bytes());
            assert_eq!(o.status.code(), Some(0), "{mode:?}: {}", stderr(&o));
        }
    }
}

#[test]
fn schema_1_seconds_out_of_range_are_warnings_not_wrong_times() {
    let input = [
        r#"{"uuid":"a","ts":1e308,"event":{"type":"x"}}"#,
        r#"{"uuid":"b","ts":-9223372036854775808,"event":{"type":"x"}}"#,
        r#"{"uuid":"c","ts":"99999999999999999999.5","event":{"type":"x"}}"#,
        r#"{"uuid":"d","ts":"-1.5","event":{"type":"x"}}"#,
    ]
    .join("\n");
    let o = run(&["parse", "-o", "json"], input);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let records = json_lines(&o);
    for record in &records[..3] {
        assert_eq!(record["create_time"], serde_json::Value::Null, "{record}");
        let warnings = record["warnings"].to_string();
        assert!(warnings.contains("ts: ") && warnings.contains("out of range"));
    }
    // Before 1970 the fraction counts backwards too.
    assert_eq!(records[3]["create_time"], -1500);
}

#[test]
fn threads_are_bounded() {
    for n in ["1025", "1000000", "18446744073709551615"] {
        let o = run(&["parse", "-j", n], GOOD);
        assert_eq!(o.status.code(), Some(2), "-j {n}: {}", stderr(&o));
        let err = stderr(&o);
        assert!(err.contains("--threads") && err.contains("1024"), "{err}");
        assert!(!err.contains("panicked"), "{err}");
    }
    // The bound itself is fine, on records enough to start the threads.
    let many = format!("{GOOD}\n").repeat(300);
    let o = run(&["parse", "-j", "1024", "-o", "json"], many);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(json_lines(&o).len(), 300);
    let help = bin().args(["parse", "--help"]).output().expect("runs");
    assert!(String::from_utf8_lossy(&help.stdout).contains("at most 1024"));
}

#[test]
fn any_columns_is_a_width() {
    let event = read("ticket-updated.json");
    let capture = read("capture.http");
    for columns in ["18446744073709551615", "0", "1"] {
        for (args, input) in [
            (&["parse"][..], &event),
            (&["diff"], &event),
            (&["diff", "--timeline"], &event),
            (&["verify", "--encrypt-key", KEY], &capture),
        ] {
            let o = bin()
                .env("COLUMNS", columns)
                .args(args)
                .write_stdin(input.clone())
                .output()
                .expect("runs");
            let err = stderr(&o);
            assert!(matches!(o.status.code(), Some(0 | 1)), "{args:?}: {err}");
            assert!(!err.contains("panicked"), "{err}");
            assert!(!o.stdout.is_empty(), "COLUMNS={columns} {args:?}");
        }
    }
}

#[test]
fn content_length_at_the_end_of_usize() {
    let capture = "POST /e HTTP/1.1\r\nContent-Length: 18446744073709551615\r\n\r\n{}";
    let max = usize::MAX.to_string();
    fails_cleanly(
        &run(&["parse", "--max-record-size", &max], capture),
        &[
            "-:1: truncated HTTP capture: Content-Length is 18446744073709551615 but only 2 bytes follow",
        ],
    );
}

#[test]
fn request_age_beyond_i64_is_exact() {
    // now - timestamp is 2^64 - 1 seconds: more than a --max-age of 2^63
    // (an age saturated at i64::MAX passed it).
    let o = bin()
        .args([
            "verify",
            "--encrypt-key",
            KEY,
            "--nonce",
            "n",
            "--signature",
            "x",
        ])
        .args(["--max-age", "9223372036854775808", "-o", "json"])
        .args([
            "--timestamp=-9223372036854775808",
            "--now=9223372036854775807",
        ])
        .write_stdin(GOOD)
        .output()
        .expect("runs");
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let report = &json_lines(&o)[0];
    let checks = report["checks"].as_array().expect("checks");
    let timestamp = checks
        .iter()
        .find(|c| c["name"] == "timestamp")
        .expect("a timestamp check");
    assert_eq!(timestamp["status"], "fail", "{timestamp}");
    assert!(
        timestamp["detail"]
            .as_str()
            .is_some_and(|d| d.contains("18446744073709551615 s"))
    );
}

#[test]
fn golden_integers_beyond_f64_precision_still_differ() {
    let dir = tempfile::tempdir().expect("tempdir");
    let expected = dir.path().join("expected.json");
    std::fs::write(&expected, r#"{"n":9007199254740993,"m":1}"#).expect("write");
    let o = bin()
        .args(["diff", "-o", "json", "--against"])
        .arg(&expected)
        .write_stdin(r#"{"n":9007199254740992.0,"m":1.0}"#)
        .output()
        .expect("runs");
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let lines = json_lines(&o);
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert_eq!(lines[0]["path"], "n");
}
