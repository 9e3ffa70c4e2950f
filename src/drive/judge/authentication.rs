//! The answers that show whether the handler authenticates what it
//! accepts: a request signed with another key or over a changed body, a
//! payload with another Verification Token, a correctly signed body
//! pretty-printed, and one signed an hour ago.

use super::{Judged, Status, no_answer, one_line, said};
use crate::drive::http::{Answer, NoAnswer};

/// A request that must be refused: non-2xx passes; a 2xx identical to the
/// genuine event's fails (treated like the real thing); another 2xx warns
/// (probably dropped without saying so).
pub fn rejection(
    answer: &Result<Answer, NoAnswer>,
    genuine: Option<&Answer>,
    what: &str,
) -> Judged {
    let a = match answer {
        Ok(a) => a,
        Err(e) => return no_answer(e),
    };
    if !a.is_success() {
        return Judged::new(Status::Pass, format!("{what}: refused with {}", said(a)));
    }
    let same = genuine.is_some_and(|g| g.status == a.status && g.body == a.body);
    if same {
        Judged::new(
            Status::Fail,
            format!(
                "{what} got {}, the genuine event's answer: the handler accepted it",
                said(a)
            ),
        )
    } else {
        Judged::new(
            Status::Warn,
            format!(
                "{what} got {}, unlike the genuine event: probably dropped without saying so; \
                 answering 401 would show it in the platform's console and in monitoring",
                said(a)
            ),
        )
    }
}

/// A wrong token under a valid signature.
pub fn token_with_signature(answer: &Result<Answer, NoAnswer>) -> Judged {
    match answer {
        Err(e) => no_answer(e),
        Ok(a) if !a.is_success() => Judged::new(
            Status::Pass,
            format!(
                "a payload with another Verification Token: refused with {}",
                said(a)
            ),
        ),
        Ok(a) => Judged::new(
            Status::Warn,
            format!(
                "a payload with another Verification Token got {}: the handler does not check \
                 the token (the signature still authenticates the request)",
                said(a)
            ),
        ),
    }
}

/// A pretty-printed, correctly signed body: answered like the compact one?
/// Only telling when a forged request is answered otherwise.
pub fn raw_body(
    answer: &Result<Answer, NoAnswer>,
    genuine: Option<&Answer>,
    forged: Option<&Answer>,
) -> Judged {
    let a = match answer {
        Ok(a) => a,
        Err(e) => return no_answer(e),
    };
    let same = |x: &Answer, y: &Answer| x.status == y.status && x.body == y.body;
    if let (Some(g), Some(f)) = (genuine, forged)
        && same(g, f)
    {
        return Judged::new(
            Status::Skip,
            format!(
                "cannot tell: the handler answers a forged request as it answers a genuine one \
                 ({}), so its answers do not show whether it verified this body",
                said(g)
            ),
        );
    }
    match genuine {
        Some(g) if g.status == a.status && g.body == a.body => Judged::new(
            Status::Pass,
            "a correctly signed pretty-printed body is answered like the compact one: the \
             handler hashes the raw body",
        ),
        _ => Judged::new(
            Status::Warn,
            format!(
                "a correctly signed pretty-printed body got {}, unlike the compact one: the \
                 handler hashes a re-serialization of the JSON (as the Node SDK does); the \
                 platform sends compact JSON, but fixtures and proxies that reformat break it",
                said(a)
            ),
        ),
    }
}

/// Informational: an hour-old timestamp.
pub fn stale(answer: &Result<Answer, NoAnswer>) -> Judged {
    match answer {
        Err(e) => Judged::new(Status::Warn, format!("no answer: {}", one_line(&e.why))),
        Ok(a) if a.is_success() => Judged::new(
            Status::Pass,
            format!(
                "an hour-old timestamp is accepted ({}), as the SDKs do; rejecting old \
                 timestamps would protect against replayed requests",
                said(a)
            ),
        ),
        Ok(a) => Judged::new(
            Status::Pass,
            format!(
                "an hour-old timestamp is refused ({}): replays are rejected",
                said(a)
            ),
        ),
    }
}
