//! Small web sites the tests need beside Doorway: a vendor's support
//! article on another origin (the embed seen as vendors have it), and a
//! captive portal (`portal.rs`). HTTP/1.1, one answer per connection.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, Result};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// Longest request head read.
const MAX_HEAD: usize = 16 * 1024;

/// One answer: content type and body.
pub type Page = (&'static str, Vec<u8>);

/// Serves until dropped; counts the answers given.
pub struct Site {
    task: tokio::task::JoinHandle<()>,
    answered: Arc<AtomicUsize>,
    pub address: SocketAddr,
}

impl Site {
    /// Answers every request with what `answer` gives for its path (query
    /// left out); `None` is a 404. `listener` is already bound wherever the
    /// site lives; it is served on the current tokio runtime.
    pub fn serve(
        listener: std::net::TcpListener,
        answer: impl Fn(&str) -> Option<Page> + Send + Sync + 'static,
    ) -> Result<Site> {
        listener.set_nonblocking(true)?;
        let address = listener.local_addr()?;
        let listener = TcpListener::from_std(listener)?;
        let answered = Arc::new(AtomicUsize::new(0));
        let (count, answer) = (answered.clone(), Arc::new(answer));
        let task = tokio::spawn(async move {
            while let Ok((mut stream, _)) = listener.accept().await {
                let (count, answer) = (count.clone(), answer.clone());
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
                    let target = String::from_utf8_lossy(&head)
                        .split_whitespace()
                        .nth(1)
                        .unwrap_or("/")
                        .to_owned();
                    let path = target.split('?').next().unwrap_or("/");
                    let (status, (content_type, body)) = match answer(path) {
                        Some(page) => ("200 OK", page),
                        None => ("404 Not Found", ("text/plain", b"not here".to_vec())),
                    };
                    let response = [
                        format!(
                            "HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\n\
                             Content-Length: {}\r\nConnection: close\r\n\r\n",
                            body.len()
                        )
                        .into_bytes(),
                        body,
                    ]
                    .concat();
                    if stream.write_all(&response).await.is_ok() {
                        count.fetch_add(1, Ordering::Relaxed);
                    }
                    let _ = stream.shutdown().await;
                });
            }
        });
        Ok(Site {
            task,
            answered,
            address,
        })
    }

    /// Fixed pages by path, on a new loopback port: another origin than
    /// Doorway's.
    pub fn pages(pages: HashMap<String, Page>) -> Result<Site> {
        let listener =
            std::net::TcpListener::bind("127.0.0.1:0").context("binding a loopback port")?;
        Site::serve(listener, move |path| pages.get(path).cloned())
    }

    /// `http://127.0.0.1:PORT` + `path_and_query`.
    pub fn url(&self, path_and_query: &str) -> String {
        format!("http://{}{path_and_query}", self.address)
    }

    /// How many requests got an answer.
    pub fn answered(&self) -> usize {
        self.answered.load(Ordering::Relaxed)
    }
}

impl Drop for Site {
    fn drop(&mut self) {
        self.task.abort();
    }
}
