//! A progress bar on stderr for long runs over large files: bytes and
//! records per second. Only when stderr is a terminal and `CI` is unset, so
//! pipes, logs and CI output never see it.

use std::io::{self, IsTerminal, Read};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// Inputs smaller than this finish too fast for a bar to help.
const MIN_BYTES: u64 = 32 * 1024 * 1024;

#[derive(Clone, Debug)]
pub struct Progress {
    bar: ProgressBar,
}

impl Progress {
    /// A bar for `total` bytes of input, or `None` when it should not show.
    pub fn for_total(total: u64) -> Option<Progress> {
        let wanted =
            total >= MIN_BYTES && io::stderr().is_terminal() && std::env::var_os("CI").is_none();
        if !wanted {
            return None;
        }
        let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr_with_hz(4));
        let style = ProgressStyle::with_template(
            "{bar:30} {binary_bytes}/{binary_total_bytes} {binary_bytes_per_sec} {msg} {eta}",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar());
        bar.set_style(style);
        Some(Progress { bar })
    }

    /// Counts one record; the message shows records per second.
    pub fn record(&self, records: u64) {
        if records.is_multiple_of(1024) {
            let secs = self.bar.elapsed().as_secs_f64().max(0.001);
            self.bar.set_message(format!(
                "{records} records ({:.0}/s)",
                records as f64 / secs
            ));
        }
    }

    pub fn wrap<R: Read>(&self, reader: R) -> impl Read + use<R> {
        self.bar.wrap_read(reader)
    }

    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}
