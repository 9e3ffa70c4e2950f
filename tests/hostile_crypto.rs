//! The hostile catalogue, encryption and secrets: `encrypt` values that are
//! not strings, empty, huge or of every bad length, base64 that is not
//! standard, and the Encrypt Key and Verification Token never shown in any
//! output, help, debug text or error.

mod common;

use std::process::Output;

use common::hostile::{GOOD, fails_cleanly, json_args, run, run_file};
use common::*;

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
