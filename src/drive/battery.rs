//! `check`'s battery: requests shaped like the platform's, for the app's
//! configuration, and what each answer says about the handler. Data only:
//! each check's name, status and detail; `render::check` shows them.

use std::time::Duration;

use serde_json::{Value, json};

use super::event::{self, compact};
use super::http::{Answer, NoAnswer};
use super::judge::{self, Judged};
use super::shape::{Shaped, Signing, deliver, encrypt, random_id};
use crate::secret::Secret;

pub use super::judge::{CHALLENGE_DEADLINE, EVENT_DEADLINE, Status};

/// One check's outcome.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Check {
    /// Stable: scripts read it.
    pub name: &'static str,
    pub status: Status,
    /// The answer's status, when there was one.
    pub http_status: Option<u16>,
    pub elapsed: Option<Duration>,
    pub detail: String,
}

/// The app's configuration and the events to send.
pub struct Setup<'a> {
    pub key: Option<&'a Secret>,
    pub token: Option<&'a Secret>,
    /// At least one event, as JSON; the first is the battery's event.
    pub events: Vec<Value>,
}

/// A handler to send to.
pub type Post<'p> = dyn FnMut(&Shaped) -> Result<Answer, NoAnswer> + 'p;

/// Every check, in order. `Err` only when a request cannot be built.
pub fn run(setup: &Setup<'_>, post: &mut Post<'_>) -> anyhow::Result<Vec<Check>> {
    let mut b = Battery {
        setup,
        post,
        checks: Vec::new(),
    };
    b.challenge()?;
    let genuine = b.accepted()?;
    b.redelivery(genuine.as_ref().map(|(body, _)| body))?;
    let genuine = genuine.and_then(|(_, answer)| answer);
    let forged = b.forged(genuine.as_ref())?;
    b.tampered(genuine.as_ref())?;
    b.wrong_token(genuine.as_ref())?;
    b.raw_body(genuine.as_ref(), forged.as_ref())?;
    b.stale()?;
    b.unknown_type()?;
    b.garbage()?;
    Ok(b.checks)
}

struct Battery<'s, 'p, 'q> {
    setup: &'s Setup<'s>,
    post: &'q mut Post<'p>,
    checks: Vec<Check>,
}

impl Battery<'_, '_, '_> {
    fn record(&mut self, name: &'static str, answer: Option<&Result<Answer, NoAnswer>>, j: Judged) {
        let (http_status, elapsed) = match answer {
            Some(Ok(a)) => (Some(a.status), Some(a.elapsed)),
            Some(Err(e)) => (None, Some(e.elapsed)),
            None => (None, None),
        };
        self.checks.push(Check {
            name,
            status: j.status,
            http_status,
            elapsed,
            detail: j.detail,
        });
    }

    fn skip(&mut self, name: &'static str, why: &str) {
        self.record(name, None, Judged::new(Status::Skip, why));
    }

    /// The first event with a fresh id and the configured token.
    fn fresh(&self) -> anyhow::Result<Value> {
        self.fresh_from(&self.setup.events[0])
    }

    fn fresh_from(&self, template: &Value) -> anyhow::Result<Value> {
        let v = event::with_id(template.clone(), &random_id()?);
        Ok(match self.setup.token {
            Some(t) => event::with_token(v, t.expose()),
            None => v,
        })
    }

    /// A plaintext as the platform sends it: encrypted when there is a
    /// key, then signed (with the key, at `timestamp`).
    fn platform(&self, plaintext: &[u8], timestamp: Option<i64>) -> anyhow::Result<Shaped> {
        let body = match self.setup.key {
            Some(key) => encrypt(key, plaintext)?,
            None => plaintext.to_vec(),
        };
        let mut signing = Signing::now(self.setup.key);
        if let Some(t) = timestamp {
            signing.timestamp = t;
        }
        deliver(body, signing)
    }

    fn challenge(&mut self) -> anyhow::Result<()> {
        let challenge = random_id()?;
        let token = self.setup.token.map_or("", |t| t.expose());
        let plaintext = compact(&json!({
            "challenge": challenge, "token": token, "type": "url_verification"
        }));
        let body = match self.setup.key {
            Some(key) => encrypt(key, &plaintext)?,
            None => plaintext,
        };
        // The platform does not sign the challenge.
        let request = deliver(body, Signing::now(None))?;
        let answer = (self.post)(&request);
        let judged = judge::challenge(&answer, &challenge);
        self.record("challenge", Some(&answer), judged);
        Ok(())
    }

    /// Every event, genuine; returns the first's plaintext and answer.
    fn accepted(&mut self) -> anyhow::Result<Option<(Vec<u8>, Option<Answer>)>> {
        let mut first = None;
        let mut worst: Option<(Result<Answer, NoAnswer>, Judged)> = None;
        let templates = &self.setup.events;
        for template in templates {
            let plaintext = compact(&self.fresh_from(template)?);
            let request = self.platform(&plaintext, None)?;
            let answer = (self.post)(&request);
            let judged = judge::accepted(&answer);
            if first.is_none() {
                first = Some((plaintext, answer.as_ref().ok().cloned()));
            }
            if worst.as_ref().is_none_or(|(_, w)| judged.status > w.status) {
                worst = Some((answer, judged));
            }
        }
        if let Some((answer, mut judged)) = worst {
            if templates.len() > 1 {
                judged.detail = format!(
                    "{} events sent; the worst: {}",
                    templates.len(),
                    judged.detail
                );
            }
            self.record("event_accepted", Some(&answer), judged);
        }
        Ok(first)
    }

    fn redelivery(&mut self, plaintext: Option<&Vec<u8>>) -> anyhow::Result<()> {
        let Some(plaintext) = plaintext else {
            return Ok(());
        };
        let request = self.platform(plaintext, None)?;
        let answer = (self.post)(&request);
        let judged = judge::redelivery(&answer);
        self.record("redelivery_accepted", Some(&answer), judged);
        Ok(())
    }

    /// Returns the forged request's answer.
    fn forged(&mut self, genuine: Option<&Answer>) -> anyhow::Result<Option<Answer>> {
        const NAME: &str = "forged_signature_rejected";
        let Some(key) = self.setup.key else {
            self.skip(
                NAME,
                "no Encrypt Key: without one the platform signs nothing",
            );
            return Ok(None);
        };
        let body = encrypt(key, &compact(&self.fresh()?))?;
        let other = Secret::new(format!("{}-forged", key.expose()));
        let request = deliver(body, Signing::now(Some(&other)))?;
        let answer = (self.post)(&request);
        let judged = judge::rejection(&answer, genuine, "a request signed with another key");
        self.record(NAME, Some(&answer), judged);
        Ok(answer.ok())
    }

    fn tampered(&mut self, genuine: Option<&Answer>) -> anyhow::Result<()> {
        const NAME: &str = "tampered_body_rejected";
        let Some(key) = self.setup.key else {
            self.skip(
                NAME,
                "no Encrypt Key: without one the platform signs nothing",
            );
            return Ok(());
        };
        let event = self.fresh()?;
        let mut request = self.platform(&compact(&event), None)?;
        // Another body under the same signature: it decrypts, but it is not
        // what was signed.
        request.body = encrypt(key, &compact(&event::tampered(event)))?;
        let answer = (self.post)(&request);
        let judged = judge::rejection(&answer, genuine, "a body changed after it was signed");
        self.record(NAME, Some(&answer), judged);
        Ok(())
    }

    fn wrong_token(&mut self, genuine: Option<&Answer>) -> anyhow::Result<()> {
        const NAME: &str = "wrong_token_rejected";
        let Some(token) = self.setup.token else {
            self.skip(NAME, "no Verification Token given (LARK_VERIFICATION_TOKEN or --verification-token-file)");
            return Ok(());
        };
        let wrong = format!("{}-wrong", token.expose());
        let plaintext = compact(&event::with_token(self.fresh()?, &wrong));
        let request = self.platform(&plaintext, None)?;
        let answer = (self.post)(&request);
        let judged = match self.setup.key {
            None => judge::rejection(
                &answer,
                genuine,
                "a payload with another Verification Token",
            ),
            Some(_) => judge::token_with_signature(&answer),
        };
        self.record(NAME, Some(&answer), judged);
        Ok(())
    }

    fn raw_body(
        &mut self,
        genuine: Option<&Answer>,
        forged: Option<&Answer>,
    ) -> anyhow::Result<()> {
        const NAME: &str = "raw_body_hashed";
        let Some(key) = self.setup.key else {
            self.skip(
                NAME,
                "no Encrypt Key: nothing is signed, so nothing is hashed",
            );
            return Ok(());
        };
        let wrapper: Value = serde_json::from_slice(&encrypt(key, &compact(&self.fresh()?))?)?;
        let pretty = serde_json::to_vec_pretty(&wrapper)?;
        let answer = (self.post)(&deliver(pretty, Signing::now(Some(key)))?);
        let judged = judge::raw_body(&answer, genuine, forged);
        self.record(NAME, Some(&answer), judged);
        Ok(())
    }

    fn stale(&mut self) -> anyhow::Result<()> {
        const NAME: &str = "stale_timestamp";
        if self.setup.key.is_none() {
            self.skip(NAME, "no Encrypt Key: unsigned requests carry no timestamp");
            return Ok(());
        }
        let hour_ago = jiff::Timestamp::now().as_second() - 3600;
        let request = self.platform(&compact(&self.fresh()?), Some(hour_ago))?;
        let answer = (self.post)(&request);
        let judged = judge::stale(&answer);
        self.record(NAME, Some(&answer), judged);
        Ok(())
    }

    fn unknown_type(&mut self) -> anyhow::Result<()> {
        let plaintext = compact(&event::approve_notification(self.fresh()?));
        let request = self.platform(&plaintext, None)?;
        let answer = (self.post)(&request);
        let judged = judge::unknown_type(&answer);
        self.record("unknown_event_type_accepted", Some(&answer), judged);
        Ok(())
    }

    fn garbage(&mut self) -> anyhow::Result<()> {
        let body = b"this is not JSON {".to_vec();
        let answer = (self.post)(&deliver(body, Signing::now(self.setup.key))?);
        let judged = judge::garbage(&answer);
        self.record("garbage_rejected", Some(&answer), judged);
        Ok(())
    }
}
