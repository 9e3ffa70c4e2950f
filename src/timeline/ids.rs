//! Event ids as the timelines keep them: each stored once, in a byte
//! arena whose chunks never move, and encoded compactly (the platform's
//! 32 hex digits in 16 bytes).

/// Bytes per chunk of [`Ids`]; a longer id gets a chunk of its own.
const ARENA_CHUNK: usize = 64 * 1024;

/// Event ids, each stored once after a length prefix, in chunks that
/// never move.
#[derive(Debug, Default)]
pub struct Ids {
    chunks: Vec<Vec<u8>>,
}

impl Ids {
    /// Stores an encoded id ([`encode`]); its place, for [`Ids::get`].
    pub fn push(&mut self, encoded: &[u8]) -> u64 {
        let mut prefix = [0u8; 10];
        let prefix = varint(encoded.len() as u64, &mut prefix);
        let size = prefix.len() + encoded.len();
        // An id longer than a chunk has one to itself (offsets stay 32-bit).
        let fits = self
            .chunks
            .last()
            .is_some_and(|c| c.capacity() <= ARENA_CHUNK && c.capacity() - c.len() >= size);
        if !fits {
            self.chunks.push(Vec::with_capacity(size.max(ARENA_CHUNK)));
        }
        let chunk_index = self.chunks.len() - 1;
        let Some(chunk) = self.chunks.last_mut() else {
            return 0;
        };
        let offset = chunk.len();
        chunk.extend_from_slice(prefix);
        chunk.extend_from_slice(encoded);
        // Offsets within a shared chunk are below ARENA_CHUNK.
        ((chunk_index as u64) << 32) | (offset as u64 & 0xffff_ffff)
    }

    /// The encoded id stored at `at`.
    pub fn get(&self, at: u64) -> &[u8] {
        let chunk = usize::try_from(at >> 32).unwrap_or(usize::MAX);
        let offset = usize::try_from(at & 0xffff_ffff).unwrap_or(usize::MAX);
        let Some(rest) = self.chunks.get(chunk).and_then(|c| c.get(offset..)) else {
            return &[];
        };
        let (len, used) = read_varint(rest);
        let len = usize::try_from(len).unwrap_or(usize::MAX);
        rest.get(used..).and_then(|r| r.get(..len)).unwrap_or(&[])
    }
}

fn varint(mut n: u64, buf: &mut [u8; 10]) -> &[u8] {
    let mut i = 0;
    while n >= 0x80 {
        buf[i] = (n as u8) | 0x80;
        n >>= 7;
        i += 1;
    }
    buf[i] = n as u8;
    &buf[..=i]
}

fn read_varint(bytes: &[u8]) -> (u64, usize) {
    let mut n = 0u64;
    for (i, &b) in bytes.iter().take(10).enumerate() {
        n |= u64::from(b & 0x7f) << (7 * i);
        if b & 0x80 == 0 {
            return (n, i + 1);
        }
    }
    (n, bytes.len().min(10))
}

/// An id of lowercase hex digits, an even number of them (as the
/// platform's 32-digit event ids are), is packed two digits a byte.
pub const PACKED: u8 = 1;
const AS_IS: u8 = 0;

/// An event id's bytes as stored: packed hex, or the id as it is, after a
/// byte that says which. Two ids are equal exactly when their encodings are.
pub fn encode(id: &str, out: &mut Vec<u8>) {
    out.clear();
    let bytes = id.as_bytes();
    let packable = !bytes.is_empty()
        && bytes.len().is_multiple_of(2)
        && bytes.iter().all(|&b| hex(b).is_some());
    if packable {
        out.push(PACKED);
        for pair in bytes.chunks_exact(2) {
            let (hi, lo) = (hex(pair[0]).unwrap_or(0), hex(pair[1]).unwrap_or(0));
            out.push((hi << 4) | lo);
        }
    } else {
        out.push(AS_IS);
        out.extend_from_slice(bytes);
    }
}

/// The 16 bytes [`encode`] packs an id of 32 lowercase hex digits into
/// (after its [`PACKED`] byte), without the encoding's buffer; `None` for
/// any other id.
pub fn pack_hex(id: &str) -> Option<[u8; 16]> {
    let digits: &[u8; 32] = id.as_bytes().try_into().ok()?;
    let mut packed = [0u8; 16];
    // No branch a digit: whether any was not one is looked at once.
    let mut not_digits = 0;
    for (byte, pair) in packed.iter_mut().zip(digits.chunks_exact(2)) {
        let (hi, lo) = (HEX[usize::from(pair[0])], HEX[usize::from(pair[1])]);
        not_digits |= hi | lo;
        *byte = (hi << 4) | (lo & 0x0f);
    }
    (not_digits < 16).then_some(packed)
}

/// The id [`encode`] stored.
pub fn decode(encoded: &[u8]) -> String {
    match encoded.split_first() {
        Some((&PACKED, packed)) => decode_packed(packed),
        Some((_, text)) => String::from_utf8_lossy(text).into_owned(),
        None => String::new(),
    }
}

pub fn decode_packed(packed: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut id = String::with_capacity(packed.len() * 2);
    for &b in packed {
        id.push(char::from(DIGITS[usize::from(b >> 4)]));
        id.push(char::from(DIGITS[usize::from(b & 0xf)]));
    }
    id
}

/// Each byte's value as a (lowercase) hex digit, or 0xff.
const HEX: [u8; 256] = {
    let mut table = [0xff; 256];
    let mut digit = 0;
    while digit < 16 {
        table[b"0123456789abcdef"[digit] as usize] = digit as u8;
        digit += 1;
    }
    table
};

fn hex(b: u8) -> Option<u8> {
    let value = HEX[usize::from(b)];
    (value < 16).then_some(value)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// pack_hex packs exactly the ids encode packs into 16 bytes, into
        /// the same bytes.
        #[test]
        fn pack_hex_is_the_encoding_of_32_hex_digits(
            id in prop_oneof!["[0-9a-f]{32}", "[0-9a-fA-F]{31,33}", "[0-9a-g/:`@F]{32}", ".{0,34}"],
        ) {
            let mut encoded = Vec::new();
            encode(&id, &mut encoded);
            let expected = match encoded.split_first() {
                Some((&PACKED, packed)) => <[u8; 16]>::try_from(packed).ok(),
                _ => None,
            };
            prop_assert_eq!(pack_hex(&id), expected);
        }
    }

    #[test]
    fn ids_round_trip_and_pack_hex() {
        let mut ids = Ids::default();
        let mut buf = Vec::new();
        let long = "x".repeat(ARENA_CHUNK * 2 + 3);
        let cases = [
            "5e3702a84e847582be8db7fb73283c02",
            "5E3702A8",
            "abc",
            "",
            "c1-7001",
            "\u{1b}]0;x\u{7}",
            "00",
            long.as_str(),
            "ff",
        ];
        let mut places = Vec::new();
        for id in cases {
            encode(id, &mut buf);
            places.push(ids.push(&buf));
        }
        for (id, at) in cases.iter().zip(places) {
            assert_eq!(decode(ids.get(at)), *id);
        }
        encode("5e3702a84e847582be8db7fb73283c02", &mut buf);
        assert_eq!(buf.len(), 17);
        // Distinct ids, distinct encodings: "00" packed is not "\0" as is.
        let mut other = Vec::new();
        encode("\u{1}\u{0}", &mut other);
        encode("00", &mut buf);
        assert_ne!(buf, other);
    }
}
