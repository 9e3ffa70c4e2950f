//! `verify`: signature, token and timestamp checks of each request, with a
//! diagnosis of signature mismatches.

use std::io::Write;

use crate::cli::{OutputFormat, VerifyArgs};
use crate::diagnostics::{ENCRYPT_KEY_HINT, Reporter};
use crate::event::{Detail, Event};
use crate::exit::ExitStatus;
use crate::input::{Headers, Input, RecordError};
use crate::record::{Payload, Record};
use crate::render::table::terminal_width;
use crate::render::verify as show;
use crate::settings::Settings;
use crate::verify::{
    self, Clock, Decoded, NONCE_HEADER, SIGNATURE_HEADER, Secrets, TIMESTAMP_HEADER, request,
};

struct Run<'a> {
    settings: &'a Settings,
    overrides: Headers,
    clock: Clock,
    width: Option<usize>,
    first: bool,
}

pub fn run(
    args: &VerifyArgs,
    settings: &Settings,
    out: &mut dyn Write,
    report: &mut Reporter,
) -> anyhow::Result<ExitStatus> {
    let mut overrides = request::parse_header_flags(&args.headers)?;
    for (name, value) in [
        (TIMESTAMP_HEADER, &args.timestamp),
        (NONCE_HEADER, &args.nonce),
        (SIGNATURE_HEADER, &args.signature),
    ] {
        if let Some(value) = value {
            overrides.set(name, value.as_str());
        }
    }
    let mut run = Run {
        settings,
        overrides,
        clock: Clock {
            now: args
                .now
                .unwrap_or_else(|| jiff::Timestamp::now().as_second()),
            max_age: args.max_age,
        },
        width: terminal_width(),
        first: true,
    };
    let input = Input::from_args(args.file.as_slice())
        .into_iter()
        .next()
        .unwrap_or(Input::Stdin);
    let payloads = match request::read(&input, settings.max_record) {
        Ok(payloads) => payloads,
        Err(e) => {
            report.error(&e);
            return Ok(ExitStatus::Error);
        }
    };
    let mut status = ExitStatus::Success;
    for payload in payloads {
        match payload {
            Ok(payload) => status = status.and(run.one(payload, out, report)?),
            Err(e) => report.error(&e),
        }
    }
    Ok(report.status(status))
}

/// An encrypted body that did not decrypt: its bytes, its JSON, and why.
type Undecrypted = (Vec<u8>, Option<serde_json::Value>, RecordError);

impl Run<'_> {
    fn one(
        &mut self,
        payload: Payload,
        out: &mut dyn Write,
        report: &mut Reporter,
    ) -> anyhow::Result<ExitStatus> {
        let key = self.settings.encrypt_key.as_ref();
        let mut headers = payload.headers.clone();
        for (name, value) in self.overrides.iter() {
            headers.set(name, value);
        }
        let location = payload.location.clone();
        for name in [TIMESTAMP_HEADER, NONCE_HEADER, SIGNATURE_HEADER] {
            let mut values = headers.get_all(name);
            if let Some(first) = values.next()
                && values.any(|v| v != first)
            {
                report.warning(
                    &location,
                    format_args!(
                        "{name} appears more than once with different values; checking the \
                         first, as the SDKs do"
                    ),
                );
            }
        }
        let encrypted = payload.encrypted_field().is_some();
        if encrypted && key.is_none() {
            if let Err(e) = payload.decode(None) {
                report.error(&e);
            }
            return Ok(ExitStatus::Error);
        }
        // The body and its JSON outlive a failed decryption: the signature
        // covers the wrapper, so it can still be checked and diagnosed.
        let kept = encrypted.then(|| (payload.body.to_vec(), payload.value().ok().cloned()));
        let transport = payload.transport;
        let decoded: Result<Record, Undecrypted> = match payload.decode(key) {
            Ok(record) => Ok(record),
            Err(e) => match kept {
                // Reported once the signature has been checked.
                Some((body, value)) => Err((body, value, e)),
                None => {
                    report.error(&e);
                    return Ok(ExitStatus::Error);
                }
            },
        };
        // What parse would say of the record: its event, or why it has none.
        let event = match &decoded {
            Ok(record) => match Event::of_record(record, Detail::Full) {
                Ok(event) => Some(event),
                Err(e) => {
                    report.warning(&e.location, &e.message);
                    None
                }
            },
            Err(_) => None,
        };
        let body = match &decoded {
            Ok(record) => Decoded::Record(record),
            Err((body, value, e)) => Decoded::Undecrypted {
                body,
                value: value.as_ref(),
                reason: &e.message,
                transport,
            },
        };
        let secrets = Secrets {
            key,
            token: self.settings.verification_token.as_ref(),
        };
        let verdict =
            match verify::verify_decoded(&headers, body, event.as_ref(), secrets, self.clock) {
                Ok(verdict) => verdict,
                Err(e) => {
                    report.error(
                        &RecordError::new(location, e.to_string())
                            .with_hint(Some(ENCRYPT_KEY_HINT)),
                    );
                    return Ok(ExitStatus::Error);
                }
            };
        // A body that did not decrypt: when its signature failed, the
        // request is not authentic, and that is the answer (exit 1); when
        // the signature held, no verdict could be formed (exit 2).
        if let Err((_, _, e)) = &decoded {
            if verdict.signature_failed() {
                report.warning(&e.location, &e.message);
            } else {
                report.error(e);
            }
        }
        match self.settings.output {
            OutputFormat::Json => {
                serde_json::to_writer(&mut *out, &show::json(&location, &verdict))?;
                writeln!(out)?;
            }
            OutputFormat::Table => {
                if !self.first {
                    writeln!(out)?;
                }
                show::table(out, &self.settings.style, self.width, &location, &verdict)?;
            }
        }
        self.first = false;
        Ok(if verdict.ok() {
            ExitStatus::Success
        } else {
            ExitStatus::Negative
        })
    }
}
