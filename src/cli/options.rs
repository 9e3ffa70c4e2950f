//! The option groups subcommands share (secrets, output, input), each
//! flattened into the subcommands it affects, and how a subcommand's groups
//! resolve into one set of options for [`crate::settings::Settings`].

use std::path::PathBuf;

use clap::{Args, ValueEnum, ValueHint};

use crate::event::Lang;
use crate::render::OutputFormat;
use crate::secret::Secret;

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

/// The app's credentials, for the subcommands that talk to the platform.
#[derive(Debug, Default, Args)]
#[command(next_help_heading = "Credentials")]
pub struct AppArgs {
    /// The app's App ID, cli_... [env: LARK_APP_ID]
    #[arg(long, value_name = "ID")]
    pub app_id: Option<String>,

    /// The app's App Secret (the least private way: prefer LARK_APP_SECRET or --app-secret-file)
    #[arg(
        long,
        value_name = "SECRET",
        conflicts_with = "app_secret_file",
        value_parser = secret
    )]
    pub app_secret: Option<Secret>,

    /// Read the App Secret from a file (one trailing newline is stripped)
    #[arg(long, value_name = "PATH", value_hint = ValueHint::FilePath)]
    pub app_secret_file: Option<PathBuf>,
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
    /// Worker threads for large inputs (0: cores + 1; at most 1024); output is the same for any number
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
    pub app_secret: Option<Secret>,
    pub app_secret_file: Option<PathBuf>,
    pub output: OutputFormat,
    pub color: ColorChoice,
    pub utc: bool,
    pub lang: Lang,
    pub threads: usize,
    pub max_record_size: usize,
}

impl GlobalArgs {
    pub(super) fn key(mut self, key: &KeyArgs) -> GlobalArgs {
        self.encrypt_key = key.encrypt_key.clone();
        self.encrypt_key_file = key.encrypt_key_file.clone();
        self
    }

    pub(super) fn token(mut self, token: &TokenArgs) -> GlobalArgs {
        self.verification_token = token.verification_token.clone();
        self.verification_token_file = token.verification_token_file.clone();
        self
    }

    pub(super) fn app(mut self, app: &AppArgs) -> GlobalArgs {
        self.app_secret = app.app_secret.clone();
        self.app_secret_file = app.app_secret_file.clone();
        self
    }

    pub(super) fn format(mut self, format: &FormatArgs) -> GlobalArgs {
        self.output = format.output;
        self
    }

    pub(super) fn view(mut self, view: &ViewArgs) -> GlobalArgs {
        self.color = view.color;
        self.utc = view.utc;
        self.lang = view.lang;
        self
    }

    pub(super) fn threads(mut self, threads: &ThreadsArgs) -> GlobalArgs {
        self.threads = threads.threads;
        self
    }

    pub(super) fn bound(mut self, bound: &BoundArgs) -> GlobalArgs {
        self.max_record_size = bound.max_record_size;
        self
    }
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    #[default]
    Auto,
    Always,
    Never,
}
