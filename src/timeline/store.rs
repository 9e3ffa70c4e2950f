//! [`Timelines`]: every distinct event kept in about 60 bytes until the
//! input ends, then each ticket's timeline put in order one at a time.
//!
//! An event is packed into 48 bytes ([`Entry`]; the platform's 32-hex-digit
//! id inside it, any other id in an arena), and repeated deliveries are
//! found through one hash table of (index, hash) pairs, 8 bytes each.
//! Ticket ids are kept once per ticket; a source (`FILE:LINE`) only when
//! the report shows it (a table does, JSON does not).

use std::hash::{BuildHasher, RandomState};
use std::sync::Arc;

use hashbrown::HashTable;

use super::finished::{END, Finished, Ticket, TicketId};
use super::ids::{Ids, encode};
use super::packed::{Chunked, Entry, IdAt, Wide};
use super::{Added, State};

/// The keyed hashes of an event's ticket id and event id: computed by
/// [`Keys::of`] wherever the event is read (a worker thread), so that the
/// thread that keeps the timelines only looks them up.
#[derive(Clone, Copy, Debug)]
pub struct Hashes {
    ticket: u64,
    id: u64,
}

/// Computes [`Hashes`] with the keys of one [`Timelines`] (random per run,
/// so that no input can be made to collide).
#[derive(Clone, Debug)]
pub struct Keys(RandomState);

impl Keys {
    pub fn of(&self, ticket_id: &str, event_id: Option<&str>) -> Hashes {
        Hashes {
            ticket: self.0.hash_one(ticket_id),
            id: event_id.map_or(0, |id| self.0.hash_one(id)),
        }
    }
}

/// A bucket of the table of distinct events: an index into the entries,
/// and 32 bits of its hash, from which the table's hash is rebuilt when it
/// grows (without reading the entry back).
type Bucket = (u32, u32);

/// The table's hash from the 32 bits kept: spread over 64 bits, so that
/// hashbrown's bucket index (low bits) and tag (high bits) both vary.
fn spread(tag: u32) -> u64 {
    u64::from(tag).wrapping_mul(0x9e37_79b9_7f4a_7c15)
}

/// Collects states by ticket, in the order tickets are first seen.
#[derive(Debug)]
pub struct Timelines {
    entries: Chunked<Entry>,
    /// For each entry, the next distinct event of its ticket, or [`END`]:
    /// the tickets' lists, so that no list is built when the input ends.
    next: Chunked<u32>,
    ids: Ids,
    wide: Wide,
    /// Distinct events by (ticket, id).
    seen: HashTable<Bucket>,
    tickets: Vec<Ticket>,
    /// Tickets by id: (index into `tickets`, hash).
    ticket_index: HashTable<Bucket>,
    /// The source of each entry, when kept: its file (in `files`) and line.
    sources: Option<(Chunked<u32>, Chunked<u64>)>,
    files: Vec<Arc<str>>,
    keys: Keys,
    scratch: Vec<u8>,
}

impl Default for Timelines {
    /// Timelines that keep each event's source.
    fn default() -> Self {
        Timelines::new(true)
    }
}

impl Timelines {
    /// `sources`: whether each event's first-seen source is kept for the report.
    pub fn new(sources: bool) -> Timelines {
        Timelines {
            entries: Chunked::default(),
            next: Chunked::default(),
            ids: Ids::default(),
            wide: Wide::new(),
            seen: HashTable::new(),
            tickets: Vec::new(),
            ticket_index: HashTable::new(),
            sources: sources.then(Default::default),
            files: Vec::new(),
            keys: Keys(RandomState::new()),
            scratch: Vec::new(),
        }
    }

    /// The keys to compute [`Hashes`] with, for [`Timelines::add_hashed`].
    pub fn keys(&self) -> Keys {
        self.keys.clone()
    }

    pub fn add(&mut self, ticket_id: &str, state: State) -> Added {
        let hashes = self.keys.of(ticket_id, state.event_id.as_deref());
        self.add_hashed(ticket_id, state, hashes)
    }

    /// [`Timelines::add`] with the hashes [`Keys::of`] gave for the same
    /// ticket id and event id.
    pub fn add_hashed(&mut self, ticket_id: &str, state: State, hashes: Hashes) -> Added {
        let index = match u32::try_from(self.entries.len()) {
            Ok(index) if index != END => index,
            _ => return Added::Full,
        };
        let Some(ticket) = self.ticket(ticket_id, hashes.ticket) else {
            return Added::Full;
        };
        // One ticket's id, not another's: the ticket is part of the key.
        let tag = ((hashes.id >> 32) as u32) ^ ticket.wrapping_mul(0x9e37_79b9);
        let id = match &state.event_id {
            None => IdAt::None,
            Some(event_id) => {
                encode(event_id, &mut self.scratch);
                let Timelines {
                    entries,
                    ids,
                    seen,
                    scratch,
                    ..
                } = self;
                let same = |&(i, t): &Bucket| {
                    t == tag
                        && entries
                            .get(i as usize)
                            .is_some_and(|e| e.ticket == ticket && e.has_id(scratch, ids))
                };
                if seen.find(spread(tag), same).is_some() {
                    if let Some(t) = self.tickets.get_mut(ticket as usize) {
                        t.duplicates += 1;
                    }
                    return Added::Duplicate;
                }
                IdAt::inline(scratch).unwrap_or_else(|| IdAt::Arena(ids.push(scratch)))
            }
        };
        self.entries
            .push(Entry::pack(&state, ticket, id, index, &mut self.wide));
        if id != IdAt::None {
            self.seen
                .insert_unique(spread(tag), (index, tag), |&(_, t)| spread(t));
        }
        self.next.push(END);
        if let Some(t) = self.tickets.get_mut(ticket as usize) {
            match self.next.get_mut(t.last as usize) {
                Some(link) => *link = index,
                None => t.first = index,
            }
            t.last = index;
        }
        if let Some((files, lines)) = &mut self.sources {
            let (file, line) = match &state.source {
                Some(source) => (intern_file(&mut self.files, &source.source), source.line),
                None => (u32::MAX, 0),
            };
            files.push(file);
            lines.push(line);
        }
        Added::New
    }

    /// The index of a ticket, interned on first sight; `None` past 2^32 tickets.
    fn ticket(&mut self, ticket_id: &str, hash: u64) -> Option<u32> {
        let tag = (hash >> 32) as u32;
        let tickets = &mut self.tickets;
        let same = |&(i, t): &Bucket| {
            t == tag && tickets.get(i as usize).is_some_and(|t| t.id.is(ticket_id))
        };
        if let Some(&(i, _)) = self.ticket_index.find(spread(tag), same) {
            return Some(i);
        }
        let i = u32::try_from(tickets.len()).ok()?;
        tickets.push(Ticket {
            id: TicketId::new(ticket_id),
            first: END,
            last: END,
            duplicates: 0,
        });
        self.ticket_index
            .insert_unique(spread(tag), (i, tag), |&(_, t)| spread(t));
        Some(i)
    }

    pub fn tickets(&self) -> usize {
        self.tickets.len()
    }

    /// What is left to build each ticket's timeline from, in the order
    /// the tickets were first seen. The lookup tables go first.
    pub fn finish(self) -> Finished {
        let Timelines {
            entries,
            next,
            ids,
            wide,
            seen,
            tickets,
            ticket_index,
            sources,
            files,
            ..
        } = self;
        drop((seen, ticket_index));
        Finished {
            entries,
            next,
            ids,
            wide,
            tickets,
            sources,
            files,
        }
    }
}

/// The index of a file in `files`: inputs come one after the other, so a
/// record's file is the last one seen or a new one.
fn intern_file(files: &mut Vec<Arc<str>>, file: &Arc<str>) -> u32 {
    match files.last() {
        Some(last) if Arc::ptr_eq(last, file) || last == file => {}
        _ => files.push(file.clone()),
    }
    u32::try_from(files.len() - 1).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::super::{Pending, Timeline, order};
    use super::*;
    use crate::input::Location;
    use crate::timeline::{Kind, Prior};
    use proptest::prelude::*;
    use std::collections::{HashMap, HashSet};

    /// The timelines as they were kept before they were packed: a map of
    /// tickets, each with a set of the ids seen and its states (the oracle).
    fn reference(deliveries: &[(String, State)], sources: bool) -> Vec<Timeline> {
        let mut tickets: Vec<(String, HashSet<String>, usize, Vec<State>)> = Vec::new();
        let mut index = HashMap::new();
        let mut distinct = 0u64;
        for (ticket_id, state) in deliveries {
            let i = *index.entry(ticket_id.clone()).or_insert_with(|| {
                tickets.push((ticket_id.clone(), HashSet::new(), 0, Vec::new()));
                tickets.len() - 1
            });
            let ticket = &mut tickets[i];
            if let Some(id) = &state.event_id
                && !ticket.1.insert(id.clone())
            {
                ticket.2 += 1;
                continue;
            }
            let mut state = state.clone();
            state.arrival = distinct;
            distinct += 1;
            if !sources {
                state.source = None;
            }
            ticket.3.push(state);
        }
        tickets
            .into_iter()
            .map(|(ticket_id, _, duplicates, states)| {
                order(Pending {
                    ticket_id,
                    duplicates,
                    states,
                })
            })
            .collect()
    }

    fn code() -> impl Strategy<Value = i64> {
        prop_oneof![
            0i64..6,
            Just(50),
            Just(i64::MIN),
            Just(i64::MAX),
            any::<i64>()
        ]
    }

    fn prior() -> impl Strategy<Value = Prior> {
        prop_oneof![
            Just(Prior::Unknown),
            Just(Prior::Unchanged),
            code().prop_map(Prior::Reported)
        ]
    }

    fn delivery() -> impl Strategy<Value = (String, State)> {
        let ticket = prop_oneof![Just("7001"), Just("7002"), Just(""), Just("t\u{1b}")];
        let id = proptest::option::of(prop_oneof![
            Just("5e3702a84e847582be8db7fb73283c02".to_string()),
            Just("5e3702a84e847582be8db7fb73283c03".to_string()),
            Just("5E3702A84E847582BE8DB7FB73283C02".to_string()),
            Just("u1-7001".to_string()),
            Just(String::new()),
            "[0-9a-f]{0,34}",
            ".{0,6}",
        ]);
        let times = (
            proptest::option::of(-2i64..5),
            proptest::option::of(-2i64..5),
        );
        let codes = (proptest::option::of(code()), proptest::option::of(code()));
        let source = proptest::option::of((prop_oneof![Just("a"), Just("b")], 0u64..9));
        (
            ticket,
            id,
            times,
            codes,
            (prior(), prior(), any::<bool>()),
            source,
        )
            .prop_map(
                |(
                    ticket,
                    event_id,
                    (create_time, updated_at),
                    (stage, status),
                    (prior_stage, prior_status, created),
                    source,
                )| {
                    let state = State {
                        event_id,
                        source: source.map(|(file, line)| Location::new(Arc::from(file), line)),
                        kind: if created {
                            Kind::Created
                        } else {
                            Kind::Updated
                        },
                        arrival: 0,
                        create_time,
                        updated_at,
                        stage,
                        status,
                        prior_stage,
                        prior_status,
                        late: false,
                    };
                    (ticket.to_string(), state)
                },
            )
    }

    proptest! {
        /// Packed, the timelines are what the map of sets made of the same
        /// deliveries, with or without sources.
        #[test]
        fn packed_timelines_agree_with_the_map_of_sets(
            deliveries in proptest::collection::vec(delivery(), 0..60),
            sources in any::<bool>(),
        ) {
            let mut packed = Timelines::new(sources);
            for (ticket_id, state) in &deliveries {
                packed.add(ticket_id, state.clone());
            }
            let expected = reference(&deliveries, sources);
            prop_assert_eq!(packed.tickets(), expected.len());
            prop_assert_eq!(packed.finish().into_iter().collect::<Vec<_>>(), expected);
        }
    }
}
