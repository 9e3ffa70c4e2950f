//! Each subcommand's own arguments, with the option groups that affect it.

use std::path::PathBuf;

use clap::{Args, ValueHint};

use super::options::{
    AppArgs, BoundArgs, FormatArgs, KeyArgs, StreamOptions, ThreadsArgs, TokenArgs, ViewArgs,
};

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

#[derive(Debug, Args)]
pub struct SubscribeArgs {
    /// Where to connect: feishu (https://open.feishu.cn), lark (https://open.larksuite.com), or a base URL
    #[arg(long, default_value = "feishu", value_name = "feishu|lark|URL", value_hint = ValueHint::Url)]
    pub domain: String,

    /// Append every delivery to FILE as a capture record (NDJSON), before it is acknowledged
    #[arg(long, value_name = "FILE", value_hint = ValueHint::FilePath)]
    pub capture: Option<PathBuf>,

    /// Show and capture only events of TYPE (repeatable); others are still acknowledged and counted
    #[arg(long, value_name = "TYPE")]
    pub event_type: Vec<String>,

    /// Stop after N shown events
    #[arg(long, value_name = "N")]
    pub max_events: Option<u64>,

    /// Stop after SECONDS
    #[arg(long, value_name = "SECONDS")]
    pub timeout: Option<f64>,

    #[command(flatten)]
    pub app: AppArgs,

    #[command(flatten)]
    pub key: KeyArgs,

    #[command(flatten)]
    pub format: FormatArgs,

    #[command(flatten)]
    pub view: ViewArgs,
}

#[derive(Debug, Args)]
pub struct SendArgs {
    /// Your handler's URL (http:// or https://)
    #[arg(value_name = "URL", value_hint = ValueHint::Url)]
    pub url: String,

    #[command(flatten)]
    pub input: InputArgs,

    /// Rewrite each record as compact JSON (keys in their order, as the platform writes it) first
    #[arg(long)]
    pub compact: bool,

    /// Wrap each plaintext record into {"encrypt":...} with the Encrypt Key
    #[arg(long)]
    pub encrypt: bool,

    /// Send a capture record's own headers and body unchanged, to reproduce a failure exactly
    #[arg(long, conflicts_with_all = ["compact", "encrypt"])]
    pub as_captured: bool,

    /// Give up on an answer after SECONDS
    #[arg(long, value_name = "SECONDS", default_value_t = 10.0)]
    pub max_time: f64,

    #[command(flatten)]
    pub key: KeyArgs,

    #[command(flatten)]
    pub format: FormatArgs,

    #[command(flatten)]
    pub view: ViewArgs,

    #[command(flatten)]
    pub bound: BoundArgs,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Your handler's URL (http:// or https://)
    #[arg(value_name = "URL", value_hint = ValueHint::Url)]
    pub url: String,

    /// Send these records as the event (default: the documentation's helpdesk.ticket.updated_v1 example)
    #[arg(long, value_name = "FILE", value_hint = ValueHint::FilePath)]
    pub event: Option<PathBuf>,

    /// Give up on an answer after SECONDS
    #[arg(long, value_name = "SECONDS", default_value_t = 10.0)]
    pub max_time: f64,

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
