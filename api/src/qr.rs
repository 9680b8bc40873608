//! `/api/qr.svg`: a QR code of a link to this server, for a phone to open.

use axum::http::{header, HeaderMap, Uri};
use axum::response::{IntoResponse, Response};

use crate::ApiError;

/// The longest link a QR code is drawn for (a result packed into the link
/// by `--no-store` is about 1 KB).
const MAX_QR_TEXT: usize = 2048;

/// `?text=`: the link to draw.
#[derive(serde::Deserialize)]
pub struct QrQuery {
    pub text: String,
}

/// A QR code (SVG) of a link to this server, so a phone can open it: the
/// share link, or the check itself. Only links to the host the request was
/// sent to are drawn, so the server is no QR code maker for other sites.
pub async fn qr_code(
    uri: Uri,
    headers: HeaderMap,
    query: Result<axum::extract::Query<QrQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Response, ApiError> {
    let axum::extract::Query(QrQuery { text }) =
        query.map_err(|_| ApiError::BadQr("give the link as ?text=…".into()))?;
    if text.len() > MAX_QR_TEXT {
        return Err(ApiError::BadQr(format!(
            "the link is longer than {MAX_QR_TEXT} bytes"
        )));
    }
    // HTTP/1.1 names the host in its header, HTTP/2 and the edge in the URI.
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .or_else(|| uri.authority().map(|a| a.as_str()))
        .unwrap_or_default();
    let own = ["http://", "https://"].iter().any(|scheme| {
        text.strip_prefix(scheme)
            .and_then(|rest| rest.strip_prefix(host))
            .is_some_and(|rest| rest.is_empty() || rest.starts_with(['/', '?', '#']))
    });
    if host.is_empty() || !own {
        return Err(ApiError::BadQr(format!(
            "only links to this server ({host}) are drawn"
        )));
    }
    let code = qrcode::QrCode::new(text.as_bytes())
        .map_err(|e| ApiError::BadQr(format!("the link does not fit in a QR code ({e})")))?;
    let svg = code
        .render::<qrcode::render::svg::Color>()
        .min_dimensions(180, 180)
        .quiet_zone(true)
        .build();
    Ok((
        [
            (header::CONTENT_TYPE, "image/svg+xml"),
            // The same link always draws the same code.
            (header::CACHE_CONTROL, "public, max-age=86400"),
        ],
        svg,
    )
        .into_response())
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::extract::Query;
    use axum::http::StatusCode;

    async fn draw(uri: &str, host: Option<&str>, text: &str) -> StatusCode {
        let mut headers = HeaderMap::new();
        if let Some(host) = host {
            headers.insert(header::HOST, host.parse().unwrap());
        }
        let query = Ok(Query(QrQuery { text: text.into() }));
        match qr_code(uri.parse().unwrap(), headers, query).await {
            Ok(response) => response.status(),
            Err(error) => error.into_response().status(),
        }
    }

    #[tokio::test]
    async fn only_links_to_the_host_asked_are_drawn_by_header_or_by_uri() {
        let link = "https://check.example.com/r/abc";
        assert_eq!(
            draw("/api/qr.svg", Some("check.example.com"), link).await,
            StatusCode::OK
        );
        // The edge and HTTP/2 name the host in the URI, not a header.
        let absolute = "https://check.example.com/api/qr.svg";
        assert_eq!(draw(absolute, None, link).await, StatusCode::OK);
        let elsewhere = "https://check.example.com.evil.example/r/abc";
        assert_eq!(
            draw(absolute, None, elsewhere).await,
            StatusCode::BAD_REQUEST
        );
        assert_eq!(
            draw("/api/qr.svg", None, link).await,
            StatusCode::BAD_REQUEST
        );
    }
}
