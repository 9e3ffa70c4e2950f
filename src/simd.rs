//! Vector helpers shared by the byte scans that classify 64 bytes at a
//! time: the record-end scan (`input::blocks`) and the fast reader's
//! quotes (`json::quotes`). Each scan asks [`avx2`] once per call and then
//! compares 32 bytes at a time, or 16 with SSE2.

#[cfg(target_arch = "x86_64")]
use std::arch::x86_64::{
    __m128i, __m256i, _mm_movemask_epi8, _mm_set_epi64x, _mm256_movemask_epi8, _mm256_set_epi64x,
};

/// Whether this processor runs AVX2 (`std` keeps the answer after the
/// first question).
pub(crate) fn avx2() -> bool {
    #[cfg(target_arch = "x86_64")]
    return std::is_x86_feature_detected!("avx2");
    #[cfg(not(target_arch = "x86_64"))]
    return false;
}

/// Sixteen bytes as an SSE2 vector, built from their two halves (no
/// pointer read by hand).
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "sse2")]
pub(crate) fn vector(chunk: &[u8; 16]) -> __m128i {
    let (words, _) = chunk.as_chunks::<8>();
    let word = |i: usize| i64::from_le_bytes(words[i]);
    _mm_set_epi64x(word(1), word(0))
}

/// A byte compare's result as bits (bit j for byte j), placed where the
/// `i`th chunk of 16 bytes lies in its block of 64.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "sse2")]
pub(crate) fn bits(compared: __m128i, i: usize) -> u64 {
    u64::from(_mm_movemask_epi8(compared) as u16) << (16 * i)
}

/// Thirty-two bytes as an AVX2 vector, built from their four quarters.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
pub(crate) fn vector32(chunk: &[u8; 32]) -> __m256i {
    let (words, _) = chunk.as_chunks::<8>();
    let word = |i: usize| i64::from_le_bytes(words[i]);
    _mm256_set_epi64x(word(3), word(2), word(1), word(0))
}

/// An AVX2 byte compare's result as bits, placed where the `i`th chunk of
/// 32 bytes lies in its block of 64.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
pub(crate) fn bits32(compared: __m256i, i: usize) -> u64 {
    u64::from(_mm256_movemask_epi8(compared) as u32) << (32 * i)
}
