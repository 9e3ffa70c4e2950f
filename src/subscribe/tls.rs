//! TLS for discovery and the WebSocket: rustls (ring), trusting the
//! system's certificate store through `rustls-native-certs`, which also
//! honours `SSL_CERT_FILE` and `SSL_CERT_DIR` (corporate proxies that
//! re-sign TLS hand out their CA that way). Loaded once, lazily: a run
//! against `http://` never reads the store.

use std::sync::{Arc, OnceLock};

use rustls::pki_types::CertificateDer;

/// The trusted roots, and a note when some could not be loaded.
pub struct Roots {
    pub certs: Vec<CertificateDer<'static>>,
    pub problems: Vec<String>,
}

pub fn roots() -> &'static Roots {
    static ROOTS: OnceLock<Roots> = OnceLock::new();
    ROOTS.get_or_init(|| {
        let found = rustls_native_certs::load_native_certs();
        Roots {
            certs: found.certs,
            problems: found.errors.iter().map(ToString::to_string).collect(),
        }
    })
}

/// The rustls configuration of a WebSocket over TLS.
pub fn client_config() -> anyhow::Result<Arc<rustls::ClientConfig>> {
    let roots = roots();
    let mut store = rustls::RootCertStore::empty();
    let (_added, _ignored) = store.add_parsable_certificates(roots.certs.iter().cloned());
    if store.is_empty() {
        anyhow::bail!("{}", no_roots(roots));
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()?
        .with_root_certificates(store)
        .with_no_client_auth();
    Ok(Arc::new(config))
}

/// Endpoint discovery's TLS settings: the same roots.
pub fn ureq_config() -> anyhow::Result<ureq::tls::TlsConfig> {
    use ureq::tls::{Certificate, RootCerts, TlsConfig, TlsProvider};
    let roots = roots();
    if roots.certs.is_empty() {
        anyhow::bail!("{}", no_roots(roots));
    }
    let certs: Vec<Certificate<'static>> = roots
        .certs
        .iter()
        .map(|c| Certificate::from_der(c.as_ref()).to_owned())
        .collect();
    Ok(TlsConfig::builder()
        .provider(TlsProvider::Rustls)
        .root_certs(RootCerts::Specific(Arc::new(certs)))
        .build())
}

fn no_roots(roots: &Roots) -> String {
    let mut why = "no trusted certificate authority found: install the system's CA \
                   certificates (ca-certificates), or name a PEM file with SSL_CERT_FILE"
        .to_string();
    if !roots.problems.is_empty() {
        why.push_str(&format!(" ({})", roots.problems.join("; ")));
    }
    why
}
