//! Times as jiff prints them (RFC 3339, the fraction of a second with as
//! few digits as it needs), written by arithmetic where the time zone has
//! one offset for all time: UTC, `Etc/UTC`, a fixed offset. Every `diff`
//! row of an `updated_at` shows two; jiff's zone lookup and printer cost
//! about 570 instructions a time, this about 200 (callgrind). Anything
//! else (a zone with transitions, an offset with seconds, a time before
//! 1970 or near the end of jiff's range) is left to jiff; a property test
//! holds the two to the same text.

use jiff::Timestamp;
use jiff::tz::TimeZone;

/// The latest millisecond written here: jiff's last (9999-12-30T22:00Z),
/// which with any offset stays in a four-digit year.
const LAST_MS: i64 = 253_402_207_200_000;
const MS_PER_DAY: i64 = 86_400_000;

/// A zone's one offset, for the fast path.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Fixed {
    /// Seconds east of UTC, a whole number of minutes.
    seconds: i32,
    /// `Z` rather than `+00:00` (jiff's own UTC zone).
    zulu: bool,
}

impl Fixed {
    /// The one offset of `tz`, when it has one for all time and jiff
    /// prints it in whole minutes.
    pub(super) fn of(tz: &TimeZone) -> Option<Fixed> {
        if *tz == TimeZone::UTC {
            return Some(Fixed {
                seconds: 0,
                zulu: true,
            });
        }
        let changes = tz.preceding(Timestamp::MAX).next().is_some()
            || tz.following(Timestamp::MIN).next().is_some();
        let seconds = tz.to_offset(Timestamp::UNIX_EPOCH).seconds();
        (!changes && seconds % 60 == 0).then_some(Fixed {
            seconds,
            zulu: false,
        })
    }

    /// `ms` as jiff prints it in this offset, when it is in the range
    /// written here.
    pub(super) fn write(self, buf: &mut Vec<u8>, ms: i64) -> bool {
        if !(0..=LAST_MS).contains(&ms) {
            return false;
        }
        let local = ms + i64::from(self.seconds) * 1000;
        // From 1969-12-30 on: not negative from the shifted epoch of
        // `civil_from_days`, so the arithmetic is unsigned.
        let Ok(days) = u64::try_from(local.div_euclid(MS_PER_DAY) + 719_468) else {
            return false;
        };
        let (year, month, day) = civil_from_days(days);
        // Below a day: fits a u32.
        let in_day = local.rem_euclid(MS_PER_DAY) as u32;
        let seconds = in_day / 1000;
        let mut text = *b"0000-00-00T00:00:00";
        pair(&mut text, 0, year / 100);
        pair(&mut text, 2, year % 100);
        pair(&mut text, 5, month);
        pair(&mut text, 8, day);
        pair(&mut text, 11, seconds / 3600);
        pair(&mut text, 14, seconds / 60 % 60);
        pair(&mut text, 17, seconds % 60);
        buf.extend_from_slice(&text);
        let fraction = in_day % 1000;
        if fraction != 0 {
            // jiff writes as few digits as the fraction needs.
            let mut digits = [b'.', b'0' + (fraction / 100) as u8, 0, 0];
            pair(&mut digits, 2, fraction % 100);
            let len = match fraction % 100 {
                0 => 2,
                n if n % 10 == 0 => 3,
                _ => 4,
            };
            buf.extend_from_slice(&digits[..len]);
        }
        if self.zulu {
            buf.push(b'Z');
        } else {
            let mut offset = *b"+00:00";
            if self.seconds < 0 {
                offset[0] = b'-';
            }
            let minutes = self.seconds.unsigned_abs() / 60;
            pair(&mut offset, 1, minutes / 60);
            pair(&mut offset, 4, minutes % 60);
            buf.extend_from_slice(&offset);
        }
        true
    }
}

/// `n` (below 100) in two digits at `at`.
fn pair<const N: usize>(text: &mut [u8; N], at: usize, n: u32) {
    let n = n as usize % 100 * 2;
    text[at..at + 2].copy_from_slice(&PAIRS[n..n + 2]);
}

/// "00" to "99", one after another.
static PAIRS: [u8; 200] = {
    let mut pairs = [0u8; 200];
    let mut i = 0;
    while i < 100 {
        pairs[2 * i] = b'0' + (i / 10) as u8;
        pairs[2 * i + 1] = b'0' + (i % 10) as u8;
        i += 1;
    }
    pairs
};

/// The proleptic Gregorian date of a day counted from 0000-03-01 (1970-01-01
/// is day 719,468; Howard Hinnant's `civil_from_days`), for years to 9999.
fn civil_from_days(z: u64) -> (u32, u32, u32) {
    let era = z / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + u64::from(month <= 2);
    // A year to 9999, a month, a day: each fits.
    (year as u32, month as u32, day as u32)
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::tz::Offset;
    use proptest::prelude::*;

    /// What jiff prints, the oracle.
    fn jiff_text(tz: &TimeZone, ms: i64) -> Option<String> {
        let ts = Timestamp::from_millisecond(ms).ok()?;
        Some(if *tz == TimeZone::UTC {
            ts.to_string()
        } else {
            ts.display_with_offset(tz.to_offset(ts)).to_string()
        })
    }

    fn fast_text(tz: &TimeZone, ms: i64) -> Option<String> {
        let mut buf = Vec::new();
        Fixed::of(tz)?
            .write(&mut buf, ms)
            .then(|| String::from_utf8(buf).expect("ASCII"))
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(4096))]

        /// Wherever the fast path writes a time, it writes jiff's text.
        #[test]
        fn fast_times_are_jiffs(
            ms in prop_oneof![
                0..=LAST_MS,
                Just(LAST_MS),
                (0i64..400_000).prop_map(|d| d * MS_PER_DAY),
                (0i64..=LAST_MS / 1000).prop_map(|s| s * 1000 + 10),
                -1_000_000i64..1_000_000,
            ],
            seconds in prop_oneof![Just(0), -93_599i32..=93_599, (-1559i32..=1559).prop_map(|m| m * 60)],
        ) {
            for tz in [TimeZone::UTC, TimeZone::fixed(Offset::from_seconds(seconds).expect("in range"))] {
                if let Some(fast) = fast_text(&tz, ms) {
                    prop_assert_eq!(Some(fast), jiff_text(&tz, ms));
                }
            }
        }
    }

    #[test]
    fn which_zones_and_times_are_written_here() {
        let utc = Fixed::of(&TimeZone::UTC).expect("UTC is fixed");
        assert!(utc.zulu);
        let fixed = TimeZone::fixed(Offset::from_seconds(-(3 * 3600 + 30 * 60)).expect("in range"));
        assert_eq!(
            fast_text(&fixed, 1_700_000_000_010).as_deref(),
            Some("2023-11-14T18:43:20.01-03:30")
        );
        // An offset with seconds (jiff rounds it) and times out of range
        // are jiff's to print.
        let odd = TimeZone::fixed(Offset::from_seconds(3600 + 30).expect("in range"));
        assert_eq!(Fixed::of(&odd), None);
        assert_eq!(fast_text(&TimeZone::UTC, -1), None);
        assert_eq!(fast_text(&TimeZone::UTC, LAST_MS + 1), None);
        if let Ok(new_york) = TimeZone::get("America/New_York") {
            assert_eq!(Fixed::of(&new_york), None);
        }
        if let Ok(etc_utc) = TimeZone::get("Etc/UTC") {
            assert_eq!(
                fast_text(&etc_utc, 1_699_999_940_000).as_deref(),
                Some("2023-11-14T22:12:20+00:00")
            );
        }
    }
}
