//! `decrypt`: encrypted payloads -> the exact plaintext.

use std::io::Write;

use super::{Reporter, decode, each_record};
use crate::cli::DecryptArgs;
use crate::exit::ExitStatus;
use crate::input::RecordError;
use crate::pipeline::Item;
use crate::settings::Settings;

pub fn run(
    args: &DecryptArgs,
    settings: &Settings,
    out: &mut dyn Write,
    report: &mut Reporter,
) -> anyhow::Result<ExitStatus> {
    // Workers decrypt and lay out each record; the output is written in
    // input order.
    let work = |bytes: &mut Vec<u8>, item: Item| -> Result<(), RecordError> {
        let record = decode(item, settings)?;
        if args.pretty {
            // A Value always serializes, and into a Vec.
            let _ = serde_json::to_writer_pretty(&mut *bytes, record.value()?);
        } else {
            bytes.extend_from_slice(record.plaintext_bytes());
        }
        bytes.push(b'\n');
        Ok(())
    };
    let consume = |bytes: &[u8], result: Result<(), RecordError>| -> anyhow::Result<()> {
        match result {
            Ok(()) => out.write_all(bytes)?,
            Err(e) => report.error(&e),
        }
        Ok(())
    };
    each_record(&args.input.files, settings, work, consume)?;
    Ok(report.status(ExitStatus::Success))
}
