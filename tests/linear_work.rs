//! Reproducers of blow-ups past the splitter, found by fuzzing and by
//! hostile inputs, run through the library: a signature diagnosis, a
//! table's layout, and records with many unknown members. Each counts the
//! work done and requires it to be linear in the input, which no machine's
//! load can change (the bytes a diagnosis hashes, the word-splitting work a
//! table leaves to comfy-table), or runs the case that used to take minutes
//! under the watchdog, which only turns a real hang into a failure instead
//! of a stuck suite. The splitter's own are in `tests/regressions.rs`.

mod common;

use std::sync::Arc;

use common::{WATCHDOG, within};

/// verify's diagnosis hashed the body once per trailing newline: a body
/// of 40 000 newlines took 36 s, a megabyte of them hours. The bytes it
/// hashes are counted: doubling the body at most doubles them, whether the
/// first cause tried matches or every cause is tried and none does.
#[test]
fn diagnosis_of_a_body_of_newlines_is_linear() {
    const N: usize = 200_000;
    for matched in [true, false] {
        let (cause, hashed) = diagnosis_of_newlines(N, matched);
        let (_, hashed_double) = diagnosis_of_newlines(2 * N, matched);
        assert_eq!(
            cause,
            matched.then_some("trailing_newline_added"),
            "{matched}"
        );
        assert!(hashed >= N as u64, "the body is hashed: {hashed} bytes");
        assert!(
            hashed_double <= 2 * hashed,
            "{N} newlines: {hashed} bytes hashed, twice as many: {hashed_double}"
        );
    }
}

/// Diagnoses `{}` and `newlines` newlines, signed with three fewer newlines
/// (found by the first cause tried) or not signed at all (no cause found);
/// the cause and the bytes hashed.
fn diagnosis_of_newlines(newlines: usize, matched: bool) -> (Option<&'static str>, u64) {
    use lark_ticket::crypto;
    use lark_ticket::secret::Secret;
    use lark_ticket::verify::diagnosis::{Context, diagnose, hashed_bytes};

    within(WATCHDOG, move || {
        let key = Secret::new("k");
        let body = [b"{}".as_slice(), &vec![b'\n'; newlines]].concat();
        let value = serde_json::from_slice(&body).ok();
        let expected = crypto::signature("1", "n", &key, &body);
        let ctx = Context {
            timestamp: "1",
            nonce: "n",
            key: &key,
            token: None,
            body: &body,
            value: value.as_ref(),
            plaintext: None,
            expected: &expected,
        };
        let received = if matched {
            crypto::signature("1", "n", &key, &body[..body.len() - 3])
        } else {
            "0".repeat(64)
        };
        let before = hashed_bytes();
        let diagnosis = diagnose(&ctx, &received);
        (diagnosis.cause, hashed_bytes() - before)
    })
}

/// Lays out `json` (an event) as `parse -o table` does, `width` columns
/// wide; the table and the layout work counted (`grid::layout_work`).
fn table_of(json: &[u8], width: usize) -> (String, u64) {
    use jiff::tz::TimeZone;
    use lark_ticket::event::{Event, Lang};
    use lark_ticket::input::Location;
    use lark_ticket::render::grid::layout_work;
    use lark_ticket::render::table::TableRenderer;
    use lark_ticket::render::{Parsed, Renderer, Style};

    let before = layout_work();

    let event = Event::from_slice(json).expect("an event");
    let location = Location::new(Arc::from("t"), 1);
    let mut table = TableRenderer::new(Style::new(false, Lang::En, TimeZone::UTC));
    table.width = Some(width);
    let mut out = Vec::new();
    table
        .parsed(
            &mut out,
            &Parsed {
                location: &location,
                encrypted: false,
                event: &event,
            },
        )
        .expect("renders");
    (
        String::from_utf8(out).expect("UTF-8"),
        layout_work() - before,
    )
}

/// Found by fuzz/event (a timeout): comfy-table splits a word longer than
/// its column one line at a time, measuring the rest of the word for each,
/// so a 16,000-character field name took 12 s in a 20-column terminal and
/// a megabyte of one would take hours. Tables now break such runs into
/// lines twice the terminal's width before comfy-table sees them, and the
/// work that leaves comfy-table is counted: doubling the word at most
/// doubles it.
#[test]
fn a_long_word_in_a_narrow_table_is_laid_out_in_linear_time() {
    let input = include_bytes!("fuzz-cases/event-long-word-narrow-table.bin");
    // The fuzz target's first byte chose the options: 20 columns here.
    let (out, _) = within(WATCHDOG, || table_of(&input[1..], 20));
    assert!(out.contains("helpdesk.ticket.updated_v1"), "{out}");

    // The work counter, not the size, tells linear from quadratic.
    const N: usize = 50_000;
    let (out, work) = long_field_name_table(N);
    // Every character of the name is shown, a few on each line.
    assert_eq!(out.matches('x').count(), N, "the whole name");
    assert!(
        out.lines()
            .all(|line| !line.contains("xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"))
    );
    let (_, work_double) = long_field_name_table(2 * N);
    assert!(work >= N as u64, "the name was counted: {work}");
    assert!(
        work_double <= 2 * work,
        "a {N}-character name: work {work}, twice as long: {work_double}"
    );
}

/// A 20-column table of an event whose old_object has one field, named
/// with `len` x's.
fn long_field_name_table(len: usize) -> (String, u64) {
    let key = "x".repeat(len);
    let json = format!(
        "{{\"schema\":\"2.0\",\"header\":{{\"event_type\":\"helpdesk.ticket.updated_v1\"}},\
         \"event\":{{\"object\":{{\"ticket_id\":\"t\"}},\"old_object\":{{\"{key}\":1}}}}}}"
    );
    within(WATCHDOG, move || table_of(json.as_bytes(), 20))
}

/// An `old_object` (or a ticket) of 100 000 distinct unknown members used
/// to look each key up among those before it: 25 s for a 1.5 MB record.
/// Both readers (the fast one, and serde_json for a text with an escape)
/// now keep them in linear time, a repeated key's last value in its first
/// place.
#[test]
fn many_unknown_members_are_kept_in_linear_time() {
    use lark_ticket::event::raw::RawDoc;
    use lark_ticket::json::{Nested, read_fast};
    const N: usize = 100_000;
    let members: String = (0..N).map(|i| format!("\"k{i}\":{i},")).collect();
    for escape in ["", "\\u0041"] {
        let text = format!(
            r#"{{"schema":"2.0{escape}","event":{{"object":{{{members}"k0":"last"}},"old_object":{{{members}"k0":"last"}}}}}}"#
        );
        let (object, old) = within(WATCHDOG, move || {
            let doc: RawDoc = match read_fast(&text) {
                Some(doc) => doc,
                None => serde_json::from_str(&text).expect("JSON"),
            };
            let Some(Nested::Value(event)) = doc.event else {
                panic!("no event")
            };
            let (Some(Nested::Value(object)), Some(Nested::Value(old))) =
                (event.object, event.old_object)
            else {
                panic!("no object or old_object")
            };
            let owned = |members: Vec<(std::borrow::Cow<'_, str>, serde_json::Value)>| {
                members
                    .into_iter()
                    .map(|(k, v)| (k.into_owned(), v))
                    .collect::<Vec<_>>()
            };
            (owned(object.others), owned(old.others))
        });
        for others in [object, old] {
            assert_eq!(others.len(), N, "{escape:?}");
            assert_eq!(others[0].0, "k0");
            assert_eq!(others[0].1, "last");
            assert_eq!(others[N - 1].1, N - 1);
        }
    }
}

/// An update whose `old_object` and `object` share many keys outside the
/// schema: each old field's current value used to be searched for among
/// the object's members, quadratic in the keys (400,000 on each side would
/// take minutes). They are now looked up by name.
#[test]
fn many_unknown_old_fields_are_diffed_in_linear_time() {
    use lark_ticket::event::{Event, FieldValue};
    const N: usize = 400_000;
    let members: String = (0..N).map(|i| format!("\"k{i}\":{i},")).collect();
    let old: String = (0..N).map(|i| format!("\"k{i}\":{},", N - i)).collect();
    let text = format!(
        r#"{{"schema":"2.0","header":{{"event_type":"helpdesk.ticket.updated_v1"}},"event":{{"object":{{{members}"stage":2}},"old_object":{{{old}"stage":1}}}}}}"#
    );
    let transitions = within(WATCHDOG, move || {
        Event::from_slice(text.as_bytes())
            .expect("an event")
            .transitions()
            .to_vec()
    });
    assert_eq!(transitions.len(), N + 1);
    assert_eq!(transitions[0].field, "stage");
    let last = &transitions[N];
    assert_eq!(last.field, format!("k{}", N - 1));
    assert_eq!(last.from, Some(FieldValue::Raw(1.into())));
    assert_eq!(last.to, Some(FieldValue::Raw((N - 1).into())));
    assert!(
        transitions
            .iter()
            .all(|t| t.changed || t.field == format!("k{}", N / 2))
    );
}
