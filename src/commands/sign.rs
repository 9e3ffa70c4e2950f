//! `sign`: the signature headers (and, with `--encrypt`, the encrypted body)
//! of a test request.

use std::io::Write;

use anyhow::Context as _;

use crate::cli::{OutputFormat, SignArgs};
use crate::diagnostics::{ENCRYPT_KEY_HINT, Reporter};
use crate::exit::ExitStatus;
use crate::input::{Input, Location};
use crate::settings::Settings;
use crate::verify::request::read_bounded;
use crate::verify::sign::{parse_iv, random_nonce, sign};

pub fn run(
    args: &SignArgs,
    settings: &Settings,
    out: &mut dyn Write,
    report: &mut Reporter,
) -> anyhow::Result<ExitStatus> {
    let Some(key) = settings.encrypt_key.as_ref() else {
        anyhow::bail!("sign needs the Encrypt Key: {ENCRYPT_KEY_HINT}");
    };
    let iv = args.iv.as_deref().map(parse_iv).transpose()?;
    let input = Input::from_args(args.file.as_slice())
        .into_iter()
        .next()
        .unwrap_or(Input::Stdin);
    let body = match read_bounded(&input, settings.max_record) {
        Ok(body) => body,
        Err(e) => {
            report.error(&e);
            return Ok(ExitStatus::Error);
        }
    };
    let timestamp = match &args.timestamp {
        Some(ts) => ts.clone(),
        None => jiff::Timestamp::now().as_second().to_string(),
    };
    let nonce = match &args.nonce {
        Some(nonce) => nonce.clone(),
        None => random_nonce()?,
    };
    if !args.encrypt
        && let Ok(value) = serde_json::from_slice::<serde_json::Value>(&body)
        && !crate::verify::is_compact(&value, &body)
    {
        report.warning(
            &Location::new(input.name(), 0),
            "the body is not compact JSON: the Node SDK hashes JSON.stringify of the parsed body \
             and will reject this signature (sign the output of `jq -cj . FILE` for a Node handler)",
        );
    }
    let signed = sign(key, &body, &timestamp, &nonce, args.encrypt.then_some(iv))
        .context("cannot encrypt the body")?;
    match settings.output {
        OutputFormat::Json => {
            serde_json::to_writer(&mut *out, &signed.json())?;
            writeln!(out)?;
        }
        OutputFormat::Table => out.write_all(signed.curl_lines(args.encrypt).as_bytes())?,
    }
    Ok(ExitStatus::Success)
}
