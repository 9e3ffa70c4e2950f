//! `--forward-to URL`: the exact body and headers, re-sent to the user's own
//! handler, and its answer brought back to relay.

use std::time::Duration;

use ureq::Agent;

use super::request::Head;
use super::response::Response;

/// Headers that describe one hop, not the request: the client sets its own.
pub const HOP_BY_HOP: &[&str] = &[
    "host",
    "content-length",
    "transfer-encoding",
    "connection",
    "keep-alive",
    "expect",
    "upgrade",
    "te",
    "trailer",
    "proxy-connection",
    "proxy-authorization",
];

pub struct Forwarder {
    agent: Agent,
    url: String,
    max_body: u64,
}

impl Forwarder {
    /// `timeout` bounds the whole exchange: the platform gives up after 3 s.
    pub fn new(url: &str, timeout: Duration, max_body: usize) -> anyhow::Result<Forwarder> {
        let parsed: ureq::http::Uri = url
            .parse()
            .map_err(|e| anyhow::anyhow!("--forward-to {url:?} is not a URL: {e}"))?;
        match parsed.scheme_str() {
            Some("http") => {}
            Some("https") => anyhow::bail!(
                "--forward-to {url:?}: https is not supported; forward to your handler's plain http address on this machine"
            ),
            _ => anyhow::bail!("--forward-to {url:?} must start with http://"),
        }
        if parsed.host().is_none() {
            anyhow::bail!("--forward-to {url:?} has no host");
        }
        let agent = Agent::config_builder()
            // The handler's 4xx and 5xx are answers to relay, not errors.
            .http_status_as_error(false)
            // A redirect is relayed too, not followed.
            .max_redirects(0)
            // The handler is local: never route it through an HTTP_PROXY.
            .proxy(None)
            .timeout_global(Some(timeout))
            .build()
            .into();
        Ok(Forwarder {
            agent,
            url: url.to_string(),
            max_body: max_body as u64,
        })
    }

    pub fn url(&self) -> &str {
        &self.url
    }

    /// Sends the request on and returns the handler's answer.
    pub fn forward(&self, head: &Head, body: &[u8]) -> Result<Response, String> {
        let mut request = self.agent.post(&self.url);
        for (name, value) in &head.headers {
            if !HOP_BY_HOP.contains(&name.to_ascii_lowercase().as_str()) {
                request = request.header(name.as_str(), value.as_str());
            }
        }
        let mut response = request.send(body).map_err(|e| e.to_string())?;
        let status = response.status().as_u16();
        let content_type = response
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("application/octet-stream")
            .to_string();
        let body = response
            .body_mut()
            .with_config()
            .limit(self.max_body)
            .read_to_vec()
            .map_err(|e| format!("reading the handler's answer: {e}"))?;
        Ok(Response {
            status,
            content_type,
            body,
        })
    }
}
