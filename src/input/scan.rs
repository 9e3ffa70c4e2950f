//! The scans over JSON text that find where things end without parsing:
//! one string scanner ([`string_end`], over [`string_stop`]'s fast search)
//! that every scan shares, the scan for the end of a value ([`scan_json`]),
//! and the depth check ([`nests_deeper_than`]). The resync's lookahead
//! (`lookahead.rs`) uses the same string scanner.
//!
//! Every scan here treats a raw newline as the end of a string: it cannot be
//! inside a valid JSON string, so a scan is outside any string at the start
//! of every line, which the resync relies on.

/// Incremental state of the scan for the end of a JSON value.
#[derive(Default)]
pub(super) struct JsonScan {
    depth: usize,
    /// The deepest nesting seen.
    pub(super) max_depth: usize,
    /// The scan stopped inside a string.
    pub(super) in_string: bool,
    /// ... right after a backslash in it.
    escape: bool,
    /// A raw newline ended a string.
    pub(super) broken_string: bool,
    /// A newline was seen, in a string or not.
    pub(super) newline: bool,
    /// Offset (relative to the record start) scanned so far.
    pub(super) offset: usize,
}

/// Scans for the end of the JSON value starting at `data[0]` (a `{` or `[`),
/// resuming where the last call stopped. Returns the value's length.
pub(super) fn scan_json(scan: &mut JsonScan, data: &[u8]) -> Option<usize> {
    let mut i = scan.offset;
    while i < data.len() {
        if scan.in_string {
            // A raw newline cannot be in a valid JSON string, so it ends one
            // here: every scan is then outside a string at a line start,
            // which the resync's lookahead relies on. Valid records are
            // found as before; the string still shows in the message.
            match string_end(&data[i..], scan.escape) {
                InString::Closed(j) => {
                    scan.in_string = false;
                    scan.escape = false;
                    i += j + 1;
                }
                InString::Broken(j) => {
                    scan.in_string = false;
                    scan.escape = false;
                    scan.broken_string = true;
                    scan.newline = true;
                    i += j + 1;
                }
                InString::Open { escape } => {
                    scan.escape = escape;
                    i = data.len();
                }
            }
            continue;
        }
        match data[i] {
            b'"' => scan.in_string = true,
            b'\n' => scan.newline = true,
            b'{' | b'[' => {
                scan.depth += 1;
                scan.max_depth = scan.max_depth.max(scan.depth);
            }
            b'}' | b']' => {
                scan.depth = scan.depth.saturating_sub(1);
                if scan.depth == 0 {
                    return Some(i + 1);
                }
            }
            _ => {}
        }
        i += 1;
    }
    scan.offset = i;
    None
}

/// Where a scan inside a JSON string stopped ([`string_end`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum InString {
    /// At the string's closing quote, at this offset.
    Closed(usize),
    /// At a raw newline (escaped or not), at this offset: it ends the
    /// string, as no valid string holds one.
    Broken(usize),
    /// The bytes ran out inside the string; `escape` when the last of them
    /// is a backslash whose escaped byte is still to come.
    Open { escape: bool },
}

/// The one scanner of a JSON string's bytes, which every scan uses: from
/// `data[0]` (just past the opening quote, or where the last call ran
/// out; `escape` when that was right after a backslash) to where the
/// string ends. An escape skips the byte after it, unless that is a raw
/// newline.
// Inlined into each scan's loop: called once per string of every record,
// a call and the returned enum cost the end scan about 7% (callgrind).
#[inline(always)]
pub(super) fn string_end(data: &[u8], escape: bool) -> InString {
    let mut i = 0;
    if escape {
        match data.first() {
            None => return InString::Open { escape: true },
            Some(b'\n') => return InString::Broken(0),
            Some(_) => i = 1,
        }
    }
    while let Some(j) = string_stop(&data[i..]) {
        i += j;
        match data[i] {
            b'"' => return InString::Closed(i),
            b'\n' => return InString::Broken(i),
            // A backslash.
            _ => match data.get(i + 1) {
                None => return InString::Open { escape: true },
                Some(b'\n') => return InString::Broken(i + 1),
                Some(_) => i += 2,
            },
        }
    }
    InString::Open { escape: false }
}

/// The offset of the first byte that stops a scan inside a JSON string:
/// a quote, a backslash or a raw newline. Most strings in an event are
/// short (keys, ids, names), so the first 32 bytes are searched 8 at a
/// time in a register, without the call and set-up of a vector search;
/// longer strings (an `encrypt` ciphertext) go to `memchr`.
pub(super) fn string_stop(data: &[u8]) -> Option<usize> {
    const ONES: u64 = u64::from_ne_bytes([0x01; 8]);
    const HIGHS: u64 = u64::from_ne_bytes([0x80; 8]);
    // The high bit of each byte of the result is set where `word` has a
    // zero byte; the lowest set bit is exact (borrows only run upwards).
    let zero = |word: u64| word.wrapping_sub(ONES) & !word & HIGHS;
    let mut at = 0;
    while at < 32 {
        let Some(chunk) = data.get(at..at + 8) else {
            break;
        };
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        let word = u64::from_le_bytes(word);
        let hits = zero(word ^ (ONES * u64::from(b'"')))
            | zero(word ^ (ONES * u64::from(b'\\')))
            | zero(word ^ (ONES * u64::from(b'\n')));
        if hits != 0 {
            return Some(at + (hits.trailing_zeros() / 8) as usize);
        }
        at += 8;
    }
    memchr::memchr3(b'"', b'\\', b'\n', &data[at..]).map(|i| at + i)
}

/// Where the JSON value starting at `data[0]` first nests deeper than
/// `max` (the offset of the bracket that opens one level too many), by the
/// rules of [`scan_json`] (a raw newline ends a string), so that the answer
/// agrees with the depth that scan counts. Stops there, or at the value's
/// end.
pub fn nests_deeper_than(data: &[u8], max: usize) -> Option<usize> {
    depth_scan(data, max).0
}

/// [`nests_deeper_than`], and how many bytes it read to know.
pub(super) fn depth_scan(data: &[u8], max: usize) -> (Option<usize>, usize) {
    let (mut depth, mut i) = (0usize, 0);
    while i < data.len() {
        match data[i] {
            b'"' => match string_end(&data[i + 1..], false) {
                // To the closing quote or the raw newline; the loop steps
                // past it.
                InString::Closed(j) | InString::Broken(j) => i += 1 + j,
                InString::Open { .. } => return (None, data.len()),
            },
            b'{' | b'[' => {
                depth += 1;
                if depth > max {
                    return (Some(i), i + 1);
                }
            }
            b'}' | b']' => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return (None, i + 1);
                }
            }
            _ => {}
        }
        i += 1;
    }
    (None, data.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// The depth check that stops early agrees with the depth the scan
        /// for a record's end counts, strings (escaped, broken by a raw
        /// newline) included: the splitter uses one or the other depending
        /// on how it found the record, and the verdict must not differ.
        #[test]
        fn depth_check_agrees_with_the_scan(
            body in proptest::collection::vec(proptest::sample::select(b"{}[]\"\\\n a:,".to_vec()), 0..80),
            max in 0usize..6,
        ) {
            let mut data = vec![b'['];
            data.extend(&body);
            let mut scan = JsonScan::default();
            if let Some(len) = scan_json(&mut scan, &data) {
                let record = &data[..len];
                let at = nests_deeper_than(record, max);
                proptest::prop_assert_eq!(at.is_some(), scan.max_depth > max, "{:?}", String::from_utf8_lossy(record));
                if let Some(at) = at {
                    let opens = matches!(record[at], b'{' | b'[');
                    proptest::prop_assert!(opens);
                }
            }
        }
    }

    #[test]
    fn a_string_that_never_ends_holds_no_depth() {
        // Brackets after an unterminated string are in it, as for the scan
        // for the value's end.
        let data = format!("{{\"a\":\"{}", "[".repeat(300));
        assert_eq!(nests_deeper_than(data.as_bytes(), 127), None);
        let mut scan = JsonScan::default();
        assert_eq!(scan_json(&mut scan, data.as_bytes()), None);
        assert!(scan.in_string && scan.max_depth == 1);
    }

    #[test]
    fn the_string_scanner_resumes_anywhere() {
        // Cut anywhere, a string scans as it does whole: an escaped quote,
        // an escaped backslash, then the closing quote at 8.
        let data = br#"ab\"c\\d"e"#;
        assert_eq!(string_end(data, false), InString::Closed(8));
        for cut in 0..=8 {
            let escape = match string_end(&data[..cut], false) {
                InString::Open { escape } => escape,
                other => panic!("{other:?} before {cut}"),
            };
            let rest = string_end(&data[cut..], escape);
            assert_eq!(rest, InString::Closed(8 - cut), "cut {cut}");
        }
        assert_eq!(string_end(b"a\\\n", false), InString::Broken(2));
        assert_eq!(string_end(b"a\nb\"", false), InString::Broken(1));
        assert_eq!(string_end(b"\n", true), InString::Broken(0));
        assert_eq!(string_end(b"\"", true), InString::Open { escape: false });
    }

    #[test]
    fn string_stop_finds_what_memchr_finds() {
        // Every length and position up to past the register-sized part,
        // among filler bytes that stress the bit trick (0x00, 0x01, the
        // stop bytes plus or minus one, high bytes).
        let fillers = [
            b'a', 0x00, 0x01, b'!', b'#', b'[', b']', 0x0b, 0x80, 0xa2, 0xff,
        ];
        for len in 0..48 {
            for filler in fillers {
                let mut data = vec![filler; len];
                assert_eq!(string_stop(&data), None, "{len} {filler}");
                for at in 0..len {
                    for stop in [b'"', b'\\', b'\n'] {
                        data[at] = stop;
                        let expected = memchr::memchr3(b'"', b'\\', b'\n', &data);
                        assert_eq!(string_stop(&data), expected, "{len} {filler} {at}");
                        assert_eq!(expected, Some(at));
                        // A later stop byte does not move the first.
                        if at + 1 < len {
                            data[len - 1] = b'"';
                            assert_eq!(string_stop(&data), Some(at));
                            data[len - 1] = filler;
                        }
                        data[at] = filler;
                    }
                }
            }
        }
    }
}
