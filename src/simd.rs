//! Vector helpers shared by the byte scans that classify 64 bytes at a
//! time: the record-end scan (`input::blocks`) and the fast reader's
//! quotes (`json::quotes`).

#[cfg(target_arch = "x86_64")]
use std::arch::x86_64::{__m128i, _mm_movemask_epi8, _mm_set_epi64x};

/// Sixteen bytes as an SSE2 vector, built from their two halves (no
/// pointer read by hand).
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "sse2")]
pub(crate) fn vector(chunk: &[u8; 16]) -> __m128i {
    let (lo, hi) = chunk.split_at(8);
    let word = |half: &[u8]| {
        let mut bytes = [0u8; 8];
        bytes.copy_from_slice(half);
        i64::from_le_bytes(bytes)
    };
    _mm_set_epi64x(word(hi), word(lo))
}

/// A byte compare's result as bits (bit j for byte j), placed where the
/// `i`th chunk of 16 bytes lies in its block of 64.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "sse2")]
pub(crate) fn bits(compared: __m128i, i: usize) -> u64 {
    u64::from(_mm_movemask_epi8(compared) as u16) << (16 * i)
}
