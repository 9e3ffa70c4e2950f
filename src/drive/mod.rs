//! Driving the user's own handler as the platform would: requests shaped
//! like the platform's ([`shape`], from event templates in [`event`]),
//! posted ([`http`]), and for `check` a battery of them ([`battery`])
//! whose answers are judged ([`judge`]). Data only; `render::send` and
//! `render::check` show it.

pub mod battery;
pub mod event;
pub mod http;
pub mod judge;
pub mod shape;
