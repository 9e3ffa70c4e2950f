//! [`Finished`]: the kept events once the input has ended, from which each
//! ticket's timeline is built on demand, by any thread, in any order.

use std::sync::Arc;

use super::ids::Ids;
use super::packed::{Chunked, Entry, Wide};
use super::{Pending, Timeline, order};
use crate::input::Location;

/// A ticket: its id, kept once, and its distinct events.
#[derive(Debug)]
pub(super) struct Ticket {
    pub(super) id: Box<str>,
    /// Its first and last distinct events: a list through the entries'
    /// `next` links.
    pub(super) first: u32,
    pub(super) last: u32,
    pub(super) duplicates: usize,
}

/// The end of a ticket's list of events.
pub(super) const END: u32 = u32::MAX;

/// What [`super::Timelines::finish`] leaves: the packed events and the
/// tickets' lists through them, the lookup tables dropped. Shared between
/// threads (`Sync`), each building the timelines of the tickets it is
/// given.
#[derive(Debug)]
pub struct Finished {
    pub(super) entries: Chunked<Entry>,
    pub(super) next: Chunked<u32>,
    pub(super) ids: Ids,
    pub(super) wide: Wide,
    pub(super) tickets: Vec<Ticket>,
    pub(super) sources: Option<(Chunked<u32>, Chunked<u64>)>,
    pub(super) files: Vec<Arc<str>>,
}

impl Finished {
    /// How many tickets: their timelines are `0..len()`, in the order the
    /// tickets were first seen.
    pub fn len(&self) -> usize {
        self.tickets.len()
    }

    pub fn is_empty(&self) -> bool {
        self.tickets.is_empty()
    }

    /// The timeline of the `index`th ticket; its states are unpacked only
    /// now.
    pub fn timeline(&self, index: usize) -> Option<Timeline> {
        let ticket = self.tickets.get(index)?;
        let mut states = Vec::new();
        let mut at = ticket.first;
        while let Some(entry) = self.entries.get(at as usize) {
            let mut state = entry.unpack(at, &self.wide);
            state.event_id = entry.event_id(&self.ids);
            state.source = self.sources.as_ref().and_then(|(f, l)| {
                let file = self.files.get(*f.get(at as usize)? as usize)?;
                Some(Location::new(file.clone(), *l.get(at as usize)?))
            });
            states.push(state);
            at = self.next.get(at as usize).copied().unwrap_or(END);
        }
        Some(order(Pending {
            ticket_id: ticket.id.to_string(),
            duplicates: ticket.duplicates,
            states,
        }))
    }
}

/// The timelines one after the other, each built as it is reached.
#[derive(Debug)]
pub struct IntoIter {
    finished: Finished,
    next: usize,
}

impl Iterator for IntoIter {
    type Item = Timeline;

    fn next(&mut self) -> Option<Timeline> {
        let timeline = self.finished.timeline(self.next)?;
        self.next += 1;
        Some(timeline)
    }
}

impl IntoIterator for Finished {
    type Item = Timeline;
    type IntoIter = IntoIter;

    fn into_iter(self) -> IntoIter {
        IntoIter {
            finished: self,
            next: 0,
        }
    }
}
