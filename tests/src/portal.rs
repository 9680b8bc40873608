//! A captive portal, as hotels, cafés and guest Wi-Fi run them: whatever is
//! asked, it answers with its own sign-in page (200, `text/html`, no CORS
//! header). The lab's router sends a port to it (see
//! [`CaptivePortal::intercepting`]).

use anyhow::Result;

use crate::lab::RouterLab;
use crate::site::Site;

const SIGN_IN_PAGE: &str = "<!doctype html><title>Guest Wi-Fi</title><p>Please sign in.</p>";

/// Serves the sign-in page until dropped.
pub struct CaptivePortal(Site);

impl CaptivePortal {
    /// Serves on `listener`, already bound wherever the portal lives (the
    /// router's namespace), on the current tokio runtime.
    pub fn serve(listener: std::net::TcpListener) -> Result<CaptivePortal> {
        Site::serve(listener, |_| {
            Some(("text/html; charset=utf-8", SIGN_IN_PAGE.as_bytes().to_vec()))
        })
        .map(CaptivePortal)
    }

    /// A portal on the lab's router that catches the home network's TCP
    /// `port` (on the router's own port 8000).
    pub fn intercepting(lab: &RouterLab, port: u16) -> Result<CaptivePortal> {
        const PORTAL_PORT: u16 = 8000;
        let portal = CaptivePortal::serve(lab.listen_in_router(PORTAL_PORT)?)?;
        lab.redirect_tcp_to_router(port, PORTAL_PORT)?;
        Ok(portal)
    }

    /// How many requests got the sign-in page.
    pub fn answered(&self) -> usize {
        self.0.answered()
    }
}
