//! Records out of files and stdin: the one input layer every subcommand
//! shares.

mod blocks;
mod buffer;
mod check;
mod headers;
mod http;
mod location;
mod lookahead;
mod message;
mod probe;
mod progress;
mod raw;
mod resync;
mod scan;
mod split;

use std::fs::File;
use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::sync::Arc;

pub use check::validate;
pub use headers::Headers;
pub use http::is_request_line;
pub use location::{Location, RecordError};
pub use message::{RAISE_RECORD_BOUND, exceeds_bound};
pub use probe::Members;
pub use progress::Progress;
pub use raw::{Raw, RawRecord, check_line};
pub use split::{DEFAULT_MAX_RECORD, Splitter};

/// One input named on the command line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Input {
    Stdin,
    File(PathBuf),
}

impl Input {
    /// `-` means stdin; no inputs at all means stdin too.
    pub fn from_args(paths: &[PathBuf]) -> Vec<Input> {
        if paths.is_empty() {
            return vec![Input::Stdin];
        }
        paths
            .iter()
            .map(|p| {
                if p.as_os_str() == "-" {
                    Input::Stdin
                } else {
                    Input::File(p.clone())
                }
            })
            .collect()
    }

    pub fn name(&self) -> Arc<str> {
        match self {
            Input::Stdin => Arc::from("-"),
            Input::File(p) => Arc::from(p.to_string_lossy().as_ref()),
        }
    }

    /// The size of a regular file, for the progress bar.
    fn size(&self) -> u64 {
        match self {
            Input::Stdin => 0,
            Input::File(path) => std::fs::metadata(path).map_or(0, |m| m.len()),
        }
    }

    pub fn open(&self) -> Result<Box<dyn Read + Send>, RecordError> {
        match self {
            // Not locked: the reads are large enough that taking the lock
            // per read costs nothing.
            Input::Stdin => Ok(Box::new(io::stdin())),
            Input::File(path) => open_file(path)
                .map(|f| Box::new(f) as Box<dyn Read + Send>)
                .map_err(|message| RecordError::new(Location::new(self.name(), 0), message)),
        }
    }
}

fn open_file(path: &Path) -> Result<File, String> {
    let file = File::open(path).map_err(|e| io_message(&e))?;
    match file.metadata() {
        Ok(meta) if meta.is_dir() => Err("is a directory, not a file".to_string()),
        _ => Ok(file),
    }
}

fn io_message(e: &io::Error) -> String {
    match e.kind() {
        io::ErrorKind::NotFound => "no such file".to_string(),
        io::ErrorKind::PermissionDenied => "permission denied".to_string(),
        _ => e.to_string(),
    }
}

/// The records of several inputs in order, each located by `FILE:LINE`.
pub struct RecordStream {
    inputs: std::vec::IntoIter<Input>,
    current: Option<Splitter<Box<dyn Read + Send>>>,
    max_record: usize,
    progress: Option<Progress>,
    records: u64,
}

impl RecordStream {
    pub fn new(inputs: Vec<Input>, max_record: usize) -> Self {
        let total = inputs.iter().map(Input::size).sum();
        RecordStream {
            inputs: inputs.into_iter(),
            current: None,
            max_record,
            progress: Progress::for_total(total),
            records: 0,
        }
    }
}

impl Iterator for RecordStream {
    type Item = Result<RawRecord, RecordError>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if let Some(splitter) = &mut self.current {
                if let Some(item) = splitter.next_record() {
                    if let Some(progress) = &self.progress {
                        self.records += 1;
                        progress.record(self.records);
                    }
                    return Some(item);
                }
                self.current = None;
            }
            let Some(input) = self.inputs.next() else {
                if let Some(progress) = &self.progress {
                    progress.finish();
                }
                return None;
            };
            match input.open() {
                Ok(reader) => {
                    let reader = match &self.progress {
                        Some(progress) => Box::new(progress.wrap(reader)),
                        None => reader,
                    };
                    self.current =
                        Some(Splitter::new(reader, input.name(), self.max_record).deferring());
                }
                Err(e) => return Some(Err(e)),
            }
        }
    }
}
