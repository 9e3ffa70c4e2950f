//! [`Timelines`]: every distinct event kept in about 60 bytes until the
//! input ends, then each ticket's timeline put in order one at a time.
//!
//! An event is packed into 48 bytes ([`Entry`]; the platform's 32-hex-digit
//! id inside it, any other id in an arena), and repeated deliveries are
//! found through one hash table of (32 bits of hash, index) pairs, 8 bytes
//! each ([`Slots`], whose lines the caller can fetch ahead of the lookup).
//! Ticket ids are kept once per ticket ([`TicketIndex`]); a
//! source (`FILE:LINE`) only when the report shows it (a table does, JSON
//! does not). Nothing links a ticket's events while the input is read:
//! [`Timelines::finish`] sorts their indices by ticket once, in one pass.

use std::hash::RandomState;
use std::sync::Arc;

use super::finished::{END, Finished};
use super::ids::Ids;
use super::packed::{Chunked, Entry, IdAt, Wide};
use super::prepared::{Keys, Prepared};
use super::slots::Slots;
use super::tickets::TicketIndex;
use super::{Added, State};

/// The 32 bits of an event's hash (its ticket and id) that the table of
/// distinct events keeps.
fn seen_tag(event: &Prepared) -> u32 {
    (event.hashes.event >> 32) as u32
}

/// Collects states by ticket, in the order tickets are first seen.
#[derive(Debug)]
pub struct Timelines {
    entries: Chunked<Entry>,
    ids: Ids,
    wide: Wide,
    /// Distinct events by (ticket, id): their indices into `entries`.
    seen: Slots<u64>,
    tickets: TicketIndex,
    /// The source of each entry, when kept: its file (in `files`) and line.
    sources: Option<(Chunked<u32>, Chunked<u64>)>,
    files: Vec<Arc<str>>,
    keys: Keys,
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
            ids: Ids::default(),
            wide: Wide::new(),
            seen: Slots::default(),
            tickets: TicketIndex::default(),
            sources: sources.then(Default::default),
            files: Vec::new(),
            keys: Keys(RandomState::new()),
        }
    }

    /// The keys to prepare events with, for [`Timelines::add_prepared`].
    pub fn keys(&self) -> Keys {
        self.keys.clone()
    }

    pub fn add(&mut self, ticket_id: &str, state: State) -> Added {
        let prepared = self.keys.prepare(ticket_id.to_string(), state);
        self.add_prepared(&prepared)
    }

    /// [`Timelines::add`] of an event [`Keys::prepare`] made ready. It is
    /// borrowed: packed, not kept, and the caller still has its source to
    /// report with.
    pub fn add_prepared(&mut self, event: &Prepared) -> Added {
        let index = match u32::try_from(self.entries.len()) {
            Ok(index) if index != END => index,
            _ => return Added::Full,
        };
        let Some(ticket) = self
            .tickets
            .intern(&event.ticket, event.hashes.ticket, &self.keys)
        else {
            return Added::Full;
        };
        let tag = seen_tag(event);
        let id = match &event.id {
            None => IdAt::None,
            Some(key) => {
                let entries = &self.entries;
                let ids = &self.ids;
                // One ticket's id, not another's: the ticket is part of the key.
                let same = |i: u32| {
                    entries
                        .get(i as usize)
                        .is_some_and(|e| e.ticket == ticket && e.has_key(key, ids))
                };
                if self.seen.find_index(tag, same).is_some() {
                    self.tickets.duplicate(ticket);
                    return Added::Duplicate;
                }
                IdAt::store(key, &mut self.ids)
            }
        };
        self.entries
            .push(Entry::pack(&event.state, ticket, id, index, &mut self.wide));
        if id != IdAt::None {
            self.seen.insert_index(tag, index);
        }
        if let Some((files, lines)) = &mut self.sources {
            let (file, line) = match &event.state.source {
                Some(source) => (intern_file(&mut self.files, &source.source), source.line),
                None => (u32::MAX, 0),
            };
            files.push(file);
            lines.push(line);
        }
        Added::New
    }

    /// Asks for the cache lines [`Timelines::add_prepared`] will read
    /// first for `event`, so that they arrive while the events before it
    /// are added.
    pub fn prefetch(&self, event: &Prepared) {
        self.tickets.prefetch(&event.ticket, event.hashes.ticket);
        if event.id.is_some() {
            self.seen.prefetch_tag(seen_tag(event));
        }
    }

    pub fn tickets(&self) -> usize {
        self.tickets.len()
    }

    /// What is left to build each ticket's timeline from, in the order
    /// the tickets were first seen. The lookup tables go first; then the
    /// entries' indices are sorted by ticket (a counting sort: one pass
    /// over the entries, in their order, so each ticket's stay in arrival
    /// order), so that a timeline's entries are found without following
    /// links from one cache miss to the next.
    pub fn finish(self) -> Finished {
        let Timelines {
            entries,
            ids,
            wide,
            seen,
            tickets,
            sources,
            files,
            ..
        } = self;
        drop(seen);
        let mut tickets = tickets.into_tickets();
        for entry in entries.iter() {
            if let Some(t) = tickets.get_mut(entry.ticket as usize) {
                // At most one per entry, and there are fewer than END.
                t.events = t.events.saturating_add(1);
            }
        }
        let mut fill = Vec::with_capacity(tickets.len());
        let mut start = 0u32;
        for t in &mut tickets {
            t.start = start;
            fill.push(start);
            // The counts add up to the entries, fewer than END.
            start = start.saturating_add(t.events);
        }
        let mut order = vec![END; entries.len()];
        for (index, entry) in (0u32..).zip(entries.iter()) {
            if let Some(at) = fill.get_mut(entry.ticket as usize)
                && let Some(slot) = order.get_mut(*at as usize)
            {
                *slot = index;
                *at = at.saturating_add(1);
            }
        }
        Finished {
            entries,
            order,
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
        let ticket = prop_oneof![
            Just("7001"),
            Just("7002"),
            Just("07001"),
            Just("0"),
            Just(""),
            Just("t\u{1b}")
        ];
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
