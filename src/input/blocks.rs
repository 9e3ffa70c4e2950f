//! The end of a JSON value that ends on the line it starts, found 64 bytes
//! at a time, as simdjson finds structure: a bit mask per kind of byte
//! (quote, backslash, bracket, newline) from vector compares, escaped
//! quotes and the inside of strings from bit arithmetic on those masks,
//! and the nesting counted from the brackets outside strings, a block at a
//! time unless the value may end or nest deeper in it.
//!
//! [`value_end`] answers exactly what [`super::scan::scan_json`] answers
//! for such a value (its length and deepest nesting), and `None` for
//! anything else: a value that spans lines, a backslash outside a string
//! (where the byte scan and the masks would read the quotes after it
//! differently), bytes that run out first. The caller then scans the
//! general way. A property test and the `split` fuzz target hold the two
//! to the same answers.

/// A value that ends on its line: its length and its deepest nesting.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct LineValue {
    pub len: usize,
    pub max_depth: usize,
}

/// The bytes of one kind in a block of 64, a bit each (bit i for byte i).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Masks {
    quote: u64,
    backslash: u64,
    open: u64,
    close: u64,
    newline: u64,
}

/// The value starting at `data[0]` (a `{` or `[`), if it ends before the
/// first newline of `data`, as [`super::scan::scan_json`] measures it.
/// Reads at most 63 bytes past the value's end; inside a string it skips
/// ahead to the next byte that can end it.
pub(super) fn value_end(data: &[u8]) -> Option<LineValue> {
    let mut escaped_next = 0u64;
    let mut in_string = 0u64;
    let mut depth = 0usize;
    let mut max_depth = 0usize;
    let mut pos = 0;
    let avx2 = crate::simd::avx2();
    while pos < data.len() {
        let block = block_at(data, pos);
        let m = classify(&block, avx2);
        // Most records have no backslash at all: nothing is escaped.
        let escaped = match m.backslash | escaped_next {
            0 => 0,
            _ => escaped(m.backslash, &mut escaped_next),
        };
        let inside = prefix_xor(m.quote & !escaped) ^ in_string;
        // The top bit says whether the block ends inside a string.
        in_string = 0u64.wrapping_sub(inside >> 63);
        // Before the first newline only (none in a one-line value).
        let valid = match m.newline {
            0 => u64::MAX,
            nl => (1u64 << nl.trailing_zeros()) - 1,
        };
        if m.backslash & !inside & valid != 0 {
            // Outside a string a backslash escapes nothing to the byte scan.
            return None;
        }
        let open = m.open & !inside & valid;
        let close = m.close & !inside & valid;
        let (opens, closes) = (open.count_ones() as usize, close.count_ones() as usize);
        if depth > closes && depth + opens <= max_depth {
            // It cannot end here nor nest deeper than it has.
            depth = depth + opens - closes;
        } else {
            let mut brackets = open | close;
            while brackets != 0 {
                let at = brackets.trailing_zeros();
                brackets &= brackets - 1;
                if open >> at & 1 == 1 {
                    depth += 1;
                    max_depth = max_depth.max(depth);
                } else {
                    depth = depth.saturating_sub(1);
                    if depth == 0 {
                        let len = pos + at as usize + 1;
                        return (len <= data.len()).then_some(LineValue { len, max_depth });
                    }
                }
            }
        }
        if m.newline != 0 {
            return None;
        }
        pos += 64;
        if inside == u64::MAX && escaped_next == 0 {
            // A whole block inside a string: a long one, where only a
            // quote, a backslash or a newline matters. Skip to the next
            // (an `encrypt` string is over a kilobyte of base64).
            let rest = data.get(pos..).unwrap_or_default();
            pos += memchr::memchr3(b'"', b'\\', b'\n', rest)?;
        }
    }
    None
}

/// The 64 bytes from `pos`, padded with spaces past the end of `data`.
fn block_at(data: &[u8], pos: usize) -> [u8; 64] {
    let rest = data.get(pos..).unwrap_or_default();
    match rest.first_chunk::<64>() {
        Some(block) => *block,
        None => {
            let mut padded = [b' '; 64];
            padded[..rest.len()].copy_from_slice(rest);
            padded
        }
    }
}

/// Which bytes are escaped by a backslash before them, counting runs of
/// backslashes (an even run escapes nothing after it), carried across
/// blocks by `escaped_next` (1 when this block's first byte is escaped).
/// simdjson's algorithm.
fn escaped(backslash: u64, escaped_next: &mut u64) -> u64 {
    const EVEN: u64 = 0x5555_5555_5555_5555;
    let backslash = backslash & !*escaped_next;
    let follows_escape = (backslash << 1) | *escaped_next;
    let odd_starts = backslash & !EVEN & !follows_escape;
    let (even_starts, overflow) = odd_starts.overflowing_add(backslash);
    *escaped_next = u64::from(overflow);
    let invert = even_starts << 1;
    (EVEN ^ invert) & follows_escape
}

/// Each bit the XOR of itself and every bit below it: set from an opening
/// quote up to (not including) its closing quote. One carry-less multiply
/// by all ones where the build targets a processor that has it (the
/// default build, `target-cpu=native`), six shifts otherwise.
fn prefix_xor(x: u64) -> u64 {
    #[cfg(all(target_arch = "x86_64", target_feature = "pclmulqdq"))]
    {
        // SAFETY: the build targets processors with PCLMULQDQ (the cfg
        // above), so every processor this code runs on has it.
        unsafe { prefix_xor_clmul(x) }
    }
    #[cfg(not(all(target_arch = "x86_64", target_feature = "pclmulqdq")))]
    {
        prefix_xor_shifts(x)
    }
}

#[cfg(all(target_arch = "x86_64", target_feature = "pclmulqdq"))]
#[target_feature(enable = "pclmulqdq")]
fn prefix_xor_clmul(x: u64) -> u64 {
    use std::arch::x86_64::{
        _mm_clmulepi64_si128, _mm_cvtsi128_si64, _mm_set_epi64x, _mm_set1_epi8,
    };
    let product = _mm_clmulepi64_si128(_mm_set_epi64x(0, x as i64), _mm_set1_epi8(-1), 0);
    _mm_cvtsi128_si64(product) as u64
}

/// [`prefix_xor`] by shifts (and the oracle for the multiply).
#[cfg_attr(
    all(target_arch = "x86_64", target_feature = "pclmulqdq"),
    allow(dead_code)
)]
fn prefix_xor_shifts(mut x: u64) -> u64 {
    x ^= x << 1;
    x ^= x << 2;
    x ^= x << 4;
    x ^= x << 8;
    x ^= x << 16;
    x ^= x << 32;
    x
}

/// The masks of a block; `avx2` says whether the processor runs AVX2
/// ([`crate::simd::avx2`], asked once per scan).
#[cfg(target_arch = "x86_64")]
fn classify(block: &[u8; 64], avx2: bool) -> Masks {
    if avx2 {
        // SAFETY: the processor runs AVX2 (the caller asked); like the SSE2
        // version it reads only the 64 bytes behind the reference.
        return unsafe { classify_avx2(block) };
    }
    // SAFETY: SSE2 is part of the x86_64 baseline, so every x86_64
    // processor runs `classify_sse2`; it takes a reference and reads only
    // the 64 bytes behind it (no pointer arithmetic, no unaligned load by
    // hand: the loads are built from byte arrays).
    unsafe { classify_sse2(block) }
}

/// The masks of a block, 32 bytes to a vector compare (the same compares
/// as [`classify_sse2`], half as many; a unit test holds them equal).
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn classify_avx2(block: &[u8; 64]) -> Masks {
    use crate::simd::{bits32, vector32};
    use std::arch::x86_64::{_mm256_cmpeq_epi8, _mm256_or_si256, _mm256_set1_epi8};
    let mut m = Masks::default();
    let (chunks, _) = block.as_chunks::<32>();
    for (i, chunk) in chunks.iter().enumerate() {
        let v = vector32(chunk);
        let folded = _mm256_or_si256(v, _mm256_set1_epi8(0x20));
        let byte = |b: u8| _mm256_set1_epi8(b as i8);
        m.quote |= bits32(_mm256_cmpeq_epi8(v, byte(b'"')), i);
        m.backslash |= bits32(_mm256_cmpeq_epi8(v, byte(b'\\')), i);
        m.open |= bits32(_mm256_cmpeq_epi8(folded, byte(b'{')), i);
        m.close |= bits32(_mm256_cmpeq_epi8(folded, byte(b'}')), i);
        m.newline |= bits32(_mm256_cmpeq_epi8(v, byte(b'\n')), i);
    }
    m
}

/// The masks of a block, 16 bytes to a vector compare.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "sse2")]
fn classify_sse2(block: &[u8; 64]) -> Masks {
    use crate::simd::{bits, vector};
    use std::arch::x86_64::{_mm_cmpeq_epi8, _mm_or_si128, _mm_set1_epi8};
    let mut m = Masks::default();
    let (chunks, _) = block.as_chunks::<16>();
    for (i, chunk) in chunks.iter().enumerate() {
        let v = vector(chunk);
        // `[` and `{`, `]` and `}` differ only in bit 5.
        let folded = _mm_or_si128(v, _mm_set1_epi8(0x20));
        let byte = |b: u8| _mm_set1_epi8(b as i8);
        m.quote |= bits(_mm_cmpeq_epi8(v, byte(b'"')), i);
        m.backslash |= bits(_mm_cmpeq_epi8(v, byte(b'\\')), i);
        m.open |= bits(_mm_cmpeq_epi8(folded, byte(b'{')), i);
        m.close |= bits(_mm_cmpeq_epi8(folded, byte(b'}')), i);
        m.newline |= bits(_mm_cmpeq_epi8(v, byte(b'\n')), i);
    }
    m
}

/// The masks a byte at a time, where there is no vector code.
#[cfg(not(target_arch = "x86_64"))]
fn classify(block: &[u8; 64], _avx2: bool) -> Masks {
    let mut m = Masks::default();
    for (i, &b) in block.iter().enumerate() {
        let bit = 1u64 << i;
        match b {
            b'"' => m.quote |= bit,
            b'\\' => m.backslash |= bit,
            b'{' | b'[' => m.open |= bit,
            b'}' | b']' => m.close |= bit,
            b'\n' => m.newline |= bit,
            _ => {}
        }
    }
    m
}

#[cfg(test)]
mod tests {
    use super::super::scan::{JsonScan, scan_json};
    use super::*;

    /// What the byte scan says of the same value, when it ends before the
    /// first newline.
    fn byte_scan(data: &[u8]) -> Option<LineValue> {
        let mut scan = JsonScan::default();
        let len = scan_json(&mut scan, data)?;
        (!scan.newline).then_some(LineValue {
            len,
            max_depth: scan.max_depth,
        })
    }

    /// The masks of a block a byte at a time.
    fn byte_masks(block: &[u8; 64]) -> Masks {
        let mut m = Masks::default();
        for (i, &b) in block.iter().enumerate() {
            let bit = 1u64 << i;
            m.quote |= u64::from(b == b'"') * bit;
            m.backslash |= u64::from(b == b'\\') * bit;
            m.open |= u64::from(b == b'{' || b == b'[') * bit;
            m.close |= u64::from(b == b'}' || b == b']') * bit;
            m.newline |= u64::from(b == b'\n') * bit;
        }
        m
    }

    proptest::proptest! {
        /// Both vector versions classify a block as a byte at a time does
        /// (the AVX2 one where the processor has it).
        #[cfg(target_arch = "x86_64")]
        #[test]
        fn vector_masks_are_the_byte_masks(
            bytes in proptest::collection::vec(
                proptest::prop_oneof![
                    proptest::sample::select(b"{}[]\"\\\n;{[]}a ".to_vec()),
                    proptest::num::u8::ANY,
                ],
                64,
            ),
        ) {
            let mut block = [0u8; 64];
            block.copy_from_slice(&bytes);
            let want = byte_masks(&block);
            // SAFETY: SSE2 is in the x86_64 baseline.
            proptest::prop_assert_eq!(unsafe { classify_sse2(&block) }, want);
            if crate::simd::avx2() {
                // SAFETY: just checked.
                proptest::prop_assert_eq!(unsafe { classify_avx2(&block) }, want);
            }
        }

        /// The multiply (where the build has it) gives what the shifts give.
        #[test]
        fn prefix_xor_is_the_shifts(x in proptest::prelude::any::<u64>()) {
            proptest::prop_assert_eq!(prefix_xor(x), prefix_xor_shifts(x));
        }

        /// Wherever the block scan answers, it answers as the byte scan;
        /// and it answers for every one-line value without a backslash
        /// outside its strings.
        #[test]
        fn the_block_scan_answers_as_the_byte_scan(
            open in proptest::sample::select(b"{[".to_vec()),
            body in proptest::collection::vec(
                proptest::sample::select(b"{}[]\"\\\\\\\n a:,\xc3\xa9".to_vec()),
                0..300,
            ),
        ) {
            let mut data = vec![open];
            data.extend(&body);
            let fast = value_end(&data);
            let slow = byte_scan(&data);
            if let Some(fast) = fast {
                proptest::prop_assert_eq!(Some(fast), slow);
            }
        }

        /// Real records: strings with escapes of every kind, any nesting,
        /// cut at any length.
        #[test]
        fn records_end_where_the_byte_scan_ends_them(
            value in json(),
            cut in 0usize..2000,
        ) {
            let text = value.to_string();
            let data = &text.as_bytes()[..cut.min(text.len())];
            if matches!(data.first(), Some(b'{' | b'[')) {
                let slow = byte_scan(data);
                proptest::prop_assert_eq!(value_end(data), slow);
            }
        }
    }

    fn json() -> impl proptest::strategy::Strategy<Value = serde_json::Value> {
        use proptest::prelude::*;
        use serde_json::Value;
        let text = "[a-z{}\\[\\]\"\\\\\t\u{e9}\u{4e2d}\u{1}]{0,150}";
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<i64>().prop_map(Value::from),
            text.prop_map(Value::from),
        ];
        let tree = leaf.prop_recursive(6, 64, 6, move |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
                proptest::collection::btree_map(text, inner, 0..6)
                    .prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        });
        prop_oneof![
            tree.clone().prop_map(|v| Value::Array(vec![v])),
            proptest::collection::btree_map("[a-z\"\\\\]{0,5}", tree, 0..6)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    }

    #[test]
    fn what_only_the_byte_scan_reads() {
        // Spans lines.
        assert_eq!(value_end(b"{\"a\":\n1}"), None);
        // A backslash outside a string.
        assert_eq!(value_end(b"{\\\"a\":1}"), None);
        // Runs out.
        assert_eq!(value_end(b"{\"a\":[1,2"), None);
        let long = format!(
            "{{\"a\":\"{}\\\\\",\"b\":[[{}]]}}",
            "x".repeat(200),
            "1,".repeat(40)
        );
        assert_eq!(
            value_end(long.as_bytes()),
            Some(LineValue {
                len: long.len(),
                max_depth: 3
            })
        );
        let with_rest = format!("{long}\n{{\"next\":1}}");
        assert_eq!(
            value_end(with_rest.as_bytes()).map(|v| v.len),
            Some(long.len())
        );
    }
}
