//! The URLs of the long connection: the base URL endpoint discovery posts
//! to (`--domain`), and the WebSocket URL it returns, which is opaque
//! (connected to exactly as given) but carries credentials in its query
//! (`access_key`, `ticket`) that are never shown, and the `service_id`
//! every ping names.

use std::fmt;

/// Query parameters whose values are never shown.
const SECRET_PARAMS: &[&str] = &[
    "access_key",
    "ticket",
    "token",
    "secret",
    "sign",
    "signature",
];

/// `--domain`: where endpoint discovery posts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Domain {
    /// Scheme, host and optional port and path, without a trailing `/`.
    base: String,
}

impl Domain {
    pub const FEISHU: &str = "https://open.feishu.cn";
    pub const LARK: &str = "https://open.larksuite.com";

    /// `feishu`, `lark`, or an `http://` or `https://` base URL.
    pub fn parse(given: &str) -> Result<Domain, String> {
        let base = match given {
            "feishu" => Domain::FEISHU,
            "lark" => Domain::LARK,
            url => url,
        };
        let Some((scheme, rest)) = base.split_once("://") else {
            return Err(format!(
                "--domain must be feishu, lark, or a URL starting with https:// or http://, got {given:?}"
            ));
        };
        if !matches!(scheme.to_ascii_lowercase().as_str(), "http" | "https") {
            return Err(format!(
                "--domain must be an https:// or http:// URL, got scheme {scheme:?}"
            ));
        }
        let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
        if authority.is_empty() {
            return Err("--domain has no host".to_string());
        }
        if authority.contains('@') {
            return Err("--domain must not carry credentials (user:password@)".to_string());
        }
        if rest.contains(['?', '#']) {
            return Err("--domain must be a base URL, without a query or fragment".to_string());
        }
        Ok(Domain {
            base: base.trim_end_matches('/').to_string(),
        })
    }

    /// The endpoint discovery URL.
    pub fn endpoint(&self) -> String {
        format!("{}/callback/ws/endpoint", self.base)
    }
}

impl fmt::Display for Domain {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.base)
    }
}

/// The WebSocket URL discovery returned.
#[derive(Clone, PartialEq, Eq)]
pub struct WsUrl {
    url: String,
    pub tls: bool,
    pub host: String,
    pub port: u16,
    /// Every ping carries it; 0 when the URL has none.
    pub service_id: i32,
    pub device_id: Option<String>,
}

impl WsUrl {
    pub fn parse(url: &str) -> Result<WsUrl, String> {
        let (scheme, rest) = url
            .split_once("://")
            .ok_or("the WebSocket URL has no scheme")?;
        let tls = match scheme.to_ascii_lowercase().as_str() {
            "wss" => true,
            "ws" => false,
            _ => {
                return Err(format!(
                    "the WebSocket URL's scheme is {scheme:?}, not wss or ws"
                ));
            }
        };
        let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
        let hostport = authority.rsplit('@').next().unwrap_or(authority);
        let (host, port) = split_host_port(hostport).ok_or("the WebSocket URL has a bad host")?;
        let query = rest.split_once('?').map_or("", |(_, q)| q);
        let query = query.split('#').next().unwrap_or("");
        let param = |name: &str| {
            query
                .split('&')
                .filter_map(|pair| pair.split_once('='))
                .find(|(k, _)| *k == name)
                .map(|(_, v)| v.to_string())
        };
        Ok(WsUrl {
            url: url.to_string(),
            tls,
            host,
            port: port.unwrap_or(if tls { 443 } else { 80 }),
            service_id: param("service_id")
                .and_then(|s| s.parse().ok())
                .unwrap_or(0),
            device_id: param("device_id"),
        })
    }

    /// The URL to connect to, exactly as given. Never to be shown: see
    /// [`WsUrl`]'s Display.
    pub fn expose(&self) -> &str {
        &self.url
    }
}

/// `host[:port]`, with IPv6 in brackets.
fn split_host_port(s: &str) -> Option<(String, Option<u16>)> {
    let (host, port) = if let Some(rest) = s.strip_prefix('[') {
        let (host, after) = rest.split_once(']')?;
        (host, after.strip_prefix(':'))
    } else {
        match s.rsplit_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (s, None),
        }
    };
    if host.is_empty() {
        return None;
    }
    let port = match port {
        Some(p) => Some(p.parse().ok()?),
        None => None,
    };
    Some((host.to_string(), port))
}

/// The URL with every credential in it replaced by `[redacted]`.
impl fmt::Display for WsUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (before, fragment) = match self.url.split_once('#') {
            Some((b, _)) => (b, true),
            None => (self.url.as_str(), false),
        };
        let (base, query) = before.split_once('?').unwrap_or((before, ""));
        let base = match base.split_once("://") {
            Some((scheme, rest)) if rest.split('/').next().is_some_and(|a| a.contains('@')) => {
                let after = rest.split_once('@').map_or("", |(_, a)| a);
                format!("{scheme}://[redacted]@{after}")
            }
            _ => base.to_string(),
        };
        f.write_str(&base)?;
        for (i, pair) in query.split('&').filter(|p| !p.is_empty()).enumerate() {
            f.write_str(if i == 0 { "?" } else { "&" })?;
            match pair.split_once('=') {
                Some((k, _)) if SECRET_PARAMS.iter().any(|s| k.eq_ignore_ascii_case(s)) => {
                    write!(f, "{k}=[redacted]")?
                }
                _ => f.write_str(pair)?,
            }
        }
        if fragment {
            f.write_str("#[redacted]")?;
        }
        Ok(())
    }
}

impl fmt::Debug for WsUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "WsUrl({self})")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn domains() {
        assert_eq!(
            Domain::parse("feishu").unwrap().endpoint(),
            "https://open.feishu.cn/callback/ws/endpoint"
        );
        assert_eq!(Domain::parse("lark").unwrap().to_string(), Domain::LARK);
        assert_eq!(
            Domain::parse("http://127.0.0.1:9/").unwrap().endpoint(),
            "http://127.0.0.1:9/callback/ws/endpoint"
        );
        for bad in [
            "open.feishu.cn",
            "ftp://x",
            "https://",
            "https://u:p@x",
            "http://x?a=1",
        ] {
            assert!(Domain::parse(bad).is_err(), "{bad}");
        }
        let e = Domain::parse("https://u:hunter2@x").unwrap_err();
        assert!(!e.contains("hunter2"));
    }

    #[test]
    fn ws_urls_are_read_and_shown_without_credentials() {
        let u = WsUrl::parse(
            "wss://msg-frontier.feishu.cn/ws/v2?fpid=493&aid=552564&device_id=7&access_key=AK1&service_id=33554678&ticket=T1",
        )
        .unwrap();
        assert!(u.tls);
        assert_eq!((u.host.as_str(), u.port), ("msg-frontier.feishu.cn", 443));
        assert_eq!(u.service_id, 33554678);
        assert_eq!(u.device_id.as_deref(), Some("7"));
        let shown = format!("{u} {u:?}");
        assert!(!shown.contains("AK1") && !shown.contains("T1"), "{shown}");
        assert!(shown.contains("access_key=[redacted]"));
        let u = WsUrl::parse("ws://u:pw@[::1]:8080/ws?Ticket=x#frag").unwrap();
        assert_eq!((u.host.as_str(), u.port, u.tls), ("::1", 8080, false));
        assert_eq!(u.service_id, 0);
        assert_eq!(
            u.to_string(),
            "ws://[redacted]@[::1]:8080/ws?Ticket=[redacted]#[redacted]"
        );
        for bad in ["http://x/ws", "wss://", "ws://x:99999/", "nothing"] {
            assert!(WsUrl::parse(bad).is_err(), "{bad}");
        }
    }
}
