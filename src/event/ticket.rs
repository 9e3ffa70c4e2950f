//! The helpdesk models: tickets, users, custom fields, ticket messages and
//! approval notifications.

use super::fields::{Issues, Path, present};
use super::labels::CodeKind;
use super::raw::{RawCustomField, RawEvent, RawIds, RawTicket, RawUser};
use crate::json::{JsonText, Kind, Nested, NestedList, lazy};

/// `{id:{user_id,open_id,union_id}, name, avatar_url, email}`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct User {
    pub user_id: Option<String>,
    pub open_id: Option<String>,
    pub union_id: Option<String>,
    pub name: Option<String>,
    pub avatar_url: Option<String>,
    pub email: Option<String>,
}

impl User {
    pub fn read(value: &Nested<RawUser<'_>>, path: &Path<'_>, issues: &mut Issues) -> Option<User> {
        let raw = match value {
            Nested::Value(raw) => raw,
            Nested::Wrong(Kind::Null) => return None,
            Nested::Wrong(_) => {
                issues.warn(path.to_string(), "expected a user object");
                return None;
            }
        };
        let mut user = User::default();
        if let Some(id) = issues.object(raw.id.as_ref(), path, "id") {
            user.read_ids(id, &path.key("id"), issues);
        }
        user.name = issues.string(raw.name.as_ref(), path, "name");
        user.avatar_url = issues.string(raw.avatar_url.as_ref(), path, "avatar_url");
        user.email = issues.string(raw.email.as_ref(), path, "email");
        Some(user)
    }

    /// A bare id object `{user_id, open_id, union_id}` (a message's `sender_id`).
    pub fn read_id(
        value: &Nested<RawIds<'_>>,
        path: &Path<'_>,
        issues: &mut Issues,
    ) -> Option<User> {
        let Nested::Value(ids) = value else {
            return None;
        };
        let mut user = User::default();
        user.read_ids(ids, path, issues);
        Some(user)
    }

    fn read_ids(&mut self, id: &RawIds<'_>, path: &Path<'_>, issues: &mut Issues) {
        self.user_id = issues.string(id.user_id.as_ref(), path, "user_id");
        self.open_id = issues.string(id.open_id.as_ref(), path, "open_id");
        self.union_id = issues.string(id.union_id.as_ref(), path, "union_id");
    }

    /// The most useful short name: name, then the first id present.
    pub fn short(&self) -> String {
        let id = self
            .open_id
            .as_deref()
            .or(self.user_id.as_deref())
            .or(self.union_id.as_deref());
        match (self.name.as_deref(), id) {
            (Some(name), Some(id)) => format!("{name} ({id})"),
            (Some(name), None) => name.to_string(),
            (None, Some(id)) => id.to_string(),
            (None, None) => "-".to_string(),
        }
    }
}

/// A `customized_fields` item.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CustomField {
    pub id: Option<String>,
    pub value: Option<String>,
    pub key_name: Option<String>,
    pub display_name: Option<String>,
    pub position: Option<i64>,
    pub required: Option<bool>,
    pub editable: Option<bool>,
}

impl CustomField {
    fn read(
        value: &Nested<RawCustomField<'_>>,
        path: &Path<'_>,
        issues: &mut Issues,
    ) -> Option<CustomField> {
        let Nested::Value(raw) = value else {
            issues.warn(path.to_string(), "expected a custom field object");
            return None;
        };
        Some(CustomField {
            id: issues.string(raw.id.as_ref(), path, "id"),
            value: issues.string(raw.value.as_ref(), path, "value"),
            key_name: issues.string(raw.key_name.as_ref(), path, "key_name"),
            display_name: issues.string(raw.display_name.as_ref(), path, "display_name"),
            position: issues.int(raw.position.as_ref(), path, "position"),
            required: issues.boolean(raw.required.as_ref(), path, "required"),
            editable: issues.boolean(raw.editable.as_ref(), path, "editable"),
        })
    }
}

/// How much of a ticket to read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Detail {
    /// Every field.
    Full,
    /// The state only, what diffs and timelines use: the event's type, id
    /// and time; the ticket's id, stage, status and `updated_at`. No
    /// people, custom fields, other codes and times, helpdesk or chat ids,
    /// token, app or tenant.
    State,
}

impl Detail {
    /// What `read` reads when the whole event is read, and nothing (not
    /// even a look at the field) for the state only.
    pub(super) fn full<T>(self, read: impl FnOnce() -> Option<T>) -> Option<T> {
        match self {
            Detail::Full => read(),
            Detail::State => None,
        }
    }
}

/// A ticket as events carry it (`event.object`). Every field is optional.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Ticket {
    pub ticket_id: Option<String>,
    pub helpdesk_id: Option<String>,
    pub chat_id: Option<String>,
    pub stage: Option<i64>,
    pub status: Option<i64>,
    pub score: Option<i64>,
    pub solve: Option<i64>,
    pub channel: Option<i64>,
    pub created_at: Option<i64>,
    pub updated_at: Option<i64>,
    pub closed_at: Option<i64>,
    /// Boxed, as `closed_by`: read only in full, and a ticket (moved with
    /// its event a few times per record) is half the size without them.
    pub guest: Option<Box<User>>,
    pub agents: Option<Vec<User>>,
    pub collaborators: Option<Vec<User>>,
    pub closed_by: Option<Box<User>>,
    pub customized_fields: Option<Vec<CustomField>>,
}

impl Ticket {
    /// Reads a ticket object. `strict_required` asks for the fields the
    /// schema requires (ticket_id, stage, status); `detail` says whether the
    /// people and custom fields are read too.
    pub fn read(
        raw: &RawTicket<'_>,
        path: &Path<'_>,
        strict_required: bool,
        detail: Detail,
        issues: &mut Issues,
    ) -> Ticket {
        if strict_required {
            issues.require(present(raw.ticket_id.as_ref()), path, "ticket_id");
            issues.require(present(raw.stage.as_ref()), path, "stage");
            issues.require(present(raw.status.as_ref()), path, "status");
        }
        let users =
            |text: Option<&JsonText<'_>>, key: &str, issues: &mut Issues| -> Option<Vec<User>> {
                let list: NestedList<RawUser<'_>> = lazy(text)?;
                let items = issues.array(Some(&list), path, key)?;
                let base = path.key(key);
                Some(
                    items
                        .iter()
                        .enumerate()
                        .filter_map(|(i, v)| User::read(v, &base.index(i), issues))
                        .collect(),
                )
            };
        let user = |text: Option<&JsonText<'_>>, key: &str, issues: &mut Issues| {
            let value: Nested<RawUser<'_>> = lazy(text)?;
            User::read(&value, &path.key(key), issues).map(Box::new)
        };
        let full = detail == Detail::Full;
        let agents = users(raw.agents.as_ref().filter(|_| full), "agents", issues);
        let collaborators = users(
            raw.collaborators.as_ref().filter(|_| full),
            "collaborators",
            issues,
        );
        let custom: Option<NestedList<RawCustomField<'_>>> = match detail {
            Detail::Full => lazy(raw.customized_fields.as_ref()),
            Detail::State => None,
        };
        let customized_fields = issues
            .array(custom.as_ref(), path, "customized_fields")
            .map(|items| {
                let base = path.key("customized_fields");
                items
                    .iter()
                    .enumerate()
                    .filter_map(|(i, v)| CustomField::read(v, &base.index(i), issues))
                    .collect()
            });
        Ticket {
            ticket_id: issues.string(raw.ticket_id.as_ref(), path, "ticket_id"),
            helpdesk_id: detail
                .full(|| issues.string(raw.helpdesk_id.as_ref(), path, "helpdesk_id")),
            chat_id: detail.full(|| issues.string(raw.chat_id.as_ref(), path, "chat_id")),
            stage: issues.code(raw.stage.as_ref(), path, "stage", CodeKind::Stage),
            status: issues.code(raw.status.as_ref(), path, "status", CodeKind::Status),
            score: detail.full(|| issues.code(raw.score.as_ref(), path, "score", CodeKind::Score)),
            solve: detail.full(|| issues.code(raw.solve.as_ref(), path, "solve", CodeKind::Solve)),
            channel: detail
                .full(|| issues.code(raw.channel.as_ref(), path, "channel", CodeKind::Channel)),
            created_at: detail.full(|| issues.int(raw.created_at.as_ref(), path, "created_at")),
            updated_at: issues.int(raw.updated_at.as_ref(), path, "updated_at"),
            closed_at: detail.full(|| issues.int(raw.closed_at.as_ref(), path, "closed_at")),
            guest: user(raw.guest.as_ref().filter(|_| full), "guest", issues),
            agents,
            collaborators,
            closed_by: user(raw.closed_by.as_ref().filter(|_| full), "closed_by", issues),
            customized_fields,
        }
    }
}

/// `helpdesk.ticket_message.created_v1`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TicketMessage {
    pub ticket_message_id: Option<String>,
    pub message_id: Option<String>,
    pub msg_type: Option<String>,
    /// Documented as a string, seen as a number: kept as text either way.
    pub position: Option<String>,
    pub sender_id: Option<User>,
    pub sender_type: Option<i64>,
    pub text: Option<String>,
    pub event_id: Option<String>,
    pub chat_id: Option<String>,
    pub content: Option<MessageContent>,
    /// Boxed: an event's body is as large as its largest kind.
    pub ticket: Option<Box<Ticket>>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MessageContent {
    pub content: Option<String>,
    pub msg_type: Option<String>,
    pub image_keys: Option<Vec<String>>,
    pub image_key: Option<String>,
}

impl TicketMessage {
    pub fn read(raw: &RawEvent<'_>, path: &Path<'_>, issues: &mut Issues) -> TicketMessage {
        let content = issues
            .object(raw.content.as_ref(), path, "content")
            .map(|c| {
                let cpath = path.key("content");
                let image_keys = match &c.image_keys {
                    None | Some(serde_json::Value::Null) => None,
                    Some(serde_json::Value::Array(keys)) => Some(
                        keys.iter()
                            .filter_map(|k| k.as_str().map(str::to_string))
                            .collect(),
                    ),
                    Some(other) => {
                        issues.wrong_type(cpath.join("image_keys"), "an array", Kind::of(other));
                        None
                    }
                };
                MessageContent {
                    content: issues.string(c.content.as_ref(), &cpath, "content"),
                    msg_type: issues.string(c.msg_type.as_ref(), &cpath, "msg_type"),
                    image_keys,
                    image_key: issues.string(c.image_key.as_ref(), &cpath, "image_key"),
                }
            });
        let ticket = issues.object(raw.ticket.as_ref(), path, "ticket").map(|t| {
            Box::new(Ticket::read(
                t,
                &path.key("ticket"),
                false,
                Detail::Full,
                issues,
            ))
        });
        let sender_id = raw
            .sender_id
            .as_ref()
            .and_then(|v| User::read_id(v, &path.key("sender_id"), issues));
        TicketMessage {
            ticket_message_id: issues.string(
                raw.ticket_message_id.as_ref(),
                path,
                "ticket_message_id",
            ),
            message_id: issues.string(raw.message_id.as_ref(), path, "message_id"),
            msg_type: issues.string(raw.msg_type.as_ref(), path, "msg_type"),
            position: issues.string_or_number(raw.position.as_ref(), path, "position"),
            sender_id,
            sender_type: issues.code(
                raw.sender_type.as_ref(),
                path,
                "sender_type",
                CodeKind::SenderType,
            ),
            text: issues.string(raw.text.as_ref(), path, "text"),
            event_id: issues.string(raw.event_id.as_ref(), path, "event_id"),
            chat_id: issues.string(raw.chat_id.as_ref(), path, "chat_id"),
            content,
            ticket,
        }
    }
}

/// `helpdesk.notification.approve_v1`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Approval {
    pub notification_id: Option<String>,
    pub helpdesk_id: Option<String>,
    pub approve_status: Option<String>,
}

pub const APPROVE_STATUSES: [&str; 4] = ["REJECTED", "APPROVED", "CANCELED", "DELETED"];

impl Approval {
    pub fn read(raw: &RawEvent<'_>, path: &Path<'_>, issues: &mut Issues) -> Approval {
        let approve_status = issues.string(raw.approve_status.as_ref(), path, "approve_status");
        if let Some(status) = &approve_status
            && !APPROVE_STATUSES.contains(&status.as_str())
        {
            issues.warn(
                path.join("approve_status"),
                format!("unknown approve_status value {status:?}"),
            );
        }
        Approval {
            notification_id: issues.string(raw.notification_id.as_ref(), path, "notification_id"),
            helpdesk_id: issues.string(raw.helpdesk_id.as_ref(), path, "helpdesk_id"),
            approve_status,
        }
    }
}
