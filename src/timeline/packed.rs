//! The building blocks of the timelines' memory: a vector that grows a
//! chunk at a time, and one distinct event packed into 48 bytes (its id
//! included when it is the platform's 32 hex digits).

use super::ids::{Ids, decode, decode_packed};
use super::prepared::EventKey;
use super::state::{Kind, Prior, State};

/// Items per chunk of a [`Chunked`].
const CHUNK: usize = 4096;

/// A vector that grows a chunk at a time, so that it never holds more
/// than a chunk of spare room, and growing never copies what it holds
/// (a doubling vector briefly holds its old and new buffers: three times
/// its contents at the moment it grows).
#[derive(Debug)]
pub struct Chunked<T> {
    chunks: Vec<Vec<T>>,
    len: usize,
}

impl<T> Default for Chunked<T> {
    fn default() -> Self {
        Chunked {
            chunks: Vec::new(),
            len: 0,
        }
    }
}

impl<T> Chunked<T> {
    pub fn len(&self) -> usize {
        self.len
    }

    pub fn push(&mut self, item: T) {
        match self.chunks.last_mut() {
            Some(chunk) if chunk.len() < CHUNK => chunk.push(item),
            _ => {
                let mut chunk = Vec::with_capacity(CHUNK);
                chunk.push(item);
                self.chunks.push(chunk);
            }
        }
        self.len += 1;
    }

    pub fn get(&self, index: usize) -> Option<&T> {
        self.chunks.get(index / CHUNK)?.get(index % CHUNK)
    }

    /// The items in order.
    pub fn iter(&self) -> impl Iterator<Item = &T> {
        self.chunks.iter().flatten()
    }
}

/// A code that does not fit 15 bits is kept in the list of wide codes.
const WIDE: i16 = i16::MIN;

const HAS_CREATE_TIME: u16 = 1;
const HAS_UPDATED_AT: u16 = 1 << 1;
const HAS_STAGE: u16 = 1 << 2;
const HAS_STATUS: u16 = 1 << 3;
const CREATED: u16 = 1 << 4;
/// Two bits each: 0 unknown, 1 unchanged, 2 reported.
const PRIOR_STAGE_SHIFT: u16 = 5;
const PRIOR_STATUS_SHIFT: u16 = 7;
const HAS_ID: u16 = 1 << 9;
/// The id is packed hex of 16 bytes, held in the entry itself.
const ID_INLINE: u16 = 1 << 10;

/// Where an event's id is: in the entry (the platform's 32 hex digits,
/// packed), or in the [`Ids`] arena.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IdAt {
    None,
    Inline([u8; 16]),
    Arena(u64),
}

impl IdAt {
    /// Where a new event's id goes: into the entry when it is packed, in
    /// the arena otherwise.
    pub fn store(key: &EventKey, ids: &mut Ids) -> IdAt {
        match key {
            EventKey::Packed(packed) => IdAt::Inline(*packed),
            EventKey::Encoded(encoded) => IdAt::Arena(ids.push(encoded)),
        }
    }
}

/// One distinct event: 48 bytes, whatever its source, and its id too
/// when it is the platform's 32 hex digits.
#[derive(Clone, Copy, Debug)]
pub struct Entry {
    pub create_time: i64,
    pub updated_at: i64,
    /// The packed id, or its place in [`Ids`] in the first 8 bytes.
    id: [u8; 16],
    pub ticket: u32,
    /// Stage, status, and what the event says they were before; [`WIDE`]
    /// when the value is in the list of wide codes.
    codes: [i16; 4],
    flags: u16,
}

/// Codes beyond 15 bits, by entry and slot, in entry order (hostile or
/// broken input only: documented codes are below 100).
pub type Wide = Vec<(u32, u8, i64)>;

impl Entry {
    /// Packs a state; codes that do not fit go to `wide` under `index`.
    pub fn pack(state: &State, ticket: u32, id: IdAt, index: u32, wide: &mut Wide) -> Entry {
        let mut flags = 0;
        let mut set = |bit: u16, on: bool| {
            if on {
                flags |= bit;
            }
        };
        set(HAS_CREATE_TIME, state.create_time.is_some());
        set(HAS_UPDATED_AT, state.updated_at.is_some());
        set(HAS_STAGE, state.stage.is_some());
        set(HAS_STATUS, state.status.is_some());
        set(CREATED, state.kind == Kind::Created);
        set(HAS_ID, id != IdAt::None);
        set(ID_INLINE, matches!(id, IdAt::Inline(_)));
        let prior = |p: Prior| match p {
            Prior::Unknown => (0u16, 0),
            Prior::Unchanged => (1, 0),
            Prior::Reported(v) => (2, v),
        };
        let (stage_kind, prior_stage) = prior(state.prior_stage);
        let (status_kind, prior_status) = prior(state.prior_status);
        flags |= (stage_kind << PRIOR_STAGE_SHIFT) | (status_kind << PRIOR_STATUS_SHIFT);
        let values = [
            state.stage.unwrap_or(0),
            state.status.unwrap_or(0),
            prior_stage,
            prior_status,
        ];
        let mut codes = [0i16; 4];
        for (slot, (code, value)) in codes.iter_mut().zip(values).enumerate() {
            *code = match i16::try_from(value) {
                Ok(v) if v != WIDE => v,
                _ => {
                    wide.push((index, slot as u8, value));
                    WIDE
                }
            };
        }
        let id = match id {
            IdAt::Inline(packed) => packed,
            IdAt::Arena(at) => {
                let mut bytes = [0u8; 16];
                bytes[..8].copy_from_slice(&at.to_le_bytes());
                bytes
            }
            IdAt::None => [0; 16],
        };
        Entry {
            create_time: state.create_time.unwrap_or(0),
            updated_at: state.updated_at.unwrap_or(0),
            id,
            ticket,
            codes,
            flags,
        }
    }

    pub fn id(&self) -> IdAt {
        if self.flags & HAS_ID == 0 {
            IdAt::None
        } else if self.flags & ID_INLINE != 0 {
            IdAt::Inline(self.id)
        } else {
            let mut at = [0u8; 8];
            at.copy_from_slice(&self.id[..8]);
            IdAt::Arena(u64::from_le_bytes(at))
        }
    }

    /// Whether this entry's id is the one `key` stands for.
    pub fn has_key(&self, key: &EventKey, ids: &Ids) -> bool {
        match (self.id(), key) {
            (IdAt::Inline(packed), EventKey::Packed(key)) => packed == *key,
            (IdAt::Arena(at), EventKey::Encoded(key)) => ids.get(at) == key.as_slice(),
            _ => false,
        }
    }

    /// The id, as it came.
    pub fn event_id(&self, ids: &Ids) -> Option<String> {
        match self.id() {
            IdAt::None => None,
            IdAt::Inline(packed) => Some(decode_packed(&packed)),
            IdAt::Arena(at) => Some(decode(ids.get(at))),
        }
    }

    /// The state it packs, without its id and source (the caller adds them).
    pub fn unpack(&self, index: u32, wide: &Wide) -> State {
        let code = |slot: usize| -> i64 {
            let code = self.codes[slot];
            if code != WIDE {
                return i64::from(code);
            }
            let key = (index, slot as u8);
            wide.binary_search_by(|(i, s, _)| (*i, *s).cmp(&key))
                .ok()
                .and_then(|at| wide.get(at))
                .map_or(0, |w| w.2)
        };
        let has = |bit: u16| self.flags & bit != 0;
        let prior = |shift: u16, slot: usize| match (self.flags >> shift) & 3 {
            1 => Prior::Unchanged,
            2 => Prior::Reported(code(slot)),
            _ => Prior::Unknown,
        };
        State {
            event_id: None,
            source: None,
            kind: if has(CREATED) {
                Kind::Created
            } else {
                Kind::Updated
            },
            arrival: u64::from(index),
            create_time: has(HAS_CREATE_TIME).then_some(self.create_time),
            updated_at: has(HAS_UPDATED_AT).then_some(self.updated_at),
            stage: has(HAS_STAGE).then(|| code(0)),
            status: has(HAS_STATUS).then(|| code(1)),
            prior_stage: prior(PRIOR_STAGE_SHIFT, 2),
            prior_status: prior(PRIOR_STATUS_SHIFT, 3),
            late: false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_entry_is_48_bytes() {
        assert_eq!(std::mem::size_of::<Entry>(), 48);
    }

    /// The platform's ids sit in the entry, any other in the arena; either
    /// way an entry knows its own id and no other.
    #[test]
    fn entries_hold_their_ids() {
        let mut ids = Ids::default();
        let mut wide = Wide::new();
        let state = State {
            event_id: None,
            source: None,
            kind: Kind::Updated,
            arrival: 0,
            create_time: None,
            updated_at: None,
            stage: None,
            status: None,
            prior_stage: Prior::Unknown,
            prior_status: Prior::Unknown,
            late: false,
        };
        let cases = [
            "5e3702a84e847582be8db7fb73283c02",
            "5e3702a8",
            "u1-7001",
            "5E3702A84E847582BE8DB7FB73283C02",
        ];
        let mut entries = Vec::new();
        for id in cases {
            let at = IdAt::store(&EventKey::of(id), &mut ids);
            assert_eq!(
                matches!(at, IdAt::Inline(_)),
                id.len() == 32 && id == id.to_lowercase()
            );
            entries.push(Entry::pack(&state, 0, at, 0, &mut wide));
        }
        for (entry, id) in entries.iter().zip(cases) {
            assert_eq!(entry.event_id(&ids).as_deref(), Some(id));
            for other in cases {
                let key = EventKey::of(other);
                assert_eq!(entry.has_key(&key, &ids), other == id, "{id} {other}");
            }
        }
        let none = Entry::pack(&state, 0, IdAt::None, 0, &mut wide);
        assert_eq!(none.event_id(&ids), None);
        assert!(!none.has_key(&EventKey::of(""), &ids));
    }

    #[test]
    fn states_round_trip_with_codes_of_any_width() {
        let mut wide = Wide::new();
        let values = [i64::MIN, -1, 0, 51, i64::from(i16::MIN), 40_000, i64::MAX];
        for (i, &v) in values.iter().enumerate() {
            let state = State {
                event_id: None,
                source: None,
                kind: if i % 2 == 0 {
                    Kind::Created
                } else {
                    Kind::Updated
                },
                arrival: i as u64,
                create_time: Some(v),
                updated_at: (i % 3 != 0).then_some(-v.saturating_add(1)),
                stage: Some(v),
                status: (i % 2 == 0).then_some(v.wrapping_add(7)),
                prior_stage: Prior::Reported(v),
                prior_status: [
                    Prior::Unknown,
                    Prior::Unchanged,
                    Prior::Reported(v.wrapping_neg()),
                ][i % 3],
                late: false,
            };
            let entry = Entry::pack(&state, 3, IdAt::None, i as u32, &mut wide);
            assert_eq!(entry.unpack(i as u32, &wide), state);
        }
    }
}
