//! Security headers for the app's pages: a strict Content-Security-Policy
//! (scripts only from this server, plus Trunk's inline loader by its hash),
//! and framing allowed only for the embed view, by the configured ancestors.

use std::sync::Arc;

use doorway_core::node::NodeOrigin;

use axum::extract::{Request, State};
use axum::http::{header, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;
use base64::Engine;
use sha2::{Digest, Sha256};

pub struct SecurityPolicy {
    /// `'sha256-…'` of each inline script in the page shells.
    inline_scripts: Vec<String>,
    /// CSP `frame-ancestors` sources for `?embed=1`.
    embed_ancestors: String,
    /// `--public-host` and the probe nodes' hosts: where the page may send
    /// its probes when that is not the name the page was loaded under.
    probe_hosts: Vec<String>,
}

#[derive(Debug, thiserror::Error)]
#[error("--embed-ancestors: \"{0}\" is not a CSP source (use *, 'self', or origins like https://support.example.com)")]
pub struct BadAncestor(String);

impl SecurityPolicy {
    /// `pages`: the built app's page shells, whose inline loaders are
    /// allowed.
    pub fn new<'a>(
        pages: impl IntoIterator<Item = &'a str>,
        embed_ancestors: &str,
    ) -> Result<SecurityPolicy, BadAncestor> {
        for source in embed_ancestors.split_whitespace() {
            let ok = source == "*"
                || source == "'self'"
                || (source.contains("://")
                    && source
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b"-.:/*[]".contains(&b)));
            if !ok {
                return Err(BadAncestor(source.to_owned()));
            }
        }
        let mut inline_scripts: Vec<String> =
            pages.into_iter().flat_map(inline_script_hashes).collect();
        inline_scripts.sort();
        inline_scripts.dedup();
        Ok(SecurityPolicy {
            inline_scripts,
            embed_ancestors: with_own_origin(embed_ancestors),
            probe_hosts: Vec::new(),
        })
    }

    /// Probes may also go to `host` (`--public-host`), on any port.
    pub fn with_probe_host(mut self, host: Option<String>) -> SecurityPolicy {
        self.probe_hosts.extend(host.filter(|h| is_plain_host(h)));
        self
    }

    /// And to every probe node's host (`--probe-node`), on any port.
    pub fn with_probe_nodes(mut self, nodes: &[NodeOrigin]) -> SecurityPolicy {
        for node in nodes {
            if is_plain_host(&node.host) && !self.probe_hosts.contains(&node.host) {
                self.probe_hosts.push(node.host.clone());
            }
        }
        self
    }

    /// The policy for one page: probes may go to any port of the page's host
    /// and of the probe host.
    pub fn content_security_policy(&self, host: Option<&str>, embed: bool) -> String {
        let mut connect = String::from("'self'");
        let page_host = host.filter(|h| is_plain_host(h));
        let probe_hosts = self
            .probe_hosts
            .iter()
            .map(String::as_str)
            .filter(|p| Some(*p) != page_host);
        for host in page_host.into_iter().chain(probe_hosts) {
            for scheme in ["http", "https", "ws", "wss"] {
                connect.push_str(&format!(" {scheme}://{host}:*"));
            }
        }
        let scripts = self.inline_scripts.join(" ");
        let ancestors = if embed {
            self.embed_ancestors.as_str()
        } else {
            "'none'"
        };
        format!(
            "default-src 'self'; script-src 'self' 'wasm-unsafe-eval' {scripts}; style-src 'self'; \
             img-src 'self' data:; connect-src {connect}; frame-ancestors {ancestors}; \
             base-uri 'none'; form-action 'none'; object-src 'none'"
        )
    }
}

/// The configured ancestors, and always the server's own pages: the
/// vendors' page (`/embed`) previews the embed view in a frame.
fn with_own_origin(ancestors: &str) -> String {
    let sources: Vec<&str> = ancestors.split_whitespace().collect();
    if sources.iter().any(|s| *s == "*" || *s == "'self'") {
        sources.join(" ")
    } else {
        std::iter::once("'self'")
            .chain(sources)
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// Host names and addresses only: anything else in a Host header stays out
/// of the policy.
fn is_plain_host(host: &str) -> bool {
    !host.is_empty()
        && host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-.:[]".contains(&b))
}

/// Hashes of the inline `<script>` bodies (Trunk's module loader).
pub fn inline_script_hashes(html: &str) -> Vec<String> {
    let mut hashes = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find("<script") {
        let after = &rest[start..];
        let Some(open_end) = after.find('>') else {
            break;
        };
        let tag = &after[..open_end];
        let body_start = open_end + 1;
        let Some(close) = after[body_start..].find("</script>") else {
            break;
        };
        let body = &after[body_start..body_start + close];
        if !tag.contains("src=") && !tag.contains("application/json") && !body.trim().is_empty() {
            let digest = Sha256::digest(body.as_bytes());
            let encoded = base64::engine::general_purpose::STANDARD.encode(digest);
            hashes.push(format!("'sha256-{encoded}'"));
        }
        rest = &after[body_start + close..];
    }
    hashes
}

/// Adds the headers to every response of the app router.
pub async fn security_headers(
    State(policy): State<Arc<SecurityPolicy>>,
    request: Request,
    next: Next,
) -> Response {
    let host = request
        .headers()
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .map(|h| match h.rsplit_once(':') {
            Some((name, port)) if port.bytes().all(|b| b.is_ascii_digit()) => name.to_owned(),
            _ => h.to_owned(),
        });
    let embed = crate::query::flag(request.uri().query(), "embed");
    let mut response = next.run(request).await;
    let is_html = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    let headers = response.headers_mut();
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    if is_html {
        if let Ok(csp) = policy
            .content_security_policy(host.as_deref(), embed)
            .parse()
        {
            headers.insert(header::CONTENT_SECURITY_POLICY, csp);
        }
        if !embed {
            headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
        }
    }
    response
}

/// API answers are personal or live: `Cache-Control: no-store` unless the
/// route said otherwise (the QR code of a link may be kept).
pub async fn not_stored_unless_said(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    if !response.headers().contains_key(header::CACHE_CONTROL) {
        response
            .headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_inline_scripts_but_not_external_or_data_ones() {
        let html = r#"<script type="module">import init from '/a.js';</script>
            <script src="/b.js"></script>
            <script type="application/json" id="x">{"a":1}</script>"#;
        let hashes = inline_script_hashes(html);
        assert_eq!(hashes.len(), 1);
        // sha256 of the exact body, base64 (checked with openssl).
        assert_eq!(
            hashes[0],
            "'sha256-aOee+rvEUMphqlepW7nBjXpcT6aM6jxNXbtEv0XP738='"
        );
    }

    #[test]
    fn framing_only_for_the_embed_view() {
        let policy = SecurityPolicy::new([], "https://support.example.com").unwrap();
        let page = policy.content_security_policy(Some("check.example.com"), false);
        assert!(page.contains("frame-ancestors 'none'"));
        assert!(page
            .contains("connect-src 'self' http://check.example.com:* https://check.example.com:*"));
        let embed = policy.content_security_policy(Some("check.example.com"), true);
        assert!(embed.contains("frame-ancestors 'self' https://support.example.com;"));
        // Only the server's own pages (the vendors' preview) without a list.
        let own = SecurityPolicy::new([], "").unwrap();
        assert!(own
            .content_security_policy(None, true)
            .contains("frame-ancestors 'self';"));
        let any = SecurityPolicy::new([], "*").unwrap();
        assert!(any
            .content_security_policy(None, true)
            .contains("frame-ancestors *;"));
        assert!(!policy
            .content_security_policy(Some("evil; script-src *"), false)
            .contains("evil"));
    }

    #[test]
    fn probes_may_go_to_the_public_host_too() {
        let policy = SecurityPolicy::new([], "*")
            .unwrap()
            .with_probe_host(Some("probe.example.net".into()));
        let page = policy.content_security_policy(Some("check.example.com"), false);
        assert!(
            page.contains(
                "connect-src 'self' http://check.example.com:* https://check.example.com:* \
             ws://check.example.com:* wss://check.example.com:* http://probe.example.net:* \
             https://probe.example.net:* ws://probe.example.net:* wss://probe.example.net:*;"
            ),
            "{page}"
        );
        // Once when the page is loaded under the probe host's name.
        let same = policy.content_security_policy(Some("probe.example.net"), false);
        assert_eq!(
            same.matches("https://probe.example.net:*").count(),
            1,
            "{same}"
        );
        let odd = SecurityPolicy::new([], "*")
            .unwrap()
            .with_probe_host(Some("x; script-src *".into()));
        assert!(!odd
            .content_security_policy(None, false)
            .contains("script-src *"));
    }

    #[test]
    fn probes_may_go_to_every_probe_node() {
        let nodes = ["https://eu.probe.example.com", "http://198.18.7.2:8080"]
            .map(|origin| NodeOrigin::parse(origin).unwrap());
        let page = SecurityPolicy::new([], "*")
            .unwrap()
            .with_probe_nodes(&nodes)
            .content_security_policy(Some("check.example.com"), false);
        for allowed in [
            "https://eu.probe.example.com:*",
            "wss://eu.probe.example.com:*",
            "http://198.18.7.2:*",
            "ws://198.18.7.2:*",
        ] {
            assert!(page.contains(&format!(" {allowed}")), "{allowed}: {page}");
        }
    }

    #[test]
    fn malformed_ancestors_are_refused() {
        assert!(SecurityPolicy::new([], "https://a.example https://*.b.example").is_ok());
        assert!(SecurityPolicy::new([], "*").is_ok());
        let error = SecurityPolicy::new([], "https://a.example; script-src *")
            .err()
            .unwrap();
        assert!(
            error.to_string().contains("\"https://a.example;\""),
            "{error}"
        );
    }
}
