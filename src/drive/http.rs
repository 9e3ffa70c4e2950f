//! Posting to the user's handler: one request, its answer (status, body,
//! time) or why there is none. Redirects are answers, not followed; no
//! proxy from the environment (the handler is usually on this machine);
//! `https://` trusts the system's store and `SSL_CERT_FILE`, as
//! `subscribe` does.

use std::time::{Duration, Instant};

use ureq::Agent;

/// The most of an answer's body read.
const MAX_ANSWER: u64 = 1024 * 1024;

/// A handler's answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Answer {
    pub status: u16,
    pub body: Vec<u8>,
    pub elapsed: Duration,
}

impl Answer {
    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }
}

/// A request that got no answer, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NoAnswer {
    pub why: String,
    pub elapsed: Duration,
    /// The time limit ran out (rather than the connection failing).
    pub timed_out: bool,
}

pub struct Poster {
    agent: Agent,
    url: String,
    /// The host is this machine (loopback or localhost).
    local: bool,
    pub max_time: Duration,
}

impl Poster {
    pub fn new(url: &str, max_time: Duration) -> anyhow::Result<Poster> {
        let parsed: ureq::http::Uri = url
            .parse()
            .map_err(|e| anyhow::anyhow!("{url:?} is not a URL: {e}"))?;
        let tls = match parsed.scheme_str() {
            Some("http") => false,
            Some("https") => true,
            _ => anyhow::bail!("the URL must start with http:// or https://, got {url:?}"),
        };
        let host = parsed.host().unwrap_or("");
        if host.is_empty() {
            anyhow::bail!("{url:?} has no host");
        }
        let bare = host.trim_start_matches('[').trim_end_matches(']');
        let local = bare.eq_ignore_ascii_case("localhost")
            || bare
                .parse::<std::net::IpAddr>()
                .is_ok_and(|ip| ip.is_loopback() || ip.is_unspecified());
        if parsed.authority().is_some_and(|a| a.as_str().contains('@')) {
            anyhow::bail!("the URL must not carry credentials (user:password@)");
        }
        let mut config = Agent::config_builder()
            .http_status_as_error(false)
            .max_redirects(0)
            .proxy(None)
            .timeout_global(Some(max_time))
            .user_agent(concat!("lark-ticket/", env!("CARGO_PKG_VERSION")));
        if tls {
            config = config.tls_config(crate::subscribe::tls::ureq_config()?);
        }
        Ok(Poster {
            agent: config.build().into(),
            url: url.to_string(),
            local,
            max_time,
        })
    }

    pub fn url(&self) -> &str {
        &self.url
    }

    /// Whether the URL names this machine (loopback or localhost).
    pub fn is_local(&self) -> bool {
        self.local
    }

    /// POSTs `body` with `headers`, in order.
    pub fn post(&self, headers: &[(String, String)], body: &[u8]) -> Result<Answer, NoAnswer> {
        let started = Instant::now();
        let fail = |why: String, timed_out: bool| NoAnswer {
            why,
            elapsed: started.elapsed(),
            timed_out,
        };
        let mut request = self.agent.post(&self.url);
        for (name, value) in headers {
            request = request.header(name.as_str(), value.as_str());
        }
        let mut response = request.send(body).map_err(|e| {
            let timed_out = matches!(e, ureq::Error::Timeout(_));
            fail(e.to_string(), timed_out)
        })?;
        let status = response.status().as_u16();
        let body = response
            .body_mut()
            .with_config()
            .limit(MAX_ANSWER)
            .read_to_vec()
            .map_err(|e| {
                let timed_out = matches!(e, ureq::Error::Timeout(_));
                fail(format!("reading the answer: {e}"), timed_out)
            })?;
        Ok(Answer {
            status,
            body,
            elapsed: started.elapsed(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls() {
        let t = Duration::from_secs(1);
        assert!(
            Poster::new("http://127.0.0.1:3000/webhook/event", t)
                .unwrap()
                .is_local()
        );
        assert!(Poster::new("http://localhost/x", t).unwrap().is_local());
        assert!(Poster::new("http://[::1]:8/x", t).unwrap().is_local());
        assert!(!Poster::new("http://example.com/x", t).unwrap().is_local());
        for bad in ["ftp://x/", "127.0.0.1:3000", "http://", "http://u:p@h/"] {
            assert!(Poster::new(bad, t).is_err(), "{bad}");
        }
    }
}
