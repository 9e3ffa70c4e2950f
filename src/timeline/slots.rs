//! [`Slots`]: the hash table behind the timelines' lookups (tickets by
//! number or by id, distinct events by ticket and id). Open addressing with linear probing,
//! at most three quarters full (as much memory as hashbrown's seven
//! eighths with its control bytes): a lookup reads the slots from where
//! the hash points, one or two cache lines, known from the hash alone, so
//! the caller can fetch them ahead of time ([`Slots::prefetch`]) while it
//! handles the events before. (hashbrown keeps its control bytes
//! apart from its buckets: two cache misses a lookup, neither of which can
//! be asked for early through its API.)
//!
//! The hashes are keyed, random per run, so no input can make a probe long.

/// A table's hash from the 32 bits of it a slot keeps ([`Slots::find_index`]),
/// spread over 64 bits.
fn spread(tag: u32) -> u64 {
    u64::from(tag).wrapping_mul(0x9e37_79b9_7f4a_7c15)
}

/// A slot's value; [`Slot::EMPTY`] marks a free slot and is never stored.
pub(super) trait Slot: Copy + Eq {
    const EMPTY: Self;
}

impl Slot for u64 {
    const EMPTY: u64 = 0;
}

impl Slot for (u64, u32) {
    const EMPTY: (u64, u32) = (0, 0);
}

#[derive(Debug)]
pub(super) struct Slots<T> {
    slots: Box<[T]>,
    len: usize,
}

impl<T: Slot> Default for Slots<T> {
    fn default() -> Self {
        Slots {
            slots: Box::default(),
            len: 0,
        }
    }
}

impl<T: Slot> Slots<T> {
    /// Where the probe for `hash` starts (the table is not empty).
    fn start(&self, hash: u64) -> usize {
        ((hash ^ (hash >> 32)) as usize) & (self.slots.len().wrapping_sub(1))
    }

    /// Asks for the cache lines a lookup of `hash` will read first: the
    /// one its probe starts in, and the next (a probe at three quarters
    /// full runs over about six slots).
    pub(super) fn prefetch(&self, hash: u64) {
        if self.slots.is_empty() {
            return;
        }
        #[cfg(target_arch = "x86_64")]
        {
            let start = self.start(hash);
            let next = (start + 64 / size_of::<T>()) & (self.slots.len() - 1);
            for at in [start, next] {
                if let Some(slot) = self.slots.get(at) {
                    use std::arch::x86_64::{_MM_HINT_T0, _mm_prefetch};
                    // SAFETY: a prefetch only hints the cache: it reads
                    // nothing into the program and cannot fault, and the
                    // address is a slot's anyway.
                    unsafe { _mm_prefetch::<_MM_HINT_T0>(std::ptr::from_ref(slot).cast::<i8>()) }
                }
            }
        }
    }

    /// The first slot from `hash`'s probe that `is` accepts.
    pub(super) fn find(&self, hash: u64, mut is: impl FnMut(T) -> bool) -> Option<T> {
        if self.slots.is_empty() {
            return None;
        }
        let mask = self.slots.len() - 1;
        let mut at = self.start(hash);
        // Never full: an empty slot ends every probe.
        loop {
            let slot = *self.slots.get(at)?;
            if slot == T::EMPTY {
                return None;
            }
            if is(slot) {
                return Some(slot);
            }
            at = (at + 1) & mask;
        }
    }

    /// Stores `slot` (not [`Slot::EMPTY`]) under `hash`; `rehash` gives a
    /// stored slot's hash back when the table grows.
    pub(super) fn insert(&mut self, hash: u64, slot: T, rehash: impl Fn(T) -> u64) {
        if (self.len + 1) * 4 > self.slots.len() * 3 {
            let size = (self.slots.len() * 2).max(16);
            let old = std::mem::replace(&mut self.slots, vec![T::EMPTY; size].into_boxed_slice());
            for &slot in old.iter().filter(|&&s| s != T::EMPTY) {
                self.place(rehash(slot), slot);
            }
        }
        self.place(hash, slot);
        self.len += 1;
    }

    fn place(&mut self, hash: u64, slot: T) {
        let mask = self.slots.len() - 1;
        let mut at = self.start(hash);
        while let Some(free) = self.slots.get_mut(at) {
            if *free == T::EMPTY {
                *free = slot;
                return;
            }
            at = (at + 1) & mask;
        }
    }
}

/// A table of indices into a list kept elsewhere, found by their key's
/// hash: a slot keeps 32 bits of the hash (its tag), from which its place
/// is found again when the table grows without reading the list, and the
/// index plus one (so that no slot is empty). Indices are below
/// `u32::MAX`.
impl Slots<u64> {
    /// Asks for the cache lines a lookup of `tag` will read first.
    pub(super) fn prefetch_tag(&self, tag: u32) {
        self.prefetch(spread(tag));
    }

    /// The first index stored under `tag` that `is` accepts.
    pub(super) fn find_index(&self, tag: u32, mut is: impl FnMut(u32) -> bool) -> Option<u32> {
        let index = |slot: u64| (slot as u32).wrapping_sub(1);
        self.find(spread(tag), |slot| {
            (slot >> 32) as u32 == tag && is(index(slot))
        })
        .map(index)
    }

    /// Stores `index` under `tag`.
    pub(super) fn insert_index(&mut self, tag: u32, index: u32) {
        let slot = (u64::from(tag) << 32) | (u64::from(index) + 1);
        self.insert(spread(tag), slot, |slot| spread((slot >> 32) as u32));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::collections::HashMap;
    use std::collections::hash_map::Entry;

    proptest! {
        /// What a map finds, the slots find, whatever the values (few
        /// distinct hashes, so that probes run into each other and wrap).
        #[test]
        fn slots_find_what_a_map_finds(
            values in proptest::collection::vec(1u64..2000, 0..300),
            missing in proptest::collection::vec(2000u64..4000, 0..20),
        ) {
            let hash = |v: u64| (v % 37).wrapping_mul(0x9e37_79b9_7f4a_7c15);
            let mut slots = Slots::<(u64, u32)>::default();
            let mut map = HashMap::new();
            for (i, &v) in (1u32..).zip(&values) {
                if let Entry::Vacant(new) = map.entry(v) {
                    new.insert(i);
                    slots.insert(hash(v), (v, i), |(v, _)| hash(v));
                }
            }
            for (&v, &i) in &map {
                slots.prefetch(hash(v));
                prop_assert_eq!(slots.find(hash(v), |(w, _)| w == v), Some((v, i)));
            }
            for v in missing {
                prop_assert_eq!(slots.find(hash(v), |(w, _)| w == v), None);
            }
            prop_assert_eq!(slots.len, map.len());
            prop_assert!(slots.len * 4 <= slots.slots.len() * 3);
        }
    }
}
