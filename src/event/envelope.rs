//! The envelope: the fields every event has whatever its schema, read from
//! schema 2.0's `header` or from schema 1.0's `uuid`, `ts` and `event`.

use super::fields::{self, Issues, Path};
use super::raw::{RawDoc, RawEvent};
use super::ticket::Detail;
use crate::json::Scalar;

const HEADER: Path<'static> = Path::top("header");
pub(super) const EVENT: Path<'static> = Path::top("event");

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Schema {
    V2,
    V1,
}

impl Schema {
    pub fn as_str(self) -> &'static str {
        match self {
            Schema::V2 => "2.0",
            Schema::V1 => "1.0",
        }
    }
}

/// The envelope fields every event has, whatever its schema.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Envelope {
    /// `None` for url_verification.
    pub schema: Option<Schema>,
    pub event_type: Option<String>,
    pub event_id: Option<String>,
    /// Milliseconds since the epoch.
    pub create_time: Option<i64>,
    /// The verification token carried by the payload (never printed).
    pub token: Option<String>,
    pub app_id: Option<String>,
    pub tenant_key: Option<String>,
}

pub(super) fn read_v2_envelope(doc: &RawDoc<'_>, detail: Detail, issues: &mut Issues) -> Envelope {
    if let Some(schema) = doc.schema.as_ref().and_then(Scalar::as_str)
        && schema != "2.0"
    {
        issues.warn("schema".to_string(), format!("unknown schema {schema:?}"));
    }
    let Some(header) = issues.object(doc.header.as_ref(), &Path::ROOT, "header") else {
        issues.deviate("header".to_string(), "missing");
        return Envelope {
            schema: Some(Schema::V2),
            ..Envelope::default()
        };
    };
    issues.require(
        fields::present(header.event_id.as_ref()),
        &HEADER,
        "event_id",
    );
    issues.require(
        fields::present(header.event_type.as_ref()),
        &HEADER,
        "event_type",
    );
    issues.require(
        fields::present(header.create_time.as_ref()),
        &HEADER,
        "create_time",
    );
    let create_time = header
        .create_time
        .as_ref()
        .and_then(|v| read_create_time(v, "header.create_time", issues));
    Envelope {
        schema: Some(Schema::V2),
        event_type: issues.string(header.event_type.as_ref(), &HEADER, "event_type"),
        event_id: issues.string(header.event_id.as_ref(), &HEADER, "event_id"),
        create_time,
        token: detail.full(|| issues.string(header.token.as_ref(), &HEADER, "token")),
        app_id: detail.full(|| issues.string(header.app_id.as_ref(), &HEADER, "app_id")),
        tenant_key: detail
            .full(|| issues.string(header.tenant_key.as_ref(), &HEADER, "tenant_key")),
    }
}

/// `create_time` is milliseconds as a string; some old events use 16-digit
/// microseconds.
fn read_create_time(value: &Scalar<'_>, path: &str, issues: &mut Issues) -> Option<i64> {
    let n = match value {
        Scalar::Str(s) => match s.parse::<i64>() {
            Ok(n) => n,
            Err(_) => {
                issues.warn(
                    path.to_string(),
                    format!("expected a millisecond timestamp, found {s:?}"),
                );
                return None;
            }
        },
        Scalar::Int(n) => {
            issues.warn(path.to_string(), "expected a string, found a number");
            *n
        }
        Scalar::Number(n) => {
            issues.warn(path.to_string(), format!("expected an integer, found {n}"));
            return None;
        }
        Scalar::Null => return None,
        other => {
            issues.wrong_type(path.to_string(), "a string", other.kind());
            return None;
        }
    };
    // Fifteen digits or more are microseconds, when they are a time at all
    // as such; anything else keeps its value (and renders as out of range).
    let micros =
        n.unsigned_abs() >= 100_000_000_000_000 && jiff::Timestamp::from_microsecond(n).is_ok();
    Some(if micros { n / 1000 } else { n })
}

pub(super) fn read_v1_envelope(
    doc: &RawDoc<'_>,
    event: Option<&RawEvent<'_>>,
    detail: Detail,
    issues: &mut Issues,
) -> Envelope {
    let create_time = match &doc.ts {
        Some(Scalar::Str(ts)) => match parse_seconds(ts) {
            Seconds::Millis(ms) => Some(ms),
            Seconds::Malformed => {
                issues.warn(
                    "ts".to_string(),
                    format!("expected seconds like \"1608725989.000000\", found {ts:?}"),
                );
                None
            }
            Seconds::OutOfRange => {
                issues.warn("ts".to_string(), format!("{ts} seconds is out of range"));
                None
            }
        },
        Some(Scalar::Int(n)) => n.checked_mul(1000).or_else(|| {
            issues.warn("ts".to_string(), format!("{n} seconds is out of range"));
            None
        }),
        Some(Scalar::Number(n)) => {
            let ms = n.as_f64().map(|s| (s * 1000.0).round());
            // i64::MAX is not an f64: 2^63 is the first value beyond.
            match ms.filter(|ms| (-(2f64.powi(63))..2f64.powi(63)).contains(ms)) {
                Some(ms) => Some(ms as i64),
                None => {
                    issues.warn("ts".to_string(), format!("{n} seconds is out of range"));
                    None
                }
            }
        }
        _ => None,
    };
    let (event_type, app_id, tenant_key) = match event {
        Some(e) => (
            issues.string(e.kind.as_ref(), &EVENT, "type"),
            detail.full(|| issues.string(e.app_id.as_ref(), &EVENT, "app_id")),
            detail.full(|| issues.string(e.tenant_key.as_ref(), &EVENT, "tenant_key")),
        ),
        None => (None, None, None),
    };
    Envelope {
        schema: Some(Schema::V1),
        event_type,
        event_id: issues.string(doc.uuid.as_ref(), &Path::ROOT, "uuid"),
        create_time,
        token: detail.full(|| issues.string(doc.token.as_ref(), &Path::ROOT, "token")),
        app_id,
        tenant_key,
    }
}

/// What a schema 1.0 `ts` string says.
#[derive(Debug, PartialEq, Eq)]
enum Seconds {
    Millis(i64),
    Malformed,
    /// Seconds, but not a millisecond count an i64 holds.
    OutOfRange,
}

/// "seconds.fraction" -> milliseconds, exactly (the fraction cut to
/// milliseconds, toward zero; "-1.5" is -1500).
fn parse_seconds(ts: &str) -> Seconds {
    let (secs, frac) = ts.split_once('.').unwrap_or((ts, ""));
    let whole = match secs.parse::<i64>() {
        Ok(whole) => whole,
        Err(e) => {
            use std::num::IntErrorKind::{NegOverflow, PosOverflow};
            return match e.kind() {
                PosOverflow | NegOverflow => Seconds::OutOfRange,
                _ => Seconds::Malformed,
            };
        }
    };
    if !frac.bytes().all(|b| b.is_ascii_digit()) {
        return Seconds::Malformed;
    }
    let millis = frac
        .bytes()
        .chain(std::iter::repeat(b'0'))
        .take(3)
        .fold(0i64, |acc, b| acc * 10 + i64::from(b - b'0'));
    let millis = if secs.starts_with('-') {
        -millis
    } else {
        millis
    };
    whole
        .checked_mul(1000)
        .and_then(|ms| ms.checked_add(millis))
        .map_or(Seconds::OutOfRange, Seconds::Millis)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seconds_to_millis() {
        use Seconds::*;
        assert_eq!(
            parse_seconds("1608725989.123456"),
            Millis(1_608_725_989_123)
        );
        assert_eq!(parse_seconds("1608725989.5"), Millis(1_608_725_989_500));
        assert_eq!(parse_seconds("1608725989"), Millis(1_608_725_989_000));
        assert_eq!(parse_seconds("-1.5"), Millis(-1500));
        assert_eq!(parse_seconds("-0.25"), Millis(-250));
        assert_eq!(parse_seconds("x.1"), Malformed);
        assert_eq!(parse_seconds("1.x"), Malformed);
        assert_eq!(parse_seconds("-"), Malformed);
        assert_eq!(parse_seconds("9223372036854775807"), OutOfRange);
        assert_eq!(parse_seconds("-9223372036854775808.5"), OutOfRange);
        assert_eq!(parse_seconds("99999999999999999999"), OutOfRange);
        assert_eq!(parse_seconds("-9223372036854775.808"), Millis(i64::MIN));
    }

    #[test]
    fn microsecond_create_time() {
        let mut issues = Issues::default();
        assert_eq!(
            read_create_time(&Scalar::Str("1608725989000123".into()), "p", &mut issues),
            Some(1_608_725_989_000)
        );
        assert_eq!(
            read_create_time(&Scalar::Str("1608725989000".into()), "p", &mut issues),
            Some(1_608_725_989_000)
        );
        assert!(issues.0.is_empty());
        // Not microseconds either: kept as it came, never negated.
        for n in [i64::MIN, i64::MAX, -1_000_000_000_000_000_000] {
            let s = Scalar::Str(n.to_string().into());
            assert_eq!(read_create_time(&s, "p", &mut issues), Some(n));
        }
        assert_eq!(
            read_create_time(&Scalar::Str("-1608725989000123".into()), "p", &mut issues),
            Some(-1_608_725_989_000)
        );
    }
}
