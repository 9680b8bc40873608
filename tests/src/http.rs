//! A tiny HTTP/1.1 client for talking to the worker from tests, without a
//! browser. One request per connection, bounded in time.

use std::time::Duration;

use anyhow::{bail, Context, Result};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

pub struct Response {
    pub status: u16,
    pub head: String,
    pub body: String,
}

impl Response {
    /// Whether the head has `line` (`name: value`, compared in lower case).
    pub fn has_header(&self, line: &str) -> bool {
        self.head
            .to_ascii_lowercase()
            .contains(&line.to_ascii_lowercase())
    }
}

/// Sends `raw` (a whole request) to `addr` and reads until the server closes.
pub async fn exchange(addr: &str, raw: &[u8]) -> Result<Response> {
    let work = async {
        let mut stream = TcpStream::connect(addr)
            .await
            .with_context(|| format!("connect {addr}"))?;
        stream.write_all(raw).await?;
        let mut bytes = Vec::new();
        stream.read_to_end(&mut bytes).await?;
        anyhow::Ok(bytes)
    };
    let bytes = tokio::time::timeout(Duration::from_secs(10), work)
        .await
        .context("the server did not answer within 10 s")??;
    let text = String::from_utf8_lossy(&bytes).into_owned();
    let Some((head, body)) = text.split_once("\r\n\r\n") else {
        bail!("not an HTTP response: {text:?}");
    };
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .with_context(|| format!("no status in {head:?}"))?;
    let chunked = head.lines().any(|line| {
        line.split_once(':').is_some_and(|(name, value)| {
            name.eq_ignore_ascii_case("transfer-encoding") && value.trim() == "chunked"
        })
    });
    let body = if chunked {
        dechunk(body).with_context(|| format!("a broken chunked body: {body:?}"))?
    } else {
        body.to_owned()
    };
    Ok(Response {
        status,
        head: head.to_owned(),
        body,
    })
}

/// A chunked body's data (workerd chunks what it does not know the length
/// of; the native worker sends lengths).
fn dechunk(mut rest: &str) -> Option<String> {
    let mut body = String::new();
    loop {
        let (size, after) = rest.split_once("\r\n")?;
        let size = usize::from_str_radix(size.split(';').next()?.trim(), 16).ok()?;
        if size == 0 {
            return Some(body);
        }
        body.push_str(after.get(..size)?);
        rest = after.get(size..)?.strip_prefix("\r\n")?;
    }
}

/// Waits until the server `what` on `addr` answers `GET /api/config` with
/// 200, within `within`; `exited` says whether its process ended meanwhile
/// (then nothing will answer).
pub async fn wait_until_serving(
    what: &str,
    addr: &str,
    within: Duration,
    mut exited: impl FnMut() -> Result<Option<std::process::ExitStatus>>,
) -> Result<()> {
    let deadline = std::time::Instant::now() + within;
    loop {
        if let Ok(response) = get(addr, "/api/config").await {
            if response.status == 200 {
                return Ok(());
            }
        }
        if let Some(status) = exited()? {
            bail!("{what} exited at start-up ({status})");
        }
        if std::time::Instant::now() > deadline {
            bail!(
                "{what} did not answer on {addr} within {} s",
                within.as_secs()
            );
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

pub async fn get(addr: &str, path: &str) -> Result<Response> {
    let request = format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n");
    exchange(addr, request.as_bytes()).await
}

/// The sum of the samples on the lines of a `/metrics` body that start
/// with `prefix` (a name, or a name and some of its labels); `None` when
/// no line does.
pub fn metric_total(metrics: &str, prefix: &str) -> Option<u64> {
    let mut samples = metrics
        .lines()
        .filter(|line| line.starts_with(prefix))
        .filter_map(|line| line.rsplit(' ').next()?.parse::<u64>().ok())
        .peekable();
    samples.peek()?;
    Some(samples.sum())
}

#[cfg(test)]
mod tests {
    use super::dechunk;

    #[test]
    fn chunked_bodies_are_joined_and_broken_ones_refused() {
        assert_eq!(
            dechunk("4\r\nWiki\r\n6;x=1\r\npédia\r\n0\r\n\r\n").as_deref(),
            Some("Wikipédia")
        );
        assert_eq!(dechunk("5\r\nabc"), None);
        assert_eq!(dechunk("zz\r\nabc\r\n"), None);
    }
}
