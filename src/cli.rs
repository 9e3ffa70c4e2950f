//! The command line, as clap definitions only. Help text, the man page and
//! the shell completions all come from here.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum, ValueHint};
use clap_complete::Shell;

use crate::event::Lang;
pub use crate::render::OutputFormat;
use crate::secret::Secret;

const ABOUT: &str = "Decrypt, parse, diff and verify Feishu/Lark helpdesk ticket event callbacks";

const AFTER_HELP: &str = "\
Input: FILE arguments are read in order; no FILE or '-' reads stdin. A file may hold one
JSON document, many (NDJSON or concatenated), raw HTTP/1.1 request captures, or capture
records ({\"headers\":{...},\"body\":\"...\"}). Encrypted records ({\"encrypt\":...}) are
decrypted with the Encrypt Key.

Exit status: 0 success, 1 a negative answer (failed check, difference, schema deviation),
2 an error (usage, unreadable input, a record that cannot be processed).

Environment: LARK_ENCRYPT_KEY, LARK_VERIFICATION_TOKEN (preferred over the flags, which
other users can see in the process list), NO_COLOR.";

#[derive(Debug, Parser)]
#[command(
    name = "lark-ticket",
    version,
    about = ABOUT,
    after_help = AFTER_HELP,
    propagate_version = true,
    max_term_width = 100
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

/// Secrets given as flags are [`Secret`]s from the start, so not even the
/// Debug output of the parsed arguments shows them.
fn secret(value: &str) -> Result<Secret, std::convert::Infallible> {
    Ok(Secret::new(value))
}

/// The Encrypt Key, for the subcommands that decrypt or sign.
#[derive(Debug, Default, Args)]
#[command(next_help_heading = "Secrets")]
pub struct KeyArgs {
    /// The app's Encrypt Key (prefer LARK_ENCRYPT_KEY or --encrypt-key-file)
    #[arg(
        long,
        value_name = "KEY",
        conflicts_with = "encrypt_key_file",
        value_parser = secret
    )]
    pub encrypt_key: Option<Secret>,

    /// Read the Encrypt Key from a file (one trailing newline is stripped)
    #[arg(long, value_name = "PATH", value_hint = ValueHint::FilePath)]
    pub encrypt_key_file: Option<PathBuf>,
}

/// The Verification Token, for the subcommands that check it.
#[derive(Debug, Default, Args)]
#[command(next_help_heading = "Secrets")]
pub struct TokenArgs {
    /// The app's Verification Token (prefer LARK_VERIFICATION_TOKEN or --verification-token-file)
    #[arg(
        long,
        value_name = "TOKEN",
        conflicts_with = "verification_token_file",
        value_parser = secret
    )]
    pub verification_token: Option<Secret>,

    /// Read the Verification Token from a file (one trailing newline is stripped)
    #[arg(long, value_name = "PATH", value_hint = ValueHint::FilePath)]
    pub verification_token_file: Option<PathBuf>,
}

/// `-o`: a table for people, or NDJSON.
#[derive(Debug, Default, Args)]
#[command(next_help_heading = "Output")]
pub struct FormatArgs {
    /// Output format: a table for people, or NDJSON for scripts
    #[arg(short = 'o', long, value_enum, default_value_t = OutputFormat::Table)]
    pub output: OutputFormat,
}

/// How tables show values: colour, time zone, label language.
#[derive(Debug, Default, Args)]
#[command(next_help_heading = "Output")]
pub struct ViewArgs {
    /// When to colour the table output
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto, value_name = "WHEN")]
    pub color: ColorChoice,

    /// Render timestamps in UTC instead of the local time zone
    #[arg(long)]
    pub utc: bool,

    /// Label language: English, or the Chinese of the Feishu documentation
    #[arg(long, value_enum, default_value_t = Lang::En)]
    pub lang: Lang,
}

/// `-j`, for the subcommands that stream records through workers.
#[derive(Debug, Default, Args)]
#[command(next_help_heading = "Input")]
pub struct ThreadsArgs {
    /// Worker threads for large inputs (0: two per core; at most 1024); output is the same for any number
    #[arg(
        short = 'j',
        long,
        value_name = "N",
        default_value_t = 0,
        value_parser = clap::builder::RangedU64ValueParser::<usize>::new()
            .range(0..=crate::pipeline::MAX_THREADS as u64)
    )]
    pub threads: usize,
}

/// The bound on one record, for the subcommands that read records.
#[derive(Debug, Args)]
#[command(next_help_heading = "Input")]
pub struct BoundArgs {
    /// Largest record accepted, in bytes (records above it are reported and skipped)
    #[arg(long, value_name = "BYTES", default_value_t = crate::input::DEFAULT_MAX_RECORD)]
    pub max_record_size: usize,
}

impl Default for BoundArgs {
    fn default() -> BoundArgs {
        BoundArgs {
            max_record_size: crate::input::DEFAULT_MAX_RECORD,
        }
    }
}

/// The options of the commands that stream events to a table or NDJSON
/// (`parse`, `diff`).
#[derive(Debug, Default, Args)]
pub struct StreamOptions {
    #[command(flatten)]
    pub key: KeyArgs,

    #[command(flatten)]
    pub format: FormatArgs,

    #[command(flatten)]
    pub view: ViewArgs,

    #[command(flatten)]
    pub threads: ThreadsArgs,

    #[command(flatten)]
    pub bound: BoundArgs,
}

/// Every option a subcommand may take, with the defaults of those it does
/// not: what [`crate::settings::Settings`] is resolved from. Each
/// subcommand's `--help` lists only the options that affect it.
#[derive(Debug, Default)]
pub struct GlobalArgs {
    pub encrypt_key: Option<Secret>,
    pub encrypt_key_file: Option<PathBuf>,
    pub verification_token: Option<Secret>,
    pub verification_token_file: Option<PathBuf>,
    pub output: OutputFormat,
    pub color: ColorChoice,
    pub utc: bool,
    pub lang: Lang,
    pub threads: usize,
    pub max_record_size: usize,
}

impl GlobalArgs {
    fn key(mut self, key: &KeyArgs) -> GlobalArgs {
        self.encrypt_key = key.encrypt_key.clone();
        self.encrypt_key_file = key.encrypt_key_file.clone();
        self
    }

    fn token(mut self, token: &TokenArgs) -> GlobalArgs {
        self.verification_token = token.verification_token.clone();
        self.verification_token_file = token.verification_token_file.clone();
        self
    }

    fn format(mut self, format: &FormatArgs) -> GlobalArgs {
        self.output = format.output;
        self
    }

    fn view(mut self, view: &ViewArgs) -> GlobalArgs {
        self.color = view.color;
        self.utc = view.utc;
        self.lang = view.lang;
        self
    }

    fn threads(mut self, threads: &ThreadsArgs) -> GlobalArgs {
        self.threads = threads.threads;
        self
    }

    fn bound(mut self, bound: &BoundArgs) -> GlobalArgs {
        self.max_record_size = bound.max_record_size;
        self
    }
}

impl Cli {
    /// The options of the subcommand, with defaults for the rest.
    pub fn options(&self) -> GlobalArgs {
        let all = GlobalArgs {
            max_record_size: crate::input::DEFAULT_MAX_RECORD,
            ..GlobalArgs::default()
        };
        match &self.command {
            Command::Decrypt(a) => all.key(&a.key).threads(&a.threads).bound(&a.bound),
            Command::Parse(ParseArgs { options, .. }) | Command::Diff(DiffArgs { options, .. }) => {
                all.key(&options.key)
                    .format(&options.format)
                    .view(&options.view)
                    .threads(&options.threads)
                    .bound(&options.bound)
            }
            Command::Verify(a) => all
                .key(&a.key)
                .token(&a.token)
                .format(&a.format)
                .view(&a.view)
                .bound(&a.bound),
            Command::Sign(a) => all.key(&a.key).format(&a.format).bound(&a.bound),
            Command::Listen(a) => all
                .key(&a.key)
                .token(&a.token)
                .format(&a.format)
                .view(&a.view),
            Command::Completions { .. } | Command::Man => all,
        }
    }
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    #[default]
    Auto,
    Always,
    Never,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Decrypt encrypted payloads to their exact plaintext
    #[command(after_help = "\
Into a pipe or a file the plaintext is written byte for byte. On a terminal, control characters
that would act on it (C0 other than newline and tab, DEL, C1: valid inside JSON strings) are
shown escaped as \\u{9b} instead; redirect the output to keep the exact bytes.

Examples:
  LARK_ENCRYPT_KEY=... lark-ticket decrypt capture.json
  lark-ticket decrypt --encrypt-key-file key.txt --pretty events.ndjson
  pbpaste | lark-ticket decrypt | jq .header")]
    Decrypt(DecryptArgs),

    /// Show each event's envelope, ticket state and old_object -> object transitions
    #[command(after_help = "\
Examples:
  lark-ticket parse testdata/ticket-updated.json
  LARK_ENCRYPT_KEY=... lark-ticket parse -o json captures.ndjson | jq .transitions
  lark-ticket parse --strict event.json || echo 'schema deviation'")]
    Parse(ParseArgs),

    /// Show transitions only; compare with a golden file; per-ticket timelines
    #[command(after_help = "\
Modes:
  diff [FILE...]
      One row per old_object field of every helpdesk.ticket.updated_v1 event: ticket, event
      time, field, before, after, changed. Other events are skipped and counted. -o json
      writes each row as it is read; the table is laid out at the end.
  diff --against EXPECTED [FILE]
      Compares the decoded records of FILE with those of EXPECTED, in order, by JSON path.
      Exit 0 equal, 1 different, 2 error. Paths look like event.object.status or
      event.object.agents[0].name; '*' or [] stands for any key or index; an ignored path
      ignores everything under it. With several records, paths start with the record's index.
  diff --timeline [FILE...]
      Each ticket's states in object.updated_at order (header.create_time when updated_at is
      unset), repeated deliveries (same event_id) dropped and counted, gaps (old_object does
      not match the previous state: an event was missed) and late arrivals flagged. Memory
      grows with the number of tickets, not with the number or size of deliveries: per
      ticket only the event ids seen and each distinct event's id, times, stage and status
      are kept. Nothing is printed before the input ends.

Examples:
  lark-ticket diff -o json captures/*.ndjson | jq -c 'select(.changed)'
  lark-ticket diff --against testdata/golden.json captured.json || echo 'payload changed'
  lark-ticket diff --against expected.json --ignore event.object.updated_at actual.json
  LARK_ENCRYPT_KEY=... lark-ticket diff --timeline monday.ndjson tuesday.ndjson")]
    Diff(DiffArgs),

    /// Check the signature, token and timestamp of a request, and diagnose mismatches
    #[command(after_help = "\
Examples:
  LARK_ENCRYPT_KEY=... lark-ticket verify request.http
  lark-ticket verify body.json -H 'X-Lark-Request-Timestamp: 1700000000' \\
      -H 'X-Lark-Request-Nonce: 6c1d2f0a9b8e7d4c' -H 'X-Lark-Signature: 08bb...'
  lark-ticket verify --max-age 300 -o json captures.ndjson | jq -c '{source, ok}'")]
    Verify(VerifyArgs),

    /// Print signature headers (and an encrypted body) for test requests
    #[command(after_help = "\
Examples:
  lark-ticket sign event.json | xargs curl -X POST http://localhost:8080/webhook/event \\
      --data-binary @event.json
  lark-ticket sign --encrypt event.json | xargs curl -X POST http://localhost:8080/webhook/event
  lark-ticket sign -o json event.json | lark-ticket verify")]
    Sign(SignArgs),

    /// Run a local receiver that answers the challenge and captures requests
    #[command(after_help = "\
Answers: url_verification 200 {\"challenge\":...}; a checked event 200 {\"msg\":\"success\"}; a
failed check 401 (the failed checks and the diagnosed cause); a body that is not a JSON event
or does not decrypt 400; an encrypted body without the key 500; a body over --max-body-size
413 (unread); another path 404. Without an Encrypt Key events are accepted unchecked, and the
output says so. Ctrl-C stops it; every capture is already on disk.

Examples:
  LARK_ENCRYPT_KEY=... lark-ticket listen --capture session.ndjson
  lark-ticket listen --forward-to http://127.0.0.1:3000/webhook/event
  lark-ticket listen -o json --max-requests 1 | jq .verify.ok
  LARK_ENCRYPT_KEY=... lark-ticket verify session.ndjson")]
    Listen(ListenArgs),

    /// Print a shell completion script
    #[command(after_help = "\
Examples:
  lark-ticket completions bash > ~/.local/share/bash-completion/completions/lark-ticket
  lark-ticket completions zsh > ~/.zfunc/_lark-ticket
  lark-ticket completions fish > ~/.config/fish/completions/lark-ticket.fish")]
    Completions {
        /// The shell to complete for
        #[arg(value_enum)]
        shell: Shell,
    },

    /// Print the man page (roff)
    #[command(after_help = "\
Examples:
  lark-ticket man > ~/.local/share/man/man1/lark-ticket.1
  lark-ticket man | man -l -")]
    Man,
}

#[derive(Debug, Args)]
pub struct InputArgs {
    /// Input files ('-' or none: stdin)
    #[arg(value_name = "FILE", value_hint = ValueHint::FilePath)]
    pub files: Vec<PathBuf>,
}

#[derive(Debug, Args)]
pub struct DecryptArgs {
    #[command(flatten)]
    pub input: InputArgs,

    /// Re-indent the plaintext instead of printing it byte for byte
    #[arg(long)]
    pub pretty: bool,

    #[command(flatten)]
    pub key: KeyArgs,

    #[command(flatten)]
    pub threads: ThreadsArgs,

    #[command(flatten)]
    pub bound: BoundArgs,
}

#[derive(Debug, Args)]
pub struct ParseArgs {
    #[command(flatten)]
    pub input: InputArgs,

    /// Exit 1 when a record deviates from the documented schema, listing each deviation
    #[arg(long)]
    pub strict: bool,

    #[command(flatten)]
    pub options: StreamOptions,
}

#[derive(Debug, Args)]
pub struct DiffArgs {
    #[command(flatten)]
    pub input: InputArgs,

    /// Compare the records with those in EXPECTED, field by field
    #[arg(long, value_name = "EXPECTED", value_hint = ValueHint::FilePath, conflicts_with = "timeline")]
    pub against: Option<PathBuf>,

    /// Group events by ticket and show each ticket's sequence of states, gaps and late arrivals
    #[arg(long)]
    pub timeline: bool,

    /// With --against: a JSON path to ignore, with everything under it (repeatable)
    #[arg(long, value_name = "PATH", requires = "against")]
    pub ignore: Vec<String>,

    /// With --against: also compare header.event_id, header.create_time and header.token
    #[arg(long, requires = "against")]
    pub no_default_ignores: bool,

    #[command(flatten)]
    pub options: StreamOptions,
}

#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// The body exactly as received, a raw HTTP capture, or capture records ('-' or none: stdin)
    #[arg(value_name = "FILE", value_hint = ValueHint::FilePath)]
    pub file: Option<PathBuf>,

    /// A request header, 'Name: value' (repeatable; names are case-insensitive)
    #[arg(short = 'H', long = "header", value_name = "HEADER")]
    pub headers: Vec<String>,

    /// The X-Lark-Request-Timestamp header value
    #[arg(long)]
    pub timestamp: Option<String>,

    /// The X-Lark-Request-Nonce header value
    #[arg(long)]
    pub nonce: Option<String>,

    /// The X-Lark-Signature header value
    #[arg(long)]
    pub signature: Option<String>,

    /// Fail when the request timestamp is more than SECONDS from now
    #[arg(long, value_name = "SECONDS")]
    pub max_age: Option<u64>,

    /// Use this as "now" (Unix seconds) for the timestamp check
    #[arg(long, value_name = "UNIX_SECONDS")]
    pub now: Option<i64>,

    #[command(flatten)]
    pub key: KeyArgs,

    #[command(flatten)]
    pub token: TokenArgs,

    #[command(flatten)]
    pub format: FormatArgs,

    #[command(flatten)]
    pub view: ViewArgs,

    #[command(flatten)]
    pub bound: BoundArgs,
}

#[derive(Debug, Args)]
pub struct SignArgs {
    /// The body to sign ('-' or none: stdin)
    #[arg(value_name = "FILE", value_hint = ValueHint::FilePath)]
    pub file: Option<PathBuf>,

    /// The timestamp to sign with (default: now)
    #[arg(long)]
    pub timestamp: Option<String>,

    /// The nonce to sign with (default: random)
    #[arg(long)]
    pub nonce: Option<String>,

    /// Wrap the plaintext body into {"encrypt":...} first
    #[arg(long)]
    pub encrypt: bool,

    /// With --encrypt: the IV as 32 hex digits, for reproducible output
    #[arg(long, value_name = "HEX", requires = "encrypt")]
    pub iv: Option<String>,

    #[command(flatten)]
    pub key: KeyArgs,

    #[command(flatten)]
    pub format: FormatArgs,

    #[command(flatten)]
    pub bound: BoundArgs,
}

#[derive(Debug, Args)]
pub struct ListenArgs {
    /// Address to listen on (port 0: any free port; the address is printed on stderr)
    #[arg(long, default_value = "127.0.0.1:8000", value_name = "HOST:PORT")]
    pub addr: String,

    /// Path that receives events
    #[arg(long, default_value = "/webhook/event")]
    pub path: String,

    /// Append every request to FILE as a capture record (NDJSON)
    #[arg(long, value_name = "FILE", value_hint = ValueHint::FilePath)]
    pub capture: Option<PathBuf>,

    /// Stop after N requests
    #[arg(long, value_name = "N")]
    pub max_requests: Option<u64>,

    /// Forward each request to your own handler and relay its answer
    #[arg(long, value_name = "URL", value_hint = ValueHint::Url)]
    pub forward_to: Option<String>,

    /// Largest body accepted, in bytes; a larger one is answered 413 without being read
    #[arg(long, value_name = "BYTES", default_value_t = crate::listen::DEFAULT_MAX_BODY)]
    pub max_body_size: usize,

    /// Fail the timestamp check when a request is more than SECONDS old
    #[arg(long, value_name = "SECONDS")]
    pub max_age: Option<u64>,

    #[command(flatten)]
    pub key: KeyArgs,

    #[command(flatten)]
    pub token: TokenArgs,

    #[command(flatten)]
    pub format: FormatArgs,

    #[command(flatten)]
    pub view: ViewArgs,
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn definition_is_consistent() {
        Cli::command().debug_assert();
    }
}
