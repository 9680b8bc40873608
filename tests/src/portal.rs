//! A captive portal, as hotels, cafés and guest Wi-Fi run them: whatever is
//! asked, it answers with its own sign-in page (200, `text/html`, no CORS
//! header). The lab's router sends a port to it (see
//! [`CaptivePortal::intercepting`]).

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use anyhow::Result;

use crate::lab::RouterLab;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

const SIGN_IN_PAGE: &str = "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n\
Content-Length: 63\r\nConnection: close\r\n\r\n\
<!doctype html><title>Guest Wi-Fi</title><p>Please sign in.</p>";

/// Longest request head read; the portal answers whatever it was.
const MAX_HEAD: usize = 16 * 1024;

/// Serves the sign-in page until dropped.
pub struct CaptivePortal {
    task: tokio::task::JoinHandle<()>,
    answered: Arc<AtomicUsize>,
}

impl CaptivePortal {
    /// Serves on `listener`, already bound wherever the portal lives (the
    /// router's namespace), on the current tokio runtime.
    pub fn serve(listener: std::net::TcpListener) -> Result<CaptivePortal> {
        listener.set_nonblocking(true)?;
        let listener = TcpListener::from_std(listener)?;
        let answered = Arc::new(AtomicUsize::new(0));
        let count = answered.clone();
        let task = tokio::spawn(async move {
            while let Ok((mut stream, _)) = listener.accept().await {
                let count = count.clone();
                tokio::spawn(async move {
                    let mut head = Vec::new();
                    let mut buffer = [0u8; 2048];
                    let read_head = async {
                        while !head.windows(4).any(|w| w == b"\r\n\r\n") && head.len() < MAX_HEAD {
                            match stream.read(&mut buffer).await {
                                Ok(0) | Err(_) => return false,
                                Ok(n) => head.extend_from_slice(&buffer[..n]),
                            }
                        }
                        true
                    };
                    let Ok(true) = tokio::time::timeout(Duration::from_secs(5), read_head).await
                    else {
                        return;
                    };
                    if stream.write_all(SIGN_IN_PAGE.as_bytes()).await.is_ok() {
                        count.fetch_add(1, Ordering::Relaxed);
                    }
                    let _ = stream.shutdown().await;
                });
            }
        });
        Ok(CaptivePortal { task, answered })
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
        self.answered.load(Ordering::Relaxed)
    }
}

impl Drop for CaptivePortal {
    fn drop(&mut self) {
        self.task.abort();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sign_in_page_says_its_own_length() {
        let (_, body) = SIGN_IN_PAGE.split_once("\r\n\r\n").unwrap();
        assert!(SIGN_IN_PAGE.contains(&format!("Content-Length: {}\r\n", body.len())));
    }
}
