//! Golden comparison: the decoded records of a captured stream against a
//! checked-in expectation, field by field by JSON path.
//!
//! Paths read like jq's without the leading dot: `event.object.status`,
//! `event.object.agents[0].name`, `["key with.dots"]`. When either side holds
//! more than one record, each path starts with the record's 0-based index,
//! as if both streams were slurped into arrays: `[1].event.object.status`.
//!
//! Three parts: the path language ([`IgnorePath`], [`Segment`]), the
//! structural JSON diff ([`compare_streams`]), and what a path means in a
//! Lark event ([`Meaning`], [`DEFAULT_IGNORES`]). Data only: rendering the
//! differences is `render`'s.

mod diff;
mod meaning;
mod path;

pub use diff::{Comparison, Difference, compare, compare_streams};
pub use meaning::{DEFAULT_IGNORES, Meaning};
pub use path::{IgnorePath, PathError, Segment};
