//! The server's ClientConfig (in discovery's answer and in pongs): ping
//! interval and reconnect policy, in seconds. Values are bounded, so a
//! hostile or broken server cannot make the client spin or sleep for ages.

use std::time::Duration;

use serde_json::Value;

/// The longest wait any ClientConfig value may ask for: one day.
const MAX_SECONDS: u64 = 24 * 60 * 60;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ClientConfig {
    /// Attempts after a drop; `None` for "retry forever" (-1).
    pub reconnect_count: Option<u64>,
    pub reconnect_interval: Duration,
    pub reconnect_nonce: Duration,
    pub ping_interval: Duration,
}

impl Default for ClientConfig {
    /// The SDKs' defaults, used until the server says otherwise.
    fn default() -> ClientConfig {
        ClientConfig {
            reconnect_count: None,
            reconnect_interval: Duration::from_secs(120),
            reconnect_nonce: Duration::from_secs(30),
            ping_interval: Duration::from_secs(120),
        }
    }
}

impl ClientConfig {
    /// Applies the members present in a ClientConfig object; others keep
    /// their value. Returns whether the value was an object.
    pub fn apply(&mut self, value: &Value) -> bool {
        let Some(object) = value.as_object() else {
            return false;
        };
        let seconds = |key: &str, least: u64| {
            object
                .get(key)
                .and_then(Value::as_i64)
                .map(|s| Duration::from_secs(s.clamp(least as i64, MAX_SECONDS as i64) as u64))
        };
        if let Some(count) = object.get("ReconnectCount").and_then(Value::as_i64) {
            self.reconnect_count = u64::try_from(count).ok();
        }
        if let Some(d) = seconds("ReconnectInterval", 0) {
            self.reconnect_interval = d;
        }
        if let Some(d) = seconds("ReconnectNonce", 0) {
            self.reconnect_nonce = d;
        }
        if let Some(d) = seconds("PingInterval", 1) {
            self.ping_interval = d;
        }
        true
    }

    /// How long a connection may stay silent (no frame at all, pongs
    /// included) before it is taken for dead: two ping intervals and 5 s
    /// more, so one lost pong is forgiven.
    pub fn silence_limit(&self) -> Duration {
        self.ping_interval * 2 + Duration::from_secs(5)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn applies_what_is_present_and_bounds_it() {
        let mut c = ClientConfig::default();
        assert!(c.apply(&json!({"PingInterval": 3, "ReconnectCount": 2})));
        assert_eq!(c.ping_interval, Duration::from_secs(3));
        assert_eq!(c.reconnect_count, Some(2));
        assert_eq!(c.reconnect_interval, Duration::from_secs(120));
        assert!(
            c.apply(&json!({"PingInterval": 0, "ReconnectInterval": i64::MAX,
            "ReconnectNonce": -5, "ReconnectCount": -1}))
        );
        assert_eq!(c.ping_interval, Duration::from_secs(1));
        assert_eq!(c.reconnect_interval, Duration::from_secs(MAX_SECONDS));
        assert_eq!(c.reconnect_nonce, Duration::ZERO);
        assert_eq!(c.reconnect_count, None);
        assert!(!c.apply(&json!("PingInterval")));
        assert_eq!(c.silence_limit(), Duration::from_secs(7));
    }
}
