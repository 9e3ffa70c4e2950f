//! The command line, as clap definitions only. Help text, the man page and
//! the shell completions all come from here.
//! The subcommands' own arguments are in `args.rs`, the option groups they
//! share (and how they resolve into one set of options) in `options.rs`.

mod args;
mod options;

use clap::{Parser, Subcommand};
use clap_complete::Shell;

pub use crate::render::OutputFormat;
pub use args::{
    CheckArgs, DecryptArgs, DiffArgs, InputArgs, ListenArgs, ParseArgs, SendArgs, SignArgs,
    SubscribeArgs, VerifyArgs,
};
pub use options::{
    AppArgs, BoundArgs, ColorChoice, FormatArgs, GlobalArgs, KeyArgs, StreamOptions, ThreadsArgs,
    TokenArgs, ViewArgs,
};

const ABOUT: &str = "Decrypt, parse, diff and verify Feishu/Lark helpdesk ticket event callbacks";

const AFTER_HELP: &str = "\
Input: FILE arguments are read in order; no FILE or '-' reads stdin. A file may hold one
JSON document, many (NDJSON or concatenated), raw HTTP/1.1 request captures, or capture
records ({\"headers\":{...},\"body\":\"...\"}). Encrypted records ({\"encrypt\":...}) are
decrypted with the Encrypt Key.

Exit status: 0 success, 1 a negative answer (failed check, difference, schema deviation),
2 an error (usage, unreadable input, a record that cannot be processed).

Environment: LARK_ENCRYPT_KEY, LARK_VERIFICATION_TOKEN, LARK_APP_ID, LARK_APP_SECRET (preferred
over the flags, which other users can see in the process list), NO_COLOR, SSL_CERT_FILE.";

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
      grows with the number of tickets and of distinct events, not with the number or size
      of deliveries: only each distinct event's id, times, stage and status are kept, in
      under 100 bytes. Nothing is printed before the input ends.

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

    /// Receive events over the long connection (WebSocket): show, acknowledge and capture them
    #[command(after_help = "\
The app dials out (no public URL needed); the app's console must have the long connection as
its event subscription mode. Each message is captured (--capture), then acknowledged with
{\"code\":200} (every event, shown or not: another answer makes the platform push it again),
then shown as parse shows it. An event_id seen before in the run is flagged as a duplicate.
The platform splits an app's events among all its connections at random: another running
client takes a share of them. stderr says 'lark-ticket: ready' once connected, then reports
disconnects and reconnects; bad credentials and the 50-connection limit stop it with exit 2.
Ctrl-C stops it; every capture is already on disk.

Examples:
  export LARK_APP_ID=cli_... LARK_APP_SECRET=...
  lark-ticket subscribe --capture live.ndjson
  lark-ticket subscribe --event-type helpdesk.ticket.updated_v1 -o json | jq .parse.ticket
  lark-ticket subscribe --max-events 1 --timeout 600 --capture one.ndjson
  lark-ticket diff --timeline live.ndjson")]
    Subscribe(SubscribeArgs),

    /// Post records to your handler as the platform delivers them
    #[command(after_help = "\
Each record is posted to URL: its exact bytes (a capture record's body), or with --compact a
compact rewrite, or with --encrypt its {\"encrypt\":...} wrapper. With the Encrypt Key the
request carries a fresh X-Lark-Request-Timestamp, a random nonce and the signature over the
exact body sent; without it, no signature headers (as the platform sends when the app has no
Encrypt Key). --as-captured sends a capture record's own headers and body unchanged.

Exit status: 0 every answer 2xx, 1 some answer not 2xx, 2 a request could not be made (refused,
no answer within --max-time) or a record could not be read. A warning flags an answer slower
than the platform's 3 s.

Examples:
  LARK_ENCRYPT_KEY=... lark-ticket send http://127.0.0.1:3000/webhook/event --encrypt fixtures/*.json
  lark-ticket send --as-captured http://127.0.0.1:3000/webhook/event session.ndjson
  lark-ticket send -o json http://127.0.0.1:3000/webhook/event events.ndjson | jq -c '{source, status}'")]
    Send(SendArgs),

    /// Send platform-shaped requests, forged and malformed ones included, and judge the answers
    #[command(after_help = "\
Checks, each pass, warn, fail or skip: challenge, event_accepted, redelivery_accepted,
forged_signature_rejected, tampered_body_rejected, wrong_token_rejected, raw_body_hashed,
stale_timestamp, unknown_event_type_accepted, garbage_rejected. With the Encrypt Key, bodies are
encrypted and signed as the platform does; without it, plaintext and unsigned, and the
Verification Token is the only proof.

It sends forged and malformed requests ON PURPOSE: point it at your own handler, not at
someone else's. Every check but redelivery_accepted sends a fresh event_id.

Exit status: 0 no check failed, 1 a check failed, 2 the handler could not be reached at all.

Examples:
  LARK_ENCRYPT_KEY=... LARK_VERIFICATION_TOKEN=... lark-ticket check http://127.0.0.1:3000/webhook/event
  lark-ticket check -o json http://127.0.0.1:3000/webhook/event | jq -c '.checks[] | {name, status}'
  lark-ticket check --event testdata/ticket-updated.json http://127.0.0.1:3000/webhook/event")]
    Check(CheckArgs),

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
            Command::Subscribe(a) => all.app(&a.app).key(&a.key).format(&a.format).view(&a.view),
            Command::Send(a) => all
                .key(&a.key)
                .format(&a.format)
                .view(&a.view)
                .bound(&a.bound),
            Command::Check(a) => all
                .key(&a.key)
                .token(&a.token)
                .format(&a.format)
                .view(&a.view)
                .bound(&a.bound),
            Command::Completions { .. } | Command::Man => all,
        }
    }
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
