//! `send`: each record posted to the user's handler as the platform would
//! deliver it ([`crate::drive`]), one line or JSON object per request.

use std::io::Write;

use super::Reporter;
use crate::cli::{OutputFormat, SendArgs};
use crate::drive::http::Poster;
use crate::drive::shape::{Shaped, Signing, compact, deliver, encrypt};
use crate::exit::ExitStatus;
use crate::input::RecordError;
use crate::listen::PLATFORM_DEADLINE;
use crate::listen::forward::HOP_BY_HOP;
use crate::record::{Origin, Payload};
use crate::render::drive::{Sent, sent_json, sent_line};
use crate::secret::Secret;
use crate::settings::Settings;

pub fn run(
    args: &SendArgs,
    settings: &Settings,
    out: &mut dyn Write,
    report: &mut Reporter,
) -> anyhow::Result<ExitStatus> {
    let poster = Poster::new(&args.url, super::seconds("--max-time", args.max_time)?)?;
    let key = settings.encrypt_key.as_ref();
    if args.encrypt && key.is_none() {
        anyhow::bail!("--encrypt needs the Encrypt Key (LARK_ENCRYPT_KEY or --encrypt-key-file)");
    }
    let mut refused = false;
    for payload in super::payloads(&args.input.files, settings) {
        let payload = match payload {
            Ok(p) => p,
            Err(e) => {
                report.error(&e);
                continue;
            }
        };
        let location = payload.location.clone();
        let request = match shape(&payload, args, key) {
            Ok(r) => r,
            Err(why) => {
                report.error(&RecordError::new(location, why));
                continue;
            }
        };
        let answer = poster.post(&request.headers, &request.body);
        let source = location.to_string();
        let sent = Sent {
            source: &source,
            answer: answer.as_ref(),
        };
        match settings.output {
            OutputFormat::Json => {
                serde_json::to_writer(&mut *out, &sent_json(&sent))?;
                writeln!(out)?;
            }
            OutputFormat::Table => sent_line(out, &settings.style, &sent)?,
        }
        out.flush()?;
        match &answer {
            Ok(a) => {
                refused |= !a.is_success();
                if a.elapsed > PLATFORM_DEADLINE {
                    report.warning(
                        &location,
                        format_args!(
                            "answered after {:.1} s; the platform gives up after {} s and \
                             pushes the event again",
                            a.elapsed.as_secs_f64(),
                            PLATFORM_DEADLINE.as_secs()
                        ),
                    );
                }
            }
            Err(e) => report.error(&RecordError::new(location, format!("no answer: {}", e.why))),
        }
    }
    Ok(report.status(if refused {
        ExitStatus::Negative
    } else {
        ExitStatus::Success
    }))
}

/// The request for one record.
fn shape(payload: &Payload, args: &SendArgs, key: Option<&Secret>) -> Result<Shaped, String> {
    if args.as_captured {
        if !matches!(payload.origin, Origin::CaptureRecord | Origin::HttpCapture) {
            return Err(
                "--as-captured needs a capture record or an HTTP capture, with headers to send"
                    .to_string(),
            );
        }
        let headers = payload
            .headers
            .iter()
            .filter(|(name, _)| !HOP_BY_HOP.contains(&name.to_ascii_lowercase().as_str()))
            .map(|(n, v)| (n.to_string(), v.to_string()))
            .collect();
        return Ok(Shaped {
            headers,
            body: payload.body.to_vec(),
        });
    }
    let mut body = payload.body.to_vec();
    if args.compact {
        body = compact(&body)?;
    }
    if args.encrypt {
        if payload.encrypted_field().is_some() {
            return Err("--encrypt: the record is already encrypted".to_string());
        }
        let key = key.ok_or("--encrypt needs the Encrypt Key")?;
        body = encrypt(key, &body).map_err(|e| e.to_string())?;
    }
    deliver(body, Signing::now(key)).map_err(|e| e.to_string())
}
