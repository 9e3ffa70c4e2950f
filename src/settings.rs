//! Raw arguments resolved into the settings the rest of the program uses:
//! secrets read from flags, files or the environment; colour decided; the
//! time zone loaded. Nothing after this looks at clap.

use std::io::IsTerminal;
use std::path::Path;

use anyhow::{Context, bail};
use jiff::tz::TimeZone;

use crate::cli::{ColorChoice, GlobalArgs, OutputFormat};
use crate::render::Style;
use crate::secret::Secret;

pub const ENCRYPT_KEY_ENV: &str = "LARK_ENCRYPT_KEY";
pub const VERIFICATION_TOKEN_ENV: &str = "LARK_VERIFICATION_TOKEN";
pub const APP_SECRET_ENV: &str = "LARK_APP_SECRET";

#[derive(Debug)]
pub struct Settings {
    pub output: OutputFormat,
    pub style: Style,
    pub encrypt_key: Option<Secret>,
    pub verification_token: Option<Secret>,
    pub app_secret: Option<Secret>,
    pub max_record: usize,
    /// Pipeline threads (at least 1).
    pub threads: usize,
}

impl Settings {
    pub fn resolve(args: &GlobalArgs) -> anyhow::Result<Settings> {
        let encrypt_key = secret(
            args.encrypt_key.as_ref(),
            args.encrypt_key_file.as_deref(),
            ENCRYPT_KEY_ENV,
            "--encrypt-key",
        )?;
        let verification_token = secret(
            args.verification_token.as_ref(),
            args.verification_token_file.as_deref(),
            VERIFICATION_TOKEN_ENV,
            "--verification-token",
        )?;
        let app_secret = secret(
            args.app_secret.as_ref(),
            args.app_secret_file.as_deref(),
            APP_SECRET_ENV,
            "--app-secret",
        )?;
        let color = args.output == OutputFormat::Table
            && match args.color {
                ColorChoice::Always => true,
                ColorChoice::Never => false,
                ColorChoice::Auto => std::io::stdout().is_terminal() && no_color_unset(),
            };
        let tz = if args.utc {
            TimeZone::UTC
        } else {
            system_time_zone()
        };
        if args.max_record_size == 0 {
            bail!("--max-record-size must be at least 1");
        }
        Ok(Settings {
            output: args.output,
            style: Style::new(color, args.lang, tz),
            encrypt_key,
            verification_token,
            app_secret,
            max_record: args.max_record_size,
            threads: if args.threads == 0 {
                crate::pipeline::default_threads()
            } else {
                args.threads
            },
        })
    }
}

fn no_color_unset() -> bool {
    std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

/// A secret from its flag, its `-file` flag (one trailing newline stripped)
/// or its environment variable, in that order. Never echoes the value.
fn secret(
    flag: Option<&Secret>,
    file: Option<&Path>,
    env: &str,
    name: &str,
) -> anyhow::Result<Option<Secret>> {
    if let Some(value) = flag {
        if value.expose().is_empty() {
            bail!("{name} is empty");
        }
        return Ok(Some(value.clone()));
    }
    if let Some(path) = file {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read {name}-file {}", path.display()))?;
        let value = strip_one_newline(&text);
        if value.is_empty() {
            bail!("{name}-file {} is empty", path.display());
        }
        return Ok(Some(Secret::new(value)));
    }
    match std::env::var(env) {
        Ok(value) if !value.is_empty() => Ok(Some(Secret::new(value))),
        Ok(_) | Err(std::env::VarError::NotPresent) => Ok(None),
        Err(std::env::VarError::NotUnicode(_)) => bail!("{env} is not valid UTF-8"),
    }
}

fn strip_one_newline(text: &str) -> &str {
    text.strip_suffix("\r\n")
        .or_else(|| text.strip_suffix('\n'))
        .unwrap_or(text)
}

/// The system's time zone. With `TZ` unset that is `/etc/localtime`, read
/// straight from its TZif data: asking jiff for the system zone by name
/// walks the whole zoneinfo tree first (about a millisecond, at every
/// start, for a script that decodes one payload). Anything else (`TZ` set,
/// no readable `/etc/localtime`) is jiff's to resolve.
fn system_time_zone() -> TimeZone {
    let tz_unset = std::env::var_os("TZ").is_none();
    if tz_unset
        && cfg!(unix)
        && let Ok(data) = std::fs::read("/etc/localtime")
        && let Ok(tz) = TimeZone::tzif("Local", &data)
    {
        return tz;
    }
    TimeZone::try_system().unwrap_or(TimeZone::UTC)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_trailing_newline_is_stripped() {
        assert_eq!(strip_one_newline("key\n"), "key");
        assert_eq!(strip_one_newline("key\r\n"), "key");
        assert_eq!(strip_one_newline("key\n\n"), "key\n");
        assert_eq!(strip_one_newline(" key "), " key ");
    }

    #[test]
    fn flag_wins_and_errors_do_not_echo() {
        let abc = Secret::new("abc");
        let s = secret(Some(&abc), None, "LARK_TEST_UNSET_VAR", "--encrypt-key").unwrap();
        assert_eq!(s.unwrap().expose(), "abc");
        let err = secret(
            None,
            Some(Path::new("/nonexistent/key")),
            "X",
            "--encrypt-key",
        )
        .unwrap_err();
        assert!(format!("{err:#}").contains("cannot read --encrypt-key-file /nonexistent/key"));
        assert!(secret(Some(&Secret::new("")), None, "X", "--encrypt-key").is_err());
    }
}
