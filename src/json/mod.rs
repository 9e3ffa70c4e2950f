//! The lenient serde reading kit: JSON read straight from the bytes into
//! borrowed values, no `serde_json::Value`, unknown keys skipped without
//! building anything. A value of the wrong JSON type is kept as what it is
//! (a [`Scalar`], a [`Kind`], a [`Nested::Wrong`]) for whoever reads it to
//! report, so one odd field never costs a record. Knows no schema: the event
//! model's (`event::raw`) and the input layer's probe are built from it.

mod fast;
mod fast_values;
mod lenient;
mod nested;
mod quotes;
mod scalar;

pub use fast::{Cursor, FastFill, FastRead, read as read_fast, read_into as read_fast_into};
pub use fast_values::JsonText;
pub(crate) use lenient::lenient_struct;
pub use lenient::{Key, Keys, last_wins, lazy, set};
pub(crate) use nested::wrong_scalars;
pub use nested::{Nested, NestedList};
pub use scalar::{Kind, Scalar};
