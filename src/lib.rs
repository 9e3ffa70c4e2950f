//! lark-ticket: decrypt, parse, diff and verify Feishu/Lark helpdesk ticket
//! event callbacks.

pub mod app;
pub mod cli;
pub mod commands;
pub mod crypto;
pub mod diagnostics;
pub mod drive;
pub mod event;
pub mod exit;
pub mod golden;
pub mod input;
pub mod json;
pub mod listen;
pub mod pipeline;
pub mod record;
pub mod render;
pub mod sanitize;
pub mod secret;
pub mod settings;
mod simd;
pub mod subscribe;
pub mod timeline;
pub mod verify;
