//! `decrypt`: encrypted payloads -> the exact plaintext.

use std::io::Write;

use super::{Reporter, records};
use crate::cli::DecryptArgs;
use crate::exit::ExitStatus;
use crate::settings::Settings;

pub fn run(
    args: &DecryptArgs,
    settings: &Settings,
    out: &mut dyn Write,
    report: &mut Reporter,
) -> anyhow::Result<ExitStatus> {
    for record in records(&args.input.files, settings) {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                report.error(&e);
                continue;
            }
        };
        if args.pretty {
            serde_json::to_writer_pretty(&mut *out, record.value())?;
        } else {
            out.write_all(record.plaintext_bytes())?;
        }
        out.write_all(b"\n")?;
    }
    Ok(report.status(ExitStatus::Success))
}
