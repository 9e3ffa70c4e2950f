//! The local receiver behind `listen`: an HTTP/1.1 listener (here), each
//! request from accept to answer ([`serve`]), read ([`request`]), decided
//! ([`answer`]), captured ([`capture`]), forwarded to the user's handler
//! ([`forward`]) and answered ([`response`]). It answers with data; how a
//! request is shown is `render::delivery`'s.
//!
//! The HTTP layer is `httparse` (the request parser hyper uses; already in
//! the tree through ureq) over `std::net`, not a server crate: owning the
//! socket is what bounds every read by a deadline, refuses an oversized
//! Content-Length without reading the body, and keeps header names exactly
//! as received.

pub mod answer;
pub mod capture;
pub mod forward;
pub mod request;
pub mod response;
pub mod serve;

use std::io;
use std::net::{SocketAddr, TcpListener, TcpStream, ToSocketAddrs};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use crate::diagnostics;

use anyhow::Context;

/// The default bound on a request body (`--max-body-size`).
pub const DEFAULT_MAX_BODY: usize = 1024 * 1024;
/// How long the user's handler has to answer a forwarded request. The
/// platform itself gives up after 3 s; a slower answer is still shown.
pub const FORWARD_TIMEOUT: Duration = Duration::from_secs(10);
/// The platform's deadline for an answer.
pub const PLATFORM_DEADLINE: Duration = Duration::from_secs(3);

/// How often a blocked accept looks at the stop flag.
const POLL: Duration = Duration::from_millis(25);

pub struct Listener {
    listener: TcpListener,
    pub addr: SocketAddr,
}

impl Listener {
    pub fn bind(addr: &str) -> anyhow::Result<Listener> {
        let addrs: Vec<SocketAddr> = addr
            .to_socket_addrs()
            .with_context(|| format!("--addr {addr:?} is not HOST:PORT"))?
            .collect();
        let listener = TcpListener::bind(addrs.as_slice())
            .with_context(|| format!("cannot listen on {addr}"))?;
        // Non-blocking accept, so Ctrl-C is noticed between requests.
        listener.set_nonblocking(true)?;
        let addr = listener.local_addr()?;
        Ok(Listener { listener, addr })
    }

    /// The next connection, or `None` once `stop` is set. A failed accept
    /// (out of file descriptors and the like) is returned after a pause,
    /// for the caller to report before it goes on.
    pub fn accept(&self, stop: &AtomicBool) -> Option<io::Result<TcpStream>> {
        while !stop.load(Ordering::SeqCst) {
            match self.listener.accept() {
                Ok((stream, _)) => return Some(Ok(stream)),
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => std::thread::sleep(POLL),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => {
                    std::thread::sleep(POLL * 4);
                    return Some(Err(e));
                }
            }
        }
        None
    }
}

/// A flag set by Ctrl-C (SIGINT), SIGTERM or SIGHUP. Installing the handler
/// twice is harmless.
pub fn stop_on_ctrl_c() -> Arc<AtomicBool> {
    static STOP: std::sync::OnceLock<Arc<AtomicBool>> = std::sync::OnceLock::new();
    STOP.get_or_init(|| {
        let flag = Arc::new(AtomicBool::new(false));
        let set = flag.clone();
        if let Err(e) = ctrlc::set_handler(move || set.store(true, Ordering::SeqCst)) {
            diagnostics::warning(format_args!("cannot catch Ctrl-C: {e}"));
        }
        flag
    })
    .clone()
}
