//! What the app port serves from memory: the built app's files, the page
//! shell, and `/api/config`. Each is held once per content coding (identity,
//! gzip, brotli), compressed at build time or at start-up, never per request,
//! and answered with the coding the browser asks for, an `ETag`, and a cache
//! rule: Trunk's hashed files forever, everything else revalidated.

use std::collections::HashMap;
use std::path::Path;

use axum::body::{Body, Bytes};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

pub use doorway_precompress::Coding;
use doorway_precompress::{
    encode, is_compressed_copy, is_compressible, is_content_hashed, COMPRESSED, IMMUTABLE,
};

use crate::app_files::AppFiles;

/// The codings an `Accept-Encoding` header allows, best first: brotli, then
/// gzip, then identity. A coding with `q=0` is refused; `*` stands for any
/// coding not named. Identity is always the last resort (RFC 9110 §12.5.3).
pub fn acceptable(accept_encoding: Option<&str>) -> Vec<Coding> {
    let Some(header) = accept_encoding else {
        return vec![Coding::Identity];
    };
    let mut named: HashMap<String, bool> = HashMap::new();
    for item in header.split(',') {
        let mut parts = item.split(';');
        let coding = parts.next().unwrap_or_default().trim().to_ascii_lowercase();
        if coding.is_empty() {
            continue;
        }
        let allowed = parts
            .filter_map(|p| p.trim().strip_prefix("q=").or(p.trim().strip_prefix("Q=")))
            .map(|q| q.trim().parse::<f32>().is_ok_and(|q| q > 0.0))
            .next()
            .unwrap_or(true);
        named.insert(coding, allowed);
    }
    let star = named.get("*").copied();
    let allows = |token: &str| named.get(token).copied().or(star).unwrap_or(false);
    let mut codings: Vec<Coding> = [Coding::Brotli, Coding::Gzip]
        .into_iter()
        .filter(|c| allows(c.token()) || (c.token() == "gzip" && allows("x-gzip")))
        .collect();
    codings.push(Coding::Identity);
    codings
}

/// How long a browser may keep an answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CacheRule {
    /// A file whose name carries its content hash: it never changes.
    Immutable,
    /// Keep, but ask (with the ETag) before every use.
    Revalidate,
}

impl CacheRule {
    fn header(self) -> &'static str {
        match self {
            CacheRule::Immutable => IMMUTABLE,
            CacheRule::Revalidate => "no-cache",
        }
    }
}

/// One answer, held in every coding it has.
#[derive(Debug, Clone)]
pub struct Asset {
    content_type: HeaderValue,
    cache: CacheRule,
    /// What else than the coding the content depends on, for `Vary`.
    vary: &'static str,
    /// A validator of the content, shared by its codings (each coding's ETag
    /// adds its own suffix, as the representations differ).
    tag: String,
    identity: Bytes,
    compressed: Vec<(Coding, Bytes)>,
}

impl Asset {
    /// An answer from bytes in hand; gzip and brotli are made now.
    pub fn compress(content_type: &str, cache: CacheRule, identity: Vec<u8>) -> Asset {
        let compressed = COMPRESSED
            .iter()
            .map(|&(coding, _)| (coding, Bytes::from(encode(coding, &identity))))
            .collect();
        Asset::new(content_type, cache, Bytes::from(identity), compressed)
    }

    fn new(
        content_type: &str,
        cache: CacheRule,
        identity: Bytes,
        compressed: Vec<(Coding, Bytes)>,
    ) -> Asset {
        let digest = ring::digest::digest(&ring::digest::SHA256, &identity);
        let tag = digest.as_ref()[..12]
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        Asset {
            content_type: HeaderValue::from_str(content_type)
                .unwrap_or(HeaderValue::from_static("application/octet-stream")),
            cache,
            vary: "accept-encoding",
            tag,
            identity,
            compressed,
        }
    }

    /// The content also depends on the reader's language (the page shell).
    pub fn varying_by_language(mut self) -> Asset {
        self.vary = "accept-encoding, accept-language";
        self
    }

    /// The size of the body in one coding, if the asset has it.
    pub fn len(&self, coding: Coding) -> Option<usize> {
        match coding {
            Coding::Identity => Some(self.identity.len()),
            _ => self
                .compressed
                .iter()
                .find(|(c, _)| *c == coding)
                .map(|(_, b)| b.len()),
        }
    }

    fn etag(&self, coding: Coding) -> String {
        match coding {
            Coding::Identity => format!("\"{}\"", self.tag),
            other => format!("\"{}-{}\"", self.tag, other.token()),
        }
    }

    /// The answer to a GET with these request headers.
    pub fn respond(&self, request: &HeaderMap) -> Response {
        let accepted = acceptable(
            request
                .get(header::ACCEPT_ENCODING)
                .and_then(|v| v.to_str().ok()),
        );
        // `acceptable` always ends with identity, which every asset has.
        let (coding, body) = accepted
            .iter()
            .find_map(|wanted| self.compressed.iter().find(|(c, _)| c == wanted))
            .cloned()
            .unwrap_or((Coding::Identity, self.identity.clone()));
        let etag = self.etag(coding);
        let not_modified = request
            .get(header::IF_NONE_MATCH)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|tags| {
                tags.split(',')
                    .map(|t| t.trim().trim_start_matches("W/"))
                    .any(|t| t == "*" || t == etag)
            });
        let mut response = if not_modified {
            StatusCode::NOT_MODIFIED.into_response()
        } else {
            let mut response = Response::new(Body::from(body));
            response
                .headers_mut()
                .insert(header::CONTENT_TYPE, self.content_type.clone());
            if coding != Coding::Identity {
                response.headers_mut().insert(
                    header::CONTENT_ENCODING,
                    HeaderValue::from_static(coding.token()),
                );
            }
            response
        };
        let headers = response.headers_mut();
        if let Ok(value) = HeaderValue::from_str(&etag) {
            headers.insert(header::ETAG, value);
        }
        headers.insert(
            header::CACHE_CONTROL,
            HeaderValue::from_static(self.cache.header()),
        );
        if !self.compressed.is_empty() {
            headers.insert(header::VARY, HeaderValue::from_static(self.vary));
        }
        response
    }
}

/// The built app's files by URL path (`/app-1a2b….wasm`), without the
/// `index.html` pages, which are served as page shells instead.
#[derive(Debug, Default)]
pub struct Files {
    by_path: HashMap<String, Asset>,
    /// Files that had no precompressed copies (served as they are).
    pub uncompressed: Vec<String>,
}

impl Files {
    /// Every file of the app but its pages, each with the `.br`/`.gz` copies
    /// the build wrote beside it.
    pub fn load(app: &AppFiles) -> Files {
        let mut files = Files::default();
        for (path, identity) in app.iter() {
            let name = path.rsplit('/').next().unwrap_or(path);
            // The pages are served as shells (filled in per request), not as files.
            if is_compressed_copy(name) || name == "index.html" {
                continue;
            }
            let url = format!("/{path}");
            let compressed: Vec<(Coding, Bytes)> = COMPRESSED
                .iter()
                .filter_map(|&(coding, suffix)| {
                    let copy = app.get(&format!("{path}.{suffix}"))?;
                    Some((coding, copy.clone()))
                })
                .collect();
            if compressed.is_empty() && is_compressible(Path::new(path)) {
                files.uncompressed.push(url.clone());
            }
            let cache = if is_content_hashed(name) {
                CacheRule::Immutable
            } else {
                CacheRule::Revalidate
            };
            let asset = Asset::new(
                doorway_precompress::content_type(&url),
                cache,
                identity.clone(),
                compressed,
            );
            files.by_path.insert(url, asset);
        }
        files
    }

    pub fn get(&self, path: &str) -> Option<&Asset> {
        self.by_path.get(path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn brotli_first_then_gzip_then_identity() {
        use Coding::*;
        assert_eq!(
            acceptable(Some("gzip, deflate, br, zstd")),
            [Brotli, Gzip, Identity]
        );
        assert_eq!(acceptable(Some("gzip")), [Gzip, Identity]);
        assert_eq!(acceptable(Some("br;q=0, gzip;q=0.5")), [Gzip, Identity]);
        assert_eq!(acceptable(Some("*")), [Brotli, Gzip, Identity]);
        assert_eq!(acceptable(Some("*;q=0, br")), [Brotli, Identity]);
        assert_eq!(acceptable(Some("BR")), [Brotli, Identity]);
        assert_eq!(acceptable(Some("")), [Identity]);
        assert_eq!(acceptable(Some("br;q=nonsense")), [Identity]);
        assert_eq!(acceptable(None), [Identity]);
    }

    fn request(accept: Option<&str>, if_none_match: Option<&str>) -> HeaderMap {
        let mut headers = HeaderMap::new();
        if let Some(accept) = accept {
            headers.insert(header::ACCEPT_ENCODING, accept.parse().unwrap());
        }
        if let Some(tag) = if_none_match {
            headers.insert(header::IF_NONE_MATCH, tag.parse().unwrap());
        }
        headers
    }

    #[test]
    fn answers_in_the_coding_asked_for_and_revalidates_by_etag() {
        let text = "doorway ".repeat(200).into_bytes();
        let asset = Asset::compress("text/plain", CacheRule::Revalidate, text.clone());
        let br = asset.respond(&request(Some("gzip, br"), None));
        assert_eq!(br.headers()[header::CONTENT_ENCODING], "br");
        assert_eq!(br.headers()[header::VARY], "accept-encoding");
        assert_eq!(br.headers()[header::CACHE_CONTROL], "no-cache");
        let gz = asset.respond(&request(Some("gzip"), None));
        assert_eq!(gz.headers()[header::CONTENT_ENCODING], "gzip");
        let plain = asset.respond(&request(None, None));
        assert!(plain.headers().get(header::CONTENT_ENCODING).is_none());
        assert!(asset.len(Coding::Brotli).unwrap() < text.len() / 10);

        let tag = br.headers()[header::ETAG].to_str().unwrap().to_owned();
        assert_ne!(tag, gz.headers()[header::ETAG].to_str().unwrap());
        let again = asset.respond(&request(Some("br"), Some(&tag)));
        assert_eq!(again.status(), StatusCode::NOT_MODIFIED);
        assert_eq!(again.headers()[header::ETAG].to_str().unwrap(), tag);
        // Another coding's tag does not validate this one.
        let other = asset.respond(&request(Some("gzip"), Some(&tag)));
        assert_eq!(other.status(), StatusCode::OK);
    }
}
