//! [`Prepared`]: an event made ready for [`super::Timelines`] on the
//! thread that read it, so that the one thread keeping the timelines only
//! looks up and stores. Its ids are hashed there, its event id encoded,
//! and a ticket id that is a number (the platform's are 19 digits) turned
//! into one, which a lookup compares in the table itself instead of
//! following an index to the ticket's record (a cache miss an event).

use std::hash::{BuildHasher, RandomState};

use super::State;
use super::ids::{encode, pack_hex};

/// The keyed hashes of an event's ticket, and of its ticket and id
/// together (so that one id in many tickets does not make one long probe).
#[derive(Clone, Copy, Debug)]
pub(super) struct Hashes {
    pub(super) ticket: u64,
    pub(super) event: u64,
}

/// A ticket id as a lookup compares it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum TicketKey {
    /// Decimal digits without a leading zero (or `0`) that fit a `u64`:
    /// the number's digits are the id, so equal numbers are equal ids.
    Number(u64),
    /// Any other id, as it came.
    Text(String),
}

impl TicketKey {
    fn of(id: String) -> TicketKey {
        match number(&id) {
            Some(n) => TicketKey::Number(n),
            None => TicketKey::Text(id),
        }
    }
}

/// The number a ticket id spells, when it is written as the number would
/// be (so that `007` and `7` stay two tickets).
fn number(id: &str) -> Option<u64> {
    let canonical = match id.as_bytes() {
        [] => false,
        [b'0'] => true,
        [b'0', ..] => false,
        digits => digits.iter().all(u8::is_ascii_digit),
    };
    canonical.then(|| id.parse().ok()).flatten()
}

/// An event id as a lookup compares it: where it is stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum EventKey {
    /// 32 lowercase hex digits, packed: kept in the entry itself.
    Packed([u8; 16]),
    /// Any other id, encoded ([`encode`]): kept in the arena.
    Encoded(Vec<u8>),
}

impl EventKey {
    pub(super) fn of(id: &str) -> EventKey {
        if let Some(packed) = pack_hex(id) {
            return EventKey::Packed(packed);
        }
        // pack_hex takes every id that encode packs into 16 bytes (a
        // property test in ids.rs), so no id is ever kept both ways.
        let mut encoded = Vec::new();
        encode(id, &mut encoded);
        EventKey::Encoded(encoded)
    }
}

/// An event ready for [`super::Timelines::add_prepared`].
#[derive(Clone, Debug)]
pub struct Prepared {
    pub(super) ticket: TicketKey,
    pub(super) id: Option<EventKey>,
    pub(super) hashes: Hashes,
    /// The state, its event id taken out (it is in `id`); its source is
    /// still there for the caller to report with.
    pub state: State,
}

/// Prepares events with the keys of one [`super::Timelines`] (random per
/// run, so that no input can be made to collide).
#[derive(Clone, Debug)]
pub struct Keys(pub(super) RandomState);

impl Keys {
    /// The hash of a ticket whose id is a number.
    pub(super) fn number(&self, n: u64) -> u64 {
        self.0.hash_one(n)
    }

    pub fn prepare(&self, ticket_id: String, mut state: State) -> Prepared {
        let ticket = TicketKey::of(ticket_id);
        let id = state.event_id.take().map(|id| EventKey::of(&id));
        let ticket_hash = match &ticket {
            TicketKey::Number(n) => self.number(*n),
            TicketKey::Text(text) => self.0.hash_one(text),
        };
        let event = match &id {
            None => 0,
            Some(EventKey::Packed(packed)) => self.0.hash_one((ticket_hash, packed)),
            Some(EventKey::Encoded(encoded)) => self.0.hash_one((ticket_hash, encoded)),
        };
        let hashes = Hashes {
            ticket: ticket_hash,
            event,
        };
        Prepared {
            ticket,
            id,
            hashes,
            state,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_ids_written_as_their_number_are_numbers() {
        let key = |id: &str| TicketKey::of(id.to_string());
        assert_eq!(
            key("6626871355780007256"),
            TicketKey::Number(6626871355780007256)
        );
        assert_eq!(key("0"), TicketKey::Number(0));
        assert_eq!(key("18446744073709551615"), TicketKey::Number(u64::MAX));
        for text in [
            "",
            "007",
            "00",
            "+7",
            "-7",
            " 7",
            "7 ",
            "1e3",
            "18446744073709551616",
            "٣",
            "t-1",
        ] {
            assert_eq!(key(text), TicketKey::Text(text.to_string()), "{text:?}");
        }
    }

    #[test]
    fn event_ids_that_fit_an_entry_are_packed_whichever_way_they_come() {
        let hex = "5e3702a84e847582be8db7fb73283c02";
        assert!(matches!(EventKey::of(hex), EventKey::Packed(_)));
        let mut encoded = Vec::new();
        for id in [
            "5E3702A84E847582BE8DB7FB73283C02",
            "5e3702a84e847582be8db7fb73283c0",
            "5e3702a84e847582be8db7fb73283c0200",
            "",
            "u1-7001",
        ] {
            encode(id, &mut encoded);
            assert_eq!(EventKey::of(id), EventKey::Encoded(encoded.clone()), "{id}");
        }
    }
}
