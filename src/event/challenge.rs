//! The URL challenge's answer: a protocol fact, the exact body a receiver
//! must send back to a `url_verification` request.

use serde_json::json;

/// The exact body a receiver must answer a url_verification request with.
pub fn challenge_response(challenge: Option<&str>) -> String {
    json!({ "challenge": challenge.unwrap_or_default() }).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_with_the_challenge_alone() {
        assert_eq!(challenge_response(Some("a\"b")), r#"{"challenge":"a\"b"}"#);
        assert_eq!(challenge_response(None), r#"{"challenge":""}"#);
    }
}
