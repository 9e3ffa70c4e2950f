//! [`TicketIndex`]: the tickets of [`super::Timelines`], each kept once,
//! in the order they were first seen, and found by id. A ticket whose id
//! is a number is found by comparing numbers in the table itself; any
//! other through its index, by comparing the ticket's id.

use super::finished::{END, Ticket, TicketId};
use super::prepared::{Keys, TicketKey};
use super::slots::Slots;

/// The 32 bits of a text ticket id's hash that its table keeps.
fn tag(hash: u64) -> u32 {
    (hash >> 32) as u32
}

#[derive(Debug, Default)]
pub(super) struct TicketIndex {
    tickets: Vec<Ticket>,
    /// Tickets whose id is a number, by number: (number, index into
    /// `tickets` plus one).
    numbers: Slots<(u64, u32)>,
    /// Other tickets by id: their indices into `tickets`.
    others: Slots<u64>,
}

impl TicketIndex {
    pub(super) fn len(&self) -> usize {
        self.tickets.len()
    }

    /// Asks for the cache lines a lookup of `key` reads first.
    pub(super) fn prefetch(&self, key: &TicketKey, hash: u64) {
        match key {
            TicketKey::Number(_) => self.numbers.prefetch(hash),
            TicketKey::Text(_) => self.others.prefetch_tag(tag(hash)),
        }
    }

    /// The index of a ticket, kept on first sight; `None` past 2^32
    /// tickets. `hash` is what `keys` gave for the ticket.
    pub(super) fn intern(&mut self, key: &TicketKey, hash: u64, keys: &Keys) -> Option<u32> {
        let tickets = &self.tickets;
        let found = match key {
            TicketKey::Number(n) => self
                .numbers
                .find(hash, |(number, _)| number == *n)
                .map(|(_, i)| i.wrapping_sub(1)),
            TicketKey::Text(id) => self.others.find_index(tag(hash), |i| {
                tickets.get(i as usize).is_some_and(|t| t.id.is(id))
            }),
        };
        if found.is_some() {
            return found;
        }
        let i = u32::try_from(tickets.len()).ok().filter(|&i| i != END)?;
        let id = match key {
            TicketKey::Number(n) => TicketId::new(&n.to_string()),
            TicketKey::Text(id) => TicketId::new(id),
        };
        self.tickets.push(Ticket {
            id,
            start: 0,
            events: 0,
            duplicates: 0,
        });
        match key {
            TicketKey::Number(n) => {
                self.numbers
                    .insert(hash, (*n, i + 1), |(n, _)| keys.number(n));
            }
            TicketKey::Text(_) => self.others.insert_index(tag(hash), i),
        }
        Some(i)
    }

    /// Counts a repeated delivery to the `ticket`th ticket.
    pub(super) fn duplicate(&mut self, ticket: u32) {
        if let Some(t) = self.tickets.get_mut(ticket as usize) {
            t.duplicates += 1;
        }
    }

    /// The tickets, the lookup tables dropped.
    pub(super) fn into_tickets(self) -> Vec<Ticket> {
        self.tickets
    }
}
