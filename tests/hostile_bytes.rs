//! The hostile catalogue, bytes and files: invalid UTF-8 and NUL bytes in
//! records, captures, plaintexts, file names and keys; empty input and a
//! megabyte of noise; files missing, unreadable or directories. None loses
//! a good record around them.

mod common;

use common::hostile::{GOOD, fails_cleanly, json_args, run, run_file};
use common::*;

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
