//! The hostile catalogue, HTTP captures: repeated and conflicting headers,
//! captures cut short, and header lines without a value, a colon or a
//! name. Each is a clean error naming the record, or a warning.

mod common;

use common::hostile::{GOOD, fails_cleanly, run};
use common::*;

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
