//! The helpdesk models: tickets, users, custom fields, ticket messages and
//! approval notifications.

use serde_json::{Map, Value};

use super::fields::{Issues, join};
use super::labels::CodeKind;

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
    pub fn read(value: &Value, path: &str, issues: &mut Issues) -> Option<User> {
        let Some(obj) = value.as_object() else {
            if !value.is_null() {
                issues.warn(path.to_string(), "expected a user object");
            }
            return None;
        };
        let mut user = User::default();
        if let Some(id) = issues.object(obj, "id", path) {
            user.read_ids(id, &join(path, "id"), issues);
        }
        user.name = issues.string(obj, "name", path);
        user.avatar_url = issues.string(obj, "avatar_url", path);
        user.email = issues.string(obj, "email", path);
        Some(user)
    }

    /// A bare id object `{user_id, open_id, union_id}` (a message's `sender_id`).
    pub fn read_id(value: &Value, path: &str, issues: &mut Issues) -> Option<User> {
        let obj = value.as_object()?;
        let mut user = User::default();
        user.read_ids(obj, path, issues);
        Some(user)
    }

    fn read_ids(&mut self, id: &Map<String, Value>, path: &str, issues: &mut Issues) {
        self.user_id = issues.string(id, "user_id", path);
        self.open_id = issues.string(id, "open_id", path);
        self.union_id = issues.string(id, "union_id", path);
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
    fn read(value: &Value, path: &str, issues: &mut Issues) -> Option<CustomField> {
        let Some(obj) = value.as_object() else {
            issues.warn(path.to_string(), "expected a custom field object");
            return None;
        };
        Some(CustomField {
            id: issues.string(obj, "id", path),
            value: issues.string(obj, "value", path),
            key_name: issues.string(obj, "key_name", path),
            display_name: issues.string(obj, "display_name", path),
            position: issues.int(obj, "position", path),
            required: issues.boolean(obj, "required", path),
            editable: issues.boolean(obj, "editable", path),
        })
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
    pub guest: Option<User>,
    pub agents: Option<Vec<User>>,
    pub collaborators: Option<Vec<User>>,
    pub closed_by: Option<User>,
    pub customized_fields: Option<Vec<CustomField>>,
}

impl Ticket {
    /// Reads a ticket object. `strict_required` asks for the fields the
    /// schema requires (ticket_id, stage, status).
    pub fn read(
        obj: &Map<String, Value>,
        path: &str,
        strict_required: bool,
        issues: &mut Issues,
    ) -> Ticket {
        if strict_required {
            for key in ["ticket_id", "stage", "status"] {
                issues.require(obj, key, path);
            }
        }
        let users = |key: &str, issues: &mut Issues| -> Option<Vec<User>> {
            let items = issues.array(obj, key, path)?;
            let base = join(path, key);
            Some(
                items
                    .iter()
                    .enumerate()
                    .filter_map(|(i, v)| User::read(v, &format!("{base}[{i}]"), issues))
                    .collect(),
            )
        };
        let agents = users("agents", issues);
        let collaborators = users("collaborators", issues);
        let customized_fields = issues.array(obj, "customized_fields", path).map(|items| {
            let base = join(path, "customized_fields");
            items
                .iter()
                .enumerate()
                .filter_map(|(i, v)| CustomField::read(v, &format!("{base}[{i}]"), issues))
                .collect()
        });
        let user = |key: &str, issues: &mut Issues| {
            obj.get(key)
                .and_then(|v| User::read(v, &join(path, key), issues))
        };
        Ticket {
            ticket_id: issues.string(obj, "ticket_id", path),
            helpdesk_id: issues.string(obj, "helpdesk_id", path),
            chat_id: issues.string(obj, "chat_id", path),
            stage: issues.code(obj, "stage", path, CodeKind::Stage),
            status: issues.code(obj, "status", path, CodeKind::Status),
            score: issues.code(obj, "score", path, CodeKind::Score),
            solve: issues.code(obj, "solve", path, CodeKind::Solve),
            channel: issues.code(obj, "channel", path, CodeKind::Channel),
            created_at: issues.int(obj, "created_at", path),
            updated_at: issues.int(obj, "updated_at", path),
            closed_at: issues.int(obj, "closed_at", path),
            guest: user("guest", issues),
            agents,
            collaborators,
            closed_by: user("closed_by", issues),
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
    pub ticket: Option<Ticket>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MessageContent {
    pub content: Option<String>,
    pub msg_type: Option<String>,
    pub image_keys: Option<Vec<String>>,
    pub image_key: Option<String>,
}

impl TicketMessage {
    pub fn read(obj: &Map<String, Value>, path: &str, issues: &mut Issues) -> TicketMessage {
        let content = issues.object(obj, "content", path).map(|c| {
            let cpath = join(path, "content");
            MessageContent {
                content: issues.string(c, "content", &cpath),
                msg_type: issues.string(c, "msg_type", &cpath),
                image_keys: issues.array(c, "image_keys", &cpath).map(|keys| {
                    keys.iter()
                        .filter_map(|k| k.as_str().map(str::to_string))
                        .collect()
                }),
                image_key: issues.string(c, "image_key", &cpath),
            }
        });
        let ticket = issues
            .object(obj, "ticket", path)
            .map(|t| Ticket::read(t, &join(path, "ticket"), false, issues));
        let sender_id = obj
            .get("sender_id")
            .and_then(|v| User::read_id(v, &join(path, "sender_id"), issues));
        TicketMessage {
            ticket_message_id: issues.string(obj, "ticket_message_id", path),
            message_id: issues.string(obj, "message_id", path),
            msg_type: issues.string(obj, "msg_type", path),
            position: issues.string_or_number(obj, "position", path),
            sender_id,
            sender_type: issues.code(obj, "sender_type", path, CodeKind::SenderType),
            text: issues.string(obj, "text", path),
            event_id: issues.string(obj, "event_id", path),
            chat_id: issues.string(obj, "chat_id", path),
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
    pub fn read(obj: &Map<String, Value>, path: &str, issues: &mut Issues) -> Approval {
        let approve_status = issues.string(obj, "approve_status", path);
        if let Some(status) = &approve_status
            && !APPROVE_STATUSES.contains(&status.as_str())
        {
            issues.warn(
                join(path, "approve_status"),
                format!("unknown approve_status value {status:?}"),
            );
        }
        Approval {
            notification_id: issues.string(obj, "notification_id", path),
            helpdesk_id: issues.string(obj, "helpdesk_id", path),
            approve_status,
        }
    }
}
