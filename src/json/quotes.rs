//! The quotes of a text, found 16 bytes at a time: a bitmap with a bit per
//! byte, built in the same pass that checks the text is in the fast
//! reader's form (no backslash, no control character). With no backslash
//! every quote opens or closes a string, so a string ends at the next bit.

/// Where the quotes of a text are.
pub struct Quotes {
    /// Bit `i % 64` of word `i / 64` is set when byte `i` is a quote.
    words: Vec<u64>,
}

impl Quotes {
    /// The quotes of `bytes`, or `None` when it has a backslash or a byte
    /// below 0x20. The bitmap is written into `words` (emptied first), so
    /// that a reader can hand the storage of the last one back.
    pub fn of(bytes: &[u8], mut words: Vec<u64>) -> Option<Quotes> {
        let (blocks, tail) = bytes.as_chunks::<64>();
        words.clear();
        words.reserve(blocks.len() + 1);
        let avx2 = crate::simd::avx2();
        for block in blocks {
            words.push(block_quotes(block, avx2)?);
        }
        if !tail.is_empty() {
            // Padded with spaces, which are neither quotes nor bad.
            let mut last = [b' '; 64];
            last[..tail.len()].copy_from_slice(tail);
            words.push(block_quotes(&last, avx2)?);
        }
        Some(Quotes { words })
    }

    /// The bitmap's storage, for the next text.
    pub fn into_words(self) -> Vec<u64> {
        self.words
    }

    /// The first quote at or after `from`.
    pub fn next(&self, from: usize) -> Option<usize> {
        let mut word = from / 64;
        let mut bits = self.words.get(word)? & (u64::MAX << (from % 64));
        while bits == 0 {
            word += 1;
            bits = *self.words.get(word)?;
        }
        Some(word * 64 + bits.trailing_zeros() as usize)
    }
}

/// A block's quotes, or `None` when it has a backslash or a control byte.
/// `avx2` says whether the processor runs AVX2 ([`crate::simd::avx2`],
/// asked once per text).
#[cfg(target_arch = "x86_64")]
fn block_quotes(block: &[u8; 64], avx2: bool) -> Option<u64> {
    if avx2 {
        // SAFETY: the processor runs AVX2 (the caller asked); it reads only the
        // 64 bytes behind the reference, as the SSE2 version does.
        return unsafe { block_quotes_avx2(block) };
    }
    // SAFETY: SSE2 is part of the x86_64 baseline, so every x86_64
    // processor runs `block_quotes_sse2`; it reads only the 64 bytes behind
    // the reference (the loads are built from byte arrays).
    unsafe { block_quotes_sse2(block) }
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "sse2")]
fn block_quotes_sse2(block: &[u8; 64]) -> Option<u64> {
    use crate::simd::{bits, vector};
    use std::arch::x86_64::{_mm_cmpeq_epi8, _mm_max_epu8, _mm_or_si128, _mm_set1_epi8};
    let mut quotes = 0u64;
    let mut bad = 0u64;
    let (chunks, _) = block.as_chunks::<16>();
    for (i, chunk) in chunks.iter().enumerate() {
        let v = vector(chunk);
        let quote = _mm_cmpeq_epi8(v, _mm_set1_epi8(b'"' as i8));
        quotes |= bits(quote, i);
        let backslash = _mm_cmpeq_epi8(v, _mm_set1_epi8(b'\\' as i8));
        // max(v, 0x1f) == 0x1f exactly when v <= 0x1f.
        let control = _mm_cmpeq_epi8(_mm_max_epu8(v, _mm_set1_epi8(0x1f)), _mm_set1_epi8(0x1f));
        bad |= bits(_mm_or_si128(backslash, control), i);
    }
    (bad == 0).then_some(quotes)
}

/// [`block_quotes_sse2`] 32 bytes to a compare.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn block_quotes_avx2(block: &[u8; 64]) -> Option<u64> {
    use crate::simd::{bits32, vector32};
    use std::arch::x86_64::{
        _mm256_cmpeq_epi8, _mm256_max_epu8, _mm256_or_si256, _mm256_set1_epi8,
    };
    let mut quotes = 0u64;
    let mut bad = 0u64;
    let (chunks, _) = block.as_chunks::<32>();
    for (i, chunk) in chunks.iter().enumerate() {
        let v = vector32(chunk);
        quotes |= bits32(_mm256_cmpeq_epi8(v, _mm256_set1_epi8(b'"' as i8)), i);
        let backslash = _mm256_cmpeq_epi8(v, _mm256_set1_epi8(b'\\' as i8));
        let control = _mm256_cmpeq_epi8(
            _mm256_max_epu8(v, _mm256_set1_epi8(0x1f)),
            _mm256_set1_epi8(0x1f),
        );
        bad |= bits32(_mm256_or_si256(backslash, control), i);
    }
    (bad == 0).then_some(quotes)
}

/// A block's quotes a byte at a time, where there is no vector code.
#[cfg(not(target_arch = "x86_64"))]
fn block_quotes(block: &[u8; 64], _avx2: bool) -> Option<u64> {
    let mut quotes = 0u64;
    for (i, &b) in block.iter().enumerate() {
        if b < 0x20 || b == b'\\' {
            return None;
        }
        quotes |= u64::from(b == b'"') << i;
    }
    Some(quotes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// Both vector versions find a block's quotes and refuse the same
        /// blocks (the AVX2 one where the processor has it).
        #[cfg(target_arch = "x86_64")]
        #[test]
        fn vector_versions_agree(bytes in proptest::collection::vec(
            prop_oneof![Just(b'"'), Just(b'\\'), Just(b'a'), Just(0x1fu8), Just(0x20u8), any::<u8>()],
            64,
        )) {
            let mut block = [0u8; 64];
            block.copy_from_slice(&bytes);
            let bad = bytes.iter().any(|&b| b < 0x20 || b == b'\\');
            let quotes = bytes.iter().enumerate().map(|(i, &b)| u64::from(b == b'"') << i).sum::<u64>();
            let want = (!bad).then_some(quotes);
            // SAFETY: SSE2 is in the x86_64 baseline.
            prop_assert_eq!(unsafe { block_quotes_sse2(&block) }, want);
            if crate::simd::avx2() {
                // SAFETY: just checked.
                prop_assert_eq!(unsafe { block_quotes_avx2(&block) }, want);
            }
        }

        /// The bitmap has exactly the quotes, and refuses exactly the texts
        /// with a backslash or a control byte.
        #[test]
        fn quotes_and_refusals(bytes in proptest::collection::vec(
            prop_oneof![Just(b'"'), Just(b'\\'), Just(b'a'), Just(b' '), Just(0x1fu8), Just(0x20u8), Just(0xffu8)],
            0..300,
        )) {
            let bad = bytes.iter().any(|&b| b < 0x20 || b == b'\\');
            let found = Quotes::of(&bytes, vec![u64::MAX; 3]);
            prop_assert_eq!(found.is_none(), bad);
            if let Some(q) = found {
                let want: Vec<usize> = bytes.iter().enumerate().filter(|(_, b)| **b == b'"').map(|(i, _)| i).collect();
                let mut got = Vec::new();
                let mut from = 0;
                while let Some(at) = q.next(from) {
                    got.push(at);
                    from = at + 1;
                }
                prop_assert_eq!(got, want);
            }
        }
    }
}
