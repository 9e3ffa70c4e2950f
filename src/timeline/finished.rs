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
    pub(super) id: TicketId,
    /// Where its distinct events' indices start in [`Finished`]'s
    /// `order` (set when the input has ended), and how many there are.
    pub(super) start: u32,
    pub(super) events: u32,
    pub(super) duplicates: usize,
}

/// The most bytes of a ticket id kept in place (the platform's are 19
/// digits).
const INLINE: usize = 22;

/// A ticket's id: in place when it is short, so that looking a ticket up
/// compares ids without a pointer to follow (one cache miss fewer for each
/// event kept); on the heap otherwise.
#[derive(Debug)]
pub(super) enum TicketId {
    Inline { len: u8, bytes: [u8; INLINE] },
    Heap(Box<str>),
}

impl TicketId {
    pub(super) fn new(id: &str) -> TicketId {
        let mut bytes = [0; INLINE];
        match (bytes.get_mut(..id.len()), u8::try_from(id.len())) {
            (Some(place), Ok(len)) => {
                place.copy_from_slice(id.as_bytes());
                TicketId::Inline { len, bytes }
            }
            _ => TicketId::Heap(id.into()),
        }
    }

    pub(super) fn as_str(&self) -> &str {
        match self {
            // The bytes of a str, whole: always UTF-8.
            TicketId::Inline { len, bytes } => bytes
                .get(..usize::from(*len))
                .and_then(|b| std::str::from_utf8(b).ok())
                .unwrap_or_default(),
            TicketId::Heap(id) => id,
        }
    }

    pub(super) fn is(&self, id: &str) -> bool {
        match self {
            TicketId::Inline { len, bytes } => {
                bytes.get(..usize::from(*len)) == Some(id.as_bytes())
            }
            TicketId::Heap(own) => **own == *id,
        }
    }
}

/// No entry: one more than the most entries kept.
pub(super) const END: u32 = u32::MAX;

/// What [`super::Timelines::finish`] leaves: the packed events and their
/// indices in ticket order, the lookup tables dropped. Shared between
/// threads (`Sync`), each building the timelines of the tickets it is
/// given.
#[derive(Debug)]
pub struct Finished {
    pub(super) entries: Chunked<Entry>,
    /// The entries' indices, each ticket's together (from its `start`,
    /// `events` of them) and in arrival order.
    pub(super) order: Vec<u32>,
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
        let start = ticket.start as usize;
        let indices = self
            .order
            .get(start..start.saturating_add(ticket.events as usize))
            .unwrap_or_default();
        // The entries first, in a loop that does nothing else: each is
        // likely a cache miss (a ticket's events are spread over the
        // input), and this way the misses overlap instead of waiting for
        // one another.
        let entries: Vec<(u32, Entry)> = indices
            .iter()
            .filter_map(|&at| Some((at, *self.entries.get(at as usize)?)))
            .collect();
        let mut states = Vec::with_capacity(entries.len());
        for (at, entry) in entries {
            let mut state = entry.unpack(at, &self.wide);
            state.event_id = entry.event_id(&self.ids);
            state.source = self.sources.as_ref().and_then(|(f, l)| {
                let file = self.files.get(*f.get(at as usize)? as usize)?;
                Some(Location::new(file.clone(), *l.get(at as usize)?))
            });
            states.push(state);
        }
        Some(order(Pending {
            ticket_id: ticket.id.as_str().to_string(),
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

#[cfg(test)]
mod tests {
    use super::TicketId;

    /// Short ids are kept in place, longer ones on the heap; either way an
    /// id reads back whole and equals exactly itself.
    #[test]
    fn ticket_ids_in_place_and_on_the_heap() {
        let ids = [
            "",
            "7",
            "6626871355780007256",
            "二十二字节的编号!!",
            "x".repeat(22).as_str(),
            &"y".repeat(23),
            "工单-0001-0002-0003-0004",
        ]
        .map(String::from);
        for id in &ids {
            let kept = TicketId::new(id);
            assert_eq!(kept.as_str(), id);
            assert_eq!(
                matches!(kept, TicketId::Inline { .. }),
                id.len() <= 22,
                "{id}"
            );
            for other in &ids {
                assert_eq!(kept.is(other), id == other, "{id} vs {other}");
            }
        }
    }
}
