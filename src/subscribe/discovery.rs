//! Endpoint discovery: `POST {domain}/callback/ws/endpoint` with the App ID
//! and App Secret, answered with the WebSocket URL to dial and the
//! ClientConfig. Its answers are classified as the SDKs do: an HTTP status
//! other than 200, `code` 1 (busy) or 1000040343 (internal), or an answer
//! without a URL can be retried; any other non-zero `code` is fatal.

use std::time::Duration;

use serde_json::{Value, json};

use super::url::{Domain, WsUrl};
use crate::secret::Secret;

/// The most of discovery's answer read.
const MAX_ANSWER: u64 = 1024 * 1024;
/// How long one discovery request may take.
const TIMEOUT: Duration = Duration::from_secs(15);

/// What discovery gave.
#[derive(Debug)]
pub struct Endpoint {
    pub url: WsUrl,
    /// The ClientConfig object, when the answer had one.
    pub config: Option<Value>,
}

/// Why discovery gave no endpoint.
#[derive(Debug, thiserror::Error)]
pub enum Failure {
    /// Worth another attempt later.
    #[error("{0}")]
    Retry(String),
    /// The platform refused the credentials or the app: no retry helps.
    #[error("{message}")]
    Fatal { code: i64, message: String },
}

pub struct Discovery {
    agent: ureq::Agent,
    endpoint: String,
    body: Vec<u8>,
}

impl Discovery {
    pub fn new(domain: &Domain, app_id: &str, app_secret: &Secret) -> anyhow::Result<Discovery> {
        let mut config = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(TIMEOUT))
            .max_redirects(0)
            .user_agent(concat!("lark-ticket/", env!("CARGO_PKG_VERSION")));
        if domain.to_string().starts_with("https") {
            config = config.tls_config(super::tls::ureq_config()?);
        }
        let body = serde_json::to_vec(&json!({
            "AppID": app_id,
            "AppSecret": app_secret.expose(),
        }))?;
        Ok(Discovery {
            agent: config.build().into(),
            endpoint: domain.endpoint(),
            body,
        })
    }

    /// One discovery request.
    pub fn discover(&self) -> Result<Endpoint, Failure> {
        let answer = self
            .agent
            .post(&self.endpoint)
            .header("Content-Type", "application/json")
            .header("locale", "zh")
            .send(&self.body[..]);
        let mut answer = answer.map_err(|e| {
            Failure::Retry(format!(
                "endpoint discovery at {} failed: {e}",
                self.endpoint
            ))
        })?;
        let status = answer.status().as_u16();
        let bytes = answer
            .body_mut()
            .with_config()
            .limit(MAX_ANSWER)
            .read_to_vec()
            .map_err(|e| Failure::Retry(format!("reading endpoint discovery's answer: {e}")))?;
        classify(status, &bytes)
    }
}

/// Discovery's answer, classified.
pub fn classify(status: u16, body: &[u8]) -> Result<Endpoint, Failure> {
    let value: Option<Value> = serde_json::from_slice(body).ok();
    let msg = value
        .as_ref()
        .and_then(|v| v.get("msg"))
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    if status != 200 {
        return Err(Failure::Retry(format!(
            "endpoint discovery answered HTTP {status}{}",
            said(&msg)
        )));
    }
    let Some(value) = value else {
        return Err(Failure::Retry(
            "endpoint discovery's answer is not JSON".to_string(),
        ));
    };
    let code = match value.get("code") {
        Some(c) => c.as_i64().unwrap_or(-1),
        None => 0,
    };
    match code {
        0 => {}
        1 | 1_000_040_343 => {
            return Err(Failure::Retry(format!(
                "endpoint discovery answered code {code} ({}){}",
                if code == 1 {
                    "the platform is busy"
                } else {
                    "an internal error on the platform"
                },
                said(&msg)
            )));
        }
        _ => {
            return Err(Failure::Fatal {
                code,
                message: fatal_message(code, &msg),
            });
        }
    }
    let data = value.get("data");
    let url = data
        .and_then(|d| d.get("URL"))
        .and_then(Value::as_str)
        .filter(|u| !u.is_empty())
        .ok_or_else(|| Failure::Retry("endpoint discovery's answer has no data.URL".to_string()))?;
    let url = WsUrl::parse(url)
        .map_err(|e| Failure::Retry(format!("endpoint discovery's data.URL: {e}")))?;
    let config = data.and_then(|d| d.get("ClientConfig")).cloned();
    Ok(Endpoint { url, config })
}

/// What to do about a fatal discovery code.
fn fatal_message(code: i64, msg: &str) -> String {
    let advice = match code {
        1_000_040_344 => "the App ID or App Secret is missing",
        _ => {
            "check the App ID and App Secret on the app's Credentials page (Credentials & Basic \
             Info), and that the app is a self-built app set to receive events through the long \
             connection"
        }
    };
    format!(
        "endpoint discovery refused the app: code {code}{}: {advice}",
        said(msg)
    )
}

fn said(msg: &str) -> String {
    if msg.is_empty() {
        String::new()
    } else {
        format!(" ({msg:?})")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fatal(status: u16, body: &str) -> i64 {
        match classify(status, body.as_bytes()) {
            Err(Failure::Fatal { code, .. }) => code,
            other => panic!("{other:?}"),
        }
    }

    fn retry(status: u16, body: &str) -> String {
        match classify(status, body.as_bytes()) {
            Err(Failure::Retry(why)) => why,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn answers_are_classified_as_the_sdks_do() {
        let ok = classify(
            200,
            br#"{"code":0,"data":{"URL":"ws://h:1/ws?service_id=5","ClientConfig":{"PingInterval":9}}}"#,
        )
        .unwrap();
        assert_eq!(ok.url.service_id, 5);
        assert_eq!(ok.config.unwrap()["PingInterval"], 9);
        assert!(retry(500, r#"{"msg":"oops"}"#).contains("HTTP 500 (\"oops\")"));
        assert!(retry(200, r#"{"code":1,"msg":"busy"}"#).contains("code 1"));
        assert!(retry(200, r#"{"code":1000040343}"#).contains("1000040343"));
        assert!(retry(200, r#"{"code":0,"data":{"URL":""}}"#).contains("no data.URL"));
        assert!(retry(200, "<html>").contains("not JSON"));
        assert_eq!(fatal(200, r#"{"code":10003,"msg":"invalid param"}"#), 10003);
        assert_eq!(fatal(200, r#"{"code":1000040344}"#), 1000040344);
        assert_eq!(fatal(200, r#"{"code":"x"}"#), -1);
    }
}
