//! What an event says, by type: the body models, and which of them an event
//! type is read into (a ticket update's transitions included).

use super::fields::{Issues, Path};
use super::raw::{RawEvent, RawTicket};
use super::ticket::{Approval, Detail, Ticket, TicketMessage};
use super::transition::{self, Transition};

pub const TICKET_UPDATED: &str = "helpdesk.ticket.updated_v1";
pub const TICKET_CREATED: &str = "helpdesk.ticket.created_v1";
pub const TICKET_MESSAGE: &str = "helpdesk.ticket_message.created_v1";
pub const NOTIFICATION_APPROVE: &str = "helpdesk.notification.approve_v1";

/// What the event says, by type.
// One Event lives per record and briefly; boxing the large variants would
// add an allocation per record on the hot path for no memory benefit.
#[allow(clippy::large_enum_variant)]
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Body {
    UrlVerification {
        challenge: Option<String>,
    },
    TicketUpdated {
        ticket: Ticket,
        transitions: Vec<Transition>,
        /// Whether the payload had an `old_object` at all.
        old_object: bool,
    },
    TicketCreated {
        ticket: Ticket,
    },
    TicketMessage(TicketMessage),
    Approval(Approval),
    /// Any other event: the top-level keys of its `event` object.
    Other {
        keys: Vec<String>,
    },
}

pub(super) fn read_body(
    event_type: Option<&str>,
    event: Option<&RawEvent<'_>>,
    path: &Path<'_>,
    detail: Detail,
    issues: &mut Issues,
) -> Body {
    // Made only when there is no event (it is a large value to fill).
    let empty;
    let event = match event {
        Some(event) => event,
        None => {
            empty = RawEvent::default();
            &empty
        }
    };
    let ticket_object = |issues: &mut Issues| {
        let object = issues.object(event.object.as_ref(), path, "object");
        let object_path = path.key("object");
        if object.is_none() {
            issues.deviate(object_path.to_string(), "missing");
        }
        let empty_ticket;
        let found = object.is_some();
        let object = match object {
            Some(object) => object,
            None => {
                empty_ticket = RawTicket::default();
                &empty_ticket
            }
        };
        Ticket::read(object, &object_path, found, detail, issues)
    };
    match event_type {
        Some(TICKET_UPDATED) => {
            let ticket = ticket_object(issues);
            let (transitions, old_object) =
                match issues.object(event.old_object.as_ref(), path, "old_object") {
                    Some(old) => (
                        transition::from_old_object(
                            &ticket,
                            event.object.as_ref(),
                            old,
                            &path.key("old_object"),
                            issues,
                        ),
                        true,
                    ),
                    None => {
                        issues.deviate(path.join("old_object"), "missing");
                        (Vec::new(), false)
                    }
                };
            Body::TicketUpdated {
                ticket,
                transitions,
                old_object,
            }
        }
        Some(TICKET_CREATED) => Body::TicketCreated {
            ticket: ticket_object(issues),
        },
        Some(TICKET_MESSAGE) => Body::TicketMessage(TicketMessage::read(event, path, issues)),
        Some(NOTIFICATION_APPROVE) => Body::Approval(Approval::read(event, path, issues)),
        _ => Body::Other {
            keys: event.keys.iter().map(str::to_string).collect(),
        },
    }
}
