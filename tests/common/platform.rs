//! Requests as the Lark platform sends them to a webhook handler, built
//! with the library's own encryption and signature: the URL challenge,
//! signed events, and the `check` battery whose answers
//! `tests/peers/handlers/README.md` tabulates.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use lark_ticket::crypto::{encrypt, signature};
use lark_ticket::secret::Secret;
use serde_json::{Value, json};

/// The challenge value the battery sends.
pub const CHALLENGE: &str = "chal-4711";

/// A request as the platform sends it.
#[derive(Clone)]
pub struct Request {
    pub body: Vec<u8>,
    pub headers: Vec<(String, String)>,
}

impl Request {
    /// Replaces the value of a header (its name compared case-insensitively).
    pub fn set_header(&mut self, name: &str, value: &str) {
        for (n, v) in &mut self.headers {
            if n.eq_ignore_ascii_case(name) {
                *v = value.to_string();
            }
        }
    }
}

/// The platform's side of one app: its Encrypt Key, if it has one, and its
/// Verification Token (a token the handler does not know, when it has none).
pub struct Platform {
    key: Option<Secret>,
    token: String,
}

pub fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("after 1970")
        .as_secs()
}

impl Platform {
    pub fn new(key: Option<&str>, token: &str) -> Platform {
        Platform {
            key: key.map(Secret::new),
            token: token.to_string(),
        }
    }

    /// testdata/ticket-updated.json with this id, type and token, compact.
    pub fn event(&self, id: &str, token: Option<&str>, event_type: &str) -> Vec<u8> {
        let mut event: Value = serde_json::from_slice(&super::read("ticket-updated.json"))
            .expect("the fixture is JSON");
        let header = event["header"].as_object_mut().expect("a header");
        header.insert("event_id".into(), json!(id));
        header.insert("event_type".into(), json!(event_type));
        match token {
            Some(token) => header.insert("token".into(), json!(token)),
            None => header.remove("token"),
        };
        serde_json::to_vec(&event).expect("serializes")
    }

    /// A helpdesk.ticket.updated_v1 event with the app's token.
    pub fn ticket(&self, id: &str) -> Vec<u8> {
        self.event(id, Some(&self.token), "helpdesk.ticket.updated_v1")
    }

    /// `{"encrypt":...}` when the app has a key, else the plaintext.
    pub fn wrap(&self, plaintext: &[u8]) -> Vec<u8> {
        match &self.key {
            Some(key) => {
                let encrypted = encrypt(key, plaintext, None).expect("encrypts");
                serde_json::to_vec(&json!({ "encrypt": encrypted })).expect("serializes")
            }
            None => plaintext.to_vec(),
        }
    }

    /// The URL challenge (unsigned, as the platform sends it).
    pub fn challenge(&self, token: &str, encrypted: bool) -> Request {
        let plain = serde_json::to_vec(
            &json!({"challenge": CHALLENGE, "token": token, "type": "url_verification"}),
        )
        .expect("serializes");
        Request {
            body: if encrypted { self.wrap(&plain) } else { plain },
            headers: vec![("Content-Type".into(), "application/json".into())],
        }
    }

    /// `body` with the platform's headers: a timestamp, a nonce and, when
    /// the app has a key, the signature.
    pub fn signed_at(&self, body: Vec<u8>, timestamp: u64) -> Request {
        static NONCES: AtomicUsize = AtomicUsize::new(0);
        let timestamp = timestamp.to_string();
        let nonce = format!("nonce-{}", NONCES.fetch_add(1, Ordering::Relaxed));
        let mut headers = vec![
            ("Content-Type".to_string(), "application/json".to_string()),
            ("X-Lark-Request-Timestamp".to_string(), timestamp.clone()),
            ("X-Lark-Request-Nonce".to_string(), nonce.clone()),
        ];
        if let Some(key) = &self.key {
            let sig = signature(&timestamp, &nonce, key, &body);
            headers.push(("X-Lark-Signature".to_string(), sig));
        }
        Request { body, headers }
    }

    pub fn signed(&self, body: Vec<u8>) -> Request {
        self.signed_at(body, now())
    }

    /// The `check` battery, in order; event ids are distinct but for the
    /// repeat. The rows of the README's tables.
    pub fn battery(&self) -> Vec<(&'static str, Request)> {
        let mut cases = vec![("challenge, plain", self.challenge(&self.token, false))];
        if self.key.is_some() {
            cases.push(("challenge, encrypted", self.challenge(&self.token, true)));
        }
        cases.push((
            "challenge, wrong token",
            self.challenge("wrong-token", true),
        ));
        let genuine = self.signed(self.wrap(&self.ticket("ev-genuine")));
        cases.push(("genuine event", genuine.clone()));
        cases.push(("same event again", self.signed(genuine.body)));
        if self.key.is_some() {
            let mut forged = self.signed(self.wrap(&self.ticket("ev-forged")));
            forged.set_header("X-Lark-Signature", &"0".repeat(64));
            cases.push(("forged signature", forged));
            // Signed, then the body replaced by another that decrypts.
            let signed = self.signed(self.wrap(&self.ticket("ev-tampered")));
            let tampered = Request {
                body: self.wrap(&closed(&self.ticket("ev-tampered"))),
                headers: signed.headers.clone(),
            };
            cases.push(("tampered: other ciphertext, old signature", tampered));
            // One character of the last block changed: it no longer
            // decrypts (the PKCS#7 padding is garbage).
            let wrapper: Value = serde_json::from_slice(&signed.body).unwrap();
            let mut encrypted = wrapper["encrypt"].as_str().unwrap().to_string();
            let at = encrypted.len() - 6;
            let flipped = if &encrypted[at..=at] == "A" { "B" } else { "A" };
            encrypted.replace_range(at..=at, flipped);
            let body = serde_json::to_vec(&json!({ "encrypt": encrypted })).unwrap();
            let broken = Request {
                body,
                headers: signed.headers.clone(),
            };
            cases.push(("tampered: one base64 char of the last block", broken));
            let mut newline = self.signed(self.wrap(&self.ticket("ev-newline")));
            newline.body.push(b'\n');
            cases.push(("tampered: trailing newline added", newline));
        } else {
            let signed = self.signed(self.ticket("ev-tampered"));
            let tampered = Request {
                body: closed(&signed.body),
                headers: signed.headers,
            };
            cases.push(("tampered: a field changed", tampered));
        }
        let t = "helpdesk.ticket.updated_v1";
        let wrong = self.event("ev-wrong-token", Some("wrong-token"), t);
        cases.push(("wrong token", self.signed(self.wrap(&wrong))));
        let none = self.event("ev-no-token", None, t);
        cases.push(("no token in the event", self.signed(self.wrap(&none))));
        let wrapped: Value = serde_json::from_slice(&self.wrap(&self.ticket("ev-pretty"))).unwrap();
        let mut pretty = serde_json::to_vec_pretty(&wrapped).unwrap();
        pretty.push(b'\n');
        cases.push(("pretty-printed, correctly signed", self.signed(pretty)));
        let stale = self.wrap(&self.ticket("ev-stale"));
        cases.push((
            "stale timestamp (1 h old)",
            self.signed_at(stale, now() - 3600),
        ));
        let approve = self.event(
            "ev-approve",
            Some(&self.token),
            "helpdesk.notification.approve_v1",
        );
        cases.push(("unregistered event type", self.signed(self.wrap(&approve))));
        cases.push((
            "non-JSON body, signed",
            self.signed(b"this is not json".to_vec()),
        ));
        cases
    }
}

/// The ticket event with its status changed to 51 (closed by an agent).
fn closed(plaintext: &[u8]) -> Vec<u8> {
    let text = String::from_utf8(plaintext.to_vec()).expect("UTF-8");
    let changed = text.replacen("\"status\":1,", "\"status\":51,", 1);
    assert_ne!(changed, text, "the fixture's status changed");
    changed.into_bytes()
}
