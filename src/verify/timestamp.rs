//! The timestamp check: the age of a request from its
//! X-Lark-Request-Timestamp header, against `--max-age` when given; the
//! instant is written in UTC and long ages in a rounder unit too.

use super::verdict::{Check, Clock, Content, Sent, Status, TIMESTAMP_HEADER};

pub(super) fn timestamp_check(
    timestamp: Option<&str>,
    content: &Content<'_>,
    clock: Clock,
) -> Check {
    const NAME: &str = "timestamp";
    if timestamp.is_none() && content.is_url_verification() {
        return Check::new(
            NAME,
            Status::Skip,
            format!("no {TIMESTAMP_HEADER} header (url_verification requests need none)"),
        );
    }
    let fail_or_skip = if clock.max_age.is_some() {
        Status::Fail
    } else {
        Status::Skip
    };
    let Some(ts) = timestamp else {
        return Check::new(NAME, fail_or_skip, format!("no {TIMESTAMP_HEADER} header"));
    };
    let Ok(seconds) = ts.trim().parse::<i64>() else {
        return Check::new(
            NAME,
            fail_or_skip,
            format!("{TIMESTAMP_HEADER} {ts:?} is not a number of Unix seconds"),
        );
    };
    // Exact for any two i64s (a saturated age could pass a --max-age the
    // true age fails).
    let age = i128::from(clock.now) - i128::from(seconds);
    let span = human_span(age.unsigned_abs());
    let at = utc(seconds);
    let written = "sent ".len().."sent ".len() + at.len();
    let mut detail = if age >= 0 {
        format!("sent {at}, {span} ago")
    } else {
        format!("sent {at}, {span} in the future")
    };
    if seconds.unsigned_abs() >= 100_000_000_000 {
        detail.push_str(" (the value looks like milliseconds; the header is in seconds)");
    }
    let status = match clock.max_age {
        None => {
            detail.push_str("; age not checked (no --max-age)");
            Status::Skip
        }
        Some(max) if age.unsigned_abs() <= u128::from(max) => {
            detail.push_str(&format!("; within --max-age {max} s"));
            Status::Pass
        }
        Some(max) => {
            detail.push_str(&format!(
                "; more than --max-age {max} s from now (a replayed or delayed request, or a \
                 wrong clock)"
            ));
            Status::Fail
        }
    };
    Check {
        sent: Some(Sent {
            seconds,
            age,
            written,
        }),
        ..Check::new(NAME, status, detail)
    }
}

/// Unix seconds as RFC 3339 in UTC, the one way the detail writes an
/// instant (a table rewrites it in the reader's zone from [`Sent`]).
fn utc(seconds: i64) -> String {
    let Some(ms) = seconds.checked_mul(1000) else {
        return "out of range".to_string();
    };
    match jiff::Timestamp::from_millisecond(ms) {
        Ok(ts) => ts.to_string(),
        Err(_) => format!("out of range ({ms})"),
    }
}

/// Seconds, with a rounder unit beside long spans: `7200 s (2 h)`.
fn human_span(seconds: u128) -> String {
    match seconds {
        0..120 => format!("{seconds} s"),
        120..7_200 => format!("{seconds} s ({} min)", seconds / 60),
        7_200..172_800 => format!("{seconds} s ({} h)", seconds / 3_600),
        _ => format!("{seconds} s ({} days)", seconds / 86_400),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamp_age_is_reported_and_checked() {
        let clock = Clock {
            now: 1_700_000_100,
            max_age: None,
        };
        let c = timestamp_check(Some("1700000000"), &Content::NotAnEvent, clock);
        assert_eq!(c.status, Status::Skip);
        assert!(c.detail.contains("100 s ago"), "{}", c.detail);
        assert_eq!(human_span(95_484_417), "95484417 s (1105 days)");
        assert!(c.detail.contains("2023-11-14T22:13:20Z"), "{}", c.detail);
        let strict = Clock {
            max_age: Some(60),
            ..clock
        };
        assert_eq!(
            timestamp_check(Some("1700000000"), &Content::NotAnEvent, strict).status,
            Status::Fail
        );
        assert_eq!(
            timestamp_check(Some("1700000050"), &Content::NotAnEvent, strict).status,
            Status::Pass
        );
        assert_eq!(
            timestamp_check(Some("1700000200"), &Content::NotAnEvent, strict).status,
            Status::Fail
        );
        assert_eq!(
            timestamp_check(None, &Content::NotAnEvent, strict).status,
            Status::Fail
        );
        assert_eq!(
            timestamp_check(Some("soon"), &Content::NotAnEvent, clock).status,
            Status::Skip
        );
    }

    #[test]
    fn the_instant_is_data_and_the_detail_writes_it_in_utc() {
        let clock = Clock {
            now: 1_700_000_000,
            max_age: None,
        };
        let c = timestamp_check(Some("1700000042"), &Content::NotAnEvent, clock);
        let sent = c.sent.clone().expect("the instant");
        assert_eq!((sent.seconds, sent.age), (1_700_000_042, -42));
        assert_eq!(&c.detail[sent.written], "2023-11-14T22:14:02Z");
        let far = timestamp_check(Some("-9223372036854775808"), &Content::NotAnEvent, clock);
        let sent = far.sent.clone().expect("the instant");
        assert_eq!(&far.detail[sent.written], "out of range");
        assert_eq!(
            timestamp_check(None, &Content::NotAnEvent, clock).sent,
            None
        );
    }
}
