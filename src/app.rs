//! Parse arguments, run the subcommand, map the outcome to an exit status.

use std::io::{self, BufWriter, IsTerminal, LineWriter, Write};

use clap::{CommandFactory, Parser};

use crate::cli::{Cli, Command, OutputFormat};
use crate::commands::{self, Reporter};
use crate::diagnostics;
use crate::exit::ExitStatus;
use crate::sanitize::TerminalWriter;
use crate::settings::Settings;

pub fn main() -> i32 {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return e.exit_code();
        }
    };
    run(&cli).code()
}

pub fn run(cli: &Cli) -> ExitStatus {
    let settings = match Settings::resolve(&cli.options()) {
        Ok(s) => s,
        Err(e) => {
            diagnostics::error(format_args!("{e:#}"));
            return ExitStatus::Error;
        }
    };
    let stdout = io::stdout();
    // Line by line on a terminal (so output and errors interleave as they
    // happen), in large blocks into pipes and files.
    let terminal = stdout.is_terminal();
    let mut out: Box<dyn Write> = if terminal {
        Box::new(LineWriter::new(stdout.lock()))
    } else {
        Box::new(BufWriter::with_capacity(64 * 1024, stdout.lock()))
    };
    // Text for people never carries a control character from input: the
    // renderers escape what they take from input, and this escapes what
    // any of them missed (keeping only our own colour codes).
    if writes_for_people(&cli.command, &settings, terminal) {
        out = Box::new(TerminalWriter::new(out, settings.style.color));
    }
    let mut report = Reporter::default();
    let result = dispatch(cli, &settings, &mut out, &mut report).and_then(|status| {
        out.flush()?;
        Ok(status)
    });
    match result {
        Ok(status) => status,
        Err(e) if is_broken_pipe(&e) => ExitStatus::Success,
        Err(e) => {
            // Flush what was written before the failure; a closed pipe here is not news.
            let _ = out.flush();
            diagnostics::error(format_args!("{e:#}"));
            ExitStatus::Error
        }
    }
}

/// Whether stdout gets text for people: tables, console lines, and
/// `decrypt`'s plaintext when stdout is a terminal.
fn writes_for_people(command: &Command, settings: &Settings, terminal: bool) -> bool {
    match command {
        Command::Parse(_)
        | Command::Diff(_)
        | Command::Verify(_)
        | Command::Listen(_)
        | Command::Subscribe(_)
        | Command::Send(_)
        | Command::Check(_) => settings.output == OutputFormat::Table,
        Command::Decrypt(_) => terminal,
        Command::Sign(_) | Command::Completions { .. } | Command::Man => false,
    }
}

fn dispatch(
    cli: &Cli,
    settings: &Settings,
    out: &mut dyn Write,
    report: &mut Reporter,
) -> anyhow::Result<ExitStatus> {
    match &cli.command {
        Command::Decrypt(args) => commands::decrypt::run(args, settings, out, report),
        Command::Parse(args) => commands::parse::run(args, settings, out, report),
        Command::Diff(args) => commands::diff::run(args, settings, out, report),
        Command::Verify(args) => commands::verify::run(args, settings, out, report),
        Command::Sign(args) => commands::sign::run(args, settings, out, report),
        Command::Listen(args) => commands::listen::run(args, settings, out, report),
        Command::Subscribe(args) => commands::subscribe::run(args, settings, out, report),
        Command::Send(args) => commands::send::run(args, settings, out, report),
        Command::Check(args) => commands::check::run(args, settings, out, report),
        Command::Completions { shell } => {
            clap_complete::generate(*shell, &mut Cli::command(), "lark-ticket", out);
            Ok(ExitStatus::Success)
        }
        Command::Man => {
            clap_mangen::Man::new(Cli::command()).render(out)?;
            Ok(ExitStatus::Success)
        }
    }
}

/// A closed output pipe (`| head`) anywhere in the chain ends the run quietly.
fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|cause| {
        cause
            .downcast_ref::<io::Error>()
            .is_some_and(|io| io.kind() == io::ErrorKind::BrokenPipe)
            || cause
                .downcast_ref::<serde_json::Error>()
                .and_then(|j| j.io_error_kind())
                .is_some_and(|k| k == io::ErrorKind::BrokenPipe)
    })
}
