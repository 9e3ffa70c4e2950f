//! A fast reader for the common record, beside serde_json: a record with
//! no backslash and no control character anywhere (no escapes, and no
//! whitespace but spaces) is read straight from its bytes into the same
//! lenient structs, in one pass that checks JSON's grammar as it goes.
//! Strings then end at the next quote, and there is no visitor to call.
//!
//! It is an accelerator, not a second parser to trust: whatever it is not
//! sure of (an escape, a number that is not a plain unsigned integer where
//! a value is kept or typed, nesting deeper than [`MAX_DEPTH`], anything
//! that is not JSON) makes it answer `None`, and the caller reads the
//! record with serde_json as before. When it answers `Some`, serde_json
//! reads the same text into an equal value: `tests/fast_read.rs` and the
//! `fast` fuzz target check exactly that. How each of the kit's values
//! reads itself with it is in `fast_values.rs`.

use std::cell::Cell;

use super::Kind;
use super::quotes::Quotes;

/// Deeper than this, the record is left to serde_json (whose limit is 128).
const MAX_DEPTH: usize = 100;

/// Where the reader is in the text.
pub struct Cursor<'a> {
    text: &'a str,
    quotes: Quotes,
    pos: usize,
    depth: usize,
}

/// A value the fast reader can read as serde_json would deserialize it.
pub trait FastRead<'a>: Sized {
    /// Reads the value at the cursor (after any whitespace before it), or
    /// `None` when this reader leaves it to serde_json.
    fn fast(c: &mut Cursor<'a>) -> Option<Self>;

    /// Reads the value at the cursor into `slot`, as
    /// `*slot = Some(Self::fast(c)?)` does; a large value filled where it
    /// lies (a [`Nested`] object) is not moved there.
    fn fast_into(slot: &mut Option<Self>, c: &mut Cursor<'a>) -> Option<()> {
        *slot = Some(Self::fast(c)?);
        Some(())
    }
}

/// An object read into a value made beforehand, where its parent holds it.
pub trait FastFill<'a>: Default {
    fn fill(&mut self, c: &mut Cursor<'a>) -> Option<()>;
}

/// The most bitmap words a thread keeps for its next read (those of a
/// 64 KiB text): a record's bitmap is reused, not allocated, but one huge
/// record does not leave every thread holding its size.
const KEPT_WORDS: usize = 1024;

thread_local! {
    /// The storage of this thread's last quotes bitmap.
    static WORDS: Cell<Vec<u64>> = const { Cell::new(Vec::new()) };
}

/// Reads `text` as a `T` when it is in the simple form this reader knows,
/// with nothing but spaces around the value; `None` means "ask
/// serde_json", never "invalid".
pub fn read<'a, T: FastRead<'a>>(text: &'a str) -> Option<T> {
    let mut slot = None;
    read_into(text, &mut slot)?;
    slot
}

/// [`read`] into `slot`, where a large value is filled in place
/// ([`FastRead::fast_into`]) rather than moved there. On `None` the slot
/// holds whatever was read up to where the reader gave up.
pub fn read_into<'a, T: FastRead<'a>>(text: &'a str, slot: &mut Option<T>) -> Option<()> {
    let mut c = Cursor {
        text,
        quotes: Quotes::of(text.as_bytes(), WORDS.take())?,
        pos: 0,
        depth: 0,
    };
    c.ws();
    let read = T::fast_into(slot, &mut c).filter(|()| {
        c.ws();
        c.pos == text.len()
    });
    let words = c.quotes.into_words();
    if words.capacity() <= KEPT_WORDS {
        WORDS.set(words);
    }
    read
}

impl<'a> Cursor<'a> {
    pub(super) fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.pos).copied()
    }

    /// Skips whitespace: only spaces, in a text [`Quotes`] accepted.
    fn ws(&mut self) {
        while self.peek() == Some(b' ') {
            self.pos += 1;
        }
    }

    fn eat(&mut self, byte: u8) -> Option<()> {
        (self.peek() == Some(byte)).then(|| self.pos += 1)
    }

    /// A string's contents: with no backslash in the text, it ends at the
    /// next quote.
    pub(super) fn string(&mut self) -> Option<&'a str> {
        self.eat(b'"')?;
        let start = self.pos;
        let end = self.quotes.next(start)?;
        self.pos = end + 1;
        self.text.get(start..end)
    }

    pub(super) fn literal(&mut self, word: &str) -> Option<()> {
        let rest = self.text.get(self.pos..)?;
        rest.starts_with(word).then(|| self.pos += word.len())
    }

    fn digits(&mut self) -> Option<()> {
        let start = self.pos;
        while self.peek().is_some_and(|b| b.is_ascii_digit()) {
            self.pos += 1;
        }
        (self.pos > start).then_some(())
    }

    /// A number's text, as JSON's grammar has it: `-`, then `0` or digits
    /// not starting with `0`, then maybe a fraction and an exponent.
    fn number(&mut self) -> Option<&'a str> {
        let start = self.pos;
        let _ = self.eat(b'-');
        match self.peek()? {
            b'0' => self.pos += 1,
            b'1'..=b'9' => self.digits()?,
            _ => return None,
        }
        if self.eat(b'.').is_some() {
            self.digits()?;
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.pos += 1;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.pos += 1;
            }
            self.digits()?;
        }
        self.text.get(start..self.pos)
    }

    /// A plain unsigned integer that fits in a u64 (no sign, fraction or
    /// exponent, no leading zero), read in one pass; `None` for any other
    /// number.
    pub(super) fn unsigned(&mut self) -> Option<u64> {
        let start = self.pos;
        let mut value: u64 = 0;
        while let Some(b) = self.peek().filter(u8::is_ascii_digit) {
            value = value.checked_mul(10)?.checked_add(u64::from(b - b'0'))?;
            self.pos += 1;
        }
        let len = self.pos - start;
        let leading_zero = len > 1 && self.text.as_bytes().get(start) == Some(&b'0');
        let more = matches!(self.peek(), Some(b'.' | b'e' | b'E'));
        (len > 0 && !leading_zero && !more).then_some(value)
    }

    fn enter(&mut self) -> Option<()> {
        self.depth += 1;
        (self.depth <= MAX_DEPTH).then_some(())
    }

    /// An object, handing each member's key to `member`, which reads its
    /// value.
    pub fn object(
        &mut self,
        mut member: impl FnMut(&mut Self, &'a str) -> Option<()>,
    ) -> Option<()> {
        self.sequence(b'{', b'}', |c| {
            let key = c.string()?;
            c.colon()?;
            member(c, key)
        })
    }

    /// An array, `item` reading each element.
    pub(super) fn array(&mut self, item: impl FnMut(&mut Self) -> Option<()>) -> Option<()> {
        self.sequence(b'[', b']', item)
    }

    /// The `:` between a key and its value, with any spaces around it.
    fn colon(&mut self) -> Option<()> {
        // Spaces before it are rare: looked for only when it is not next.
        if self.eat(b':').is_none() {
            self.ws();
            self.eat(b':')?;
        }
        self.ws();
        Some(())
    }

    /// An object's members or an array's elements: `open`, then items
    /// (each read by `item`) separated by commas, then `close`.
    fn sequence(
        &mut self,
        open: u8,
        close: u8,
        mut item: impl FnMut(&mut Self) -> Option<()>,
    ) -> Option<()> {
        self.eat(open)?;
        self.enter()?;
        self.ws();
        if self.eat(close).is_none() {
            loop {
                item(self)?;
                let mut after = self.peek()?;
                if after == b' ' {
                    self.ws();
                    after = self.peek()?;
                }
                match after {
                    b',' => {
                        self.pos += 1;
                        self.ws();
                    }
                    b if b == close => {
                        self.pos += 1;
                        break;
                    }
                    _ => return None,
                }
            }
        }
        self.depth -= 1;
        Some(())
    }

    /// Moves past a string, without taking its text.
    fn skip_string(&mut self) -> Option<()> {
        self.eat(b'"')?;
        self.pos = self.quotes.next(self.pos)? + 1;
        Some(())
    }

    /// Checks one value of any kind and moves past it.
    pub fn skip(&mut self) -> Option<()> {
        match self.peek()? {
            b'"' => self.skip_string(),
            b'{' => self.sequence(b'{', b'}', |c| {
                c.skip_string()?;
                c.colon()?;
                c.skip()
            }),
            b'[' => self.array(Cursor::skip),
            b't' => self.literal("true"),
            b'f' => self.literal("false"),
            b'n' => self.literal("null"),
            b'-' | b'0'..=b'9' => self.number().map(drop),
            _ => None,
        }
    }

    /// Moves past a value of the wrong kind for a typed field. serde_json
    /// reads such a value whole (a number through a float, which may be
    /// out of range), not only its grammar as when it skips one: so any
    /// number but a plain unsigned integer is left to it.
    pub(super) fn wrong(&mut self) -> Option<()> {
        match self.kind()? {
            Kind::Number => self.unsigned().map(drop),
            _ => self.skip(),
        }
    }

    /// The text of one value of any kind, checked.
    pub(super) fn span(&mut self) -> Option<&'a str> {
        let start = self.pos;
        self.skip()?;
        self.text.get(start..self.pos)
    }

    /// The kind of the value at the cursor, from its first byte.
    pub(super) fn kind(&self) -> Option<Kind> {
        Some(match self.peek()? {
            b'"' => Kind::String,
            b'{' => Kind::Object,
            b'[' => Kind::Array,
            b't' | b'f' => Kind::Bool,
            b'n' => Kind::Null,
            b'-' | b'0'..=b'9' => Kind::Number,
            _ => return None,
        })
    }
}
