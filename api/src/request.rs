//! What every write route checks of a request before it acts: where it
//! comes from, what it says it carries, and a body read within bounds.

use axum::body::{Body, Bytes};
use axum::http::{header, HeaderMap, HeaderName, Uri};

use crate::ApiError;

/// A write must come from this server's own page (the checker, embedded or
/// not) or from a checker this server serves as a probe node
/// (`app_origins`), so no other site can make its visitors act here: JSON
/// only (a cross-site JSON POST needs a CORS preflight, which is granted to
/// those origins alone) and, where the browser names it, an allowed origin.
pub fn from_own_page(
    uri: &Uri,
    headers: &HeaderMap,
    app_origins: &[String],
) -> Result<(), ApiError> {
    let text = |name| headers.get(name).and_then(|v| v.to_str().ok());
    let content_type = text(header::CONTENT_TYPE).unwrap_or("nothing");
    let essence = content_type.split(';').next().unwrap_or_default().trim();
    if !essence.eq_ignore_ascii_case("application/json") {
        return Err(ApiError::NotJson(content_type.to_owned()));
    }
    // A probe node's checker is another site, by design.
    if text(header::ORIGIN).is_some_and(|origin| app_origins.iter().any(|o| o == origin)) {
        return Ok(());
    }
    if text(HeaderName::from_static("sec-fetch-site")) == Some("cross-site") {
        return Err(ApiError::ForeignOrigin("another site".into()));
    }
    if let Some(origin) = text(header::ORIGIN) {
        // "https://host:port" against the host the request was sent to
        // (Host in HTTP/1.1, the authority in HTTP/2).
        let origin_host = origin.split_once("://").map(|(_, host)| host);
        let host = text(header::HOST).or(uri.authority().map(|a| a.as_str()));
        if origin_host.is_none() || origin_host != host {
            return Err(ApiError::ForeignOrigin(origin.to_owned()));
        }
    }
    Ok(())
}

/// `Content-Length`, when the request states one.
pub fn declared_length(headers: &HeaderMap) -> Option<u64> {
    headers
        .get(header::CONTENT_LENGTH)?
        .to_str()
        .ok()?
        .parse()
        .ok()
}

/// Reads a body of at most `max` bytes: a larger one is refused as soon as
/// it passes the limit, whatever it declared.
pub async fn read_limited(body: Body, max: usize) -> Result<Bytes, ApiError> {
    axum::body::to_bytes(body, max).await.map_err(|error| {
        // to_bytes reports the limit as a length-limit error in its source chain.
        let too_large =
            std::iter::successors(Some(&error as &dyn std::error::Error), |e| e.source())
                .any(|e| e.is::<http_body_util::LengthLimitError>());
        if too_large {
            ApiError::TooLarge { max }
        } else {
            ApiError::BadResult(format!("the body could not be read: {error}"))
        }
    })
}
