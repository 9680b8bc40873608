//! The page shells at the edge. The built app's pages are templates
//! (`doorway_api::shell`): the checker at `/`, the result viewer at `/r/…`,
//! the vendors' page at `/embed`. The platform serves every other file; these
//! addresses come to the worker (`run_worker_first` in wrangler.toml), which
//! reads the templates once per isolate from the static assets, fills them in
//! the reader's language and sends them with the security policy that names
//! the probe nodes.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use doorway_api::security::SecurityPolicy;
use doorway_api::shell::{render, Variant, CHECKER_PAGE, VENDORS_PAGE, VIEWER_PAGE};
use doorway_core::i18n::Translator;
use doorway_core::node::NodeOrigin;
use doorway_core::Profile;
use worker::Env;

/// A template is a few kilobytes; anything near this is not one.
const MAX_TEMPLATE_BYTES: usize = 1 << 20;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Page {
    Checker,
    Viewer,
    Vendors,
}

impl Page {
    /// Which page an address that is not a file shows, as the native worker
    /// (which serves no `index.html` by its file name: the checker).
    pub fn at(path: &str) -> Page {
        match path {
            path if path.starts_with("/r/") => Page::Viewer,
            "/embed" | "/embed/" => Page::Vendors,
            _ => Page::Checker,
        }
    }

    fn file(self) -> &'static str {
        match self {
            Page::Checker => CHECKER_PAGE,
            Page::Viewer => VIEWER_PAGE,
            Page::Vendors => VENDORS_PAGE,
        }
    }
}

pub struct Pages {
    templates: HashMap<Page, String>,
    policy: Arc<SecurityPolicy>,
    /// Rendered variants; bounded: languages × (known profiles + none) ×
    /// embedded or not × pages.
    rendered: Mutex<HashMap<(Page, Variant), String>>,
}

/// This isolate's pages, once their templates were read.
static PAGES: OnceLock<Arc<Pages>> = OnceLock::new();

impl Pages {
    /// The isolate's pages, reading the templates on first use. Without the
    /// checker's template (assets not deployed, or not read) nothing is kept,
    /// so the next request tries again.
    pub async fn load(
        env: &Env,
        nodes: &[NodeOrigin],
        embed_ancestors: &str,
    ) -> Result<Arc<Pages>, String> {
        if let Some(pages) = PAGES.get() {
            return Ok(pages.clone());
        }
        let assets = env
            .assets("ASSETS")
            .map_err(|e| format!("no ASSETS binding: {e}"))?;
        let mut templates = HashMap::new();
        for page in [Page::Checker, Page::Viewer, Page::Vendors] {
            // The binding answers by path; the host is not looked at.
            let url = format!("https://assets.invalid/{}", page.file());
            let response = assets
                .fetch(url, None)
                .await
                .map_err(|e| format!("{}: {e}", page.file()))?;
            match response.status() {
                StatusCode::OK => {}
                // Not in this build (an old one has no viewer or vendors' page).
                StatusCode::NOT_FOUND => continue,
                // Anything else may pass: the next request tries again.
                other => return Err(format!("{}: {other}", page.file())),
            }
            let body = axum::body::Body::new(response.into_body());
            let bytes = axum::body::to_bytes(body, MAX_TEMPLATE_BYTES)
                .await
                .map_err(|e| format!("{}: {e}", page.file()))?;
            let text = String::from_utf8(bytes.to_vec())
                .map_err(|_| format!("{} is not UTF-8", page.file()))?;
            templates.insert(page, text);
        }
        if !templates.contains_key(&Page::Checker) {
            return Err(format!("the static assets have no {CHECKER_PAGE}"));
        }
        let policy = SecurityPolicy::new(templates.values().map(String::as_str), embed_ancestors)
            .map_err(|e| format!("EMBED_ANCESTORS: {e}"))?
            .with_probe_nodes(nodes);
        let pages = Arc::new(Pages {
            templates,
            policy: Arc::new(policy),
            rendered: Mutex::new(HashMap::new()),
        });
        Ok(PAGES.get_or_init(|| pages).clone())
    }

    pub fn policy(&self) -> Arc<SecurityPolicy> {
        self.policy.clone()
    }

    /// The page in the variant `query` and `request` ask for; `None` when the
    /// build has no such page.
    pub fn respond(
        &self,
        page: Page,
        query: Option<&str>,
        request: &HeaderMap,
        profiles: &[Profile],
    ) -> Option<Response> {
        let template = self.templates.get(&page)?;
        let mut variant = Variant::of(query, request);
        // Only the checker names a profile, and only a known one.
        let profile = variant
            .profile
            .as_deref()
            .filter(|_| page == Page::Checker)
            .and_then(|id| profiles.iter().find(|p| p.id == id));
        variant.profile = profile.map(|p| p.id.clone());
        let key = (page, variant);
        let mut rendered = self.rendered.lock().unwrap_or_else(|e| e.into_inner());
        let html = match rendered.get(&key) {
            Some(html) => html.clone(),
            None => {
                let words = Translator::new(key.1.lang);
                let html = render(template, &words, profile, key.1.embed).ok()?;
                rendered.insert(key, html.clone());
                html
            }
        };
        let mut response = html.into_response();
        let headers = response.headers_mut();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/html; charset=utf-8"),
        );
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
        headers.insert(header::VARY, HeaderValue::from_static("accept-language"));
        Some(response)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_map_to_pages_as_on_the_native_worker() {
        assert_eq!(Page::at("/"), Page::Checker);
        assert_eq!(Page::at("/index.html"), Page::Checker);
        assert_eq!(Page::at("/anything"), Page::Checker);
        assert_eq!(Page::at("/r/abc"), Page::Viewer);
        assert_eq!(Page::at("/viewer/index.html"), Page::Checker);
        assert_eq!(Page::at("/embed"), Page::Vendors);
        assert_eq!(Page::at("/vendors/index.html"), Page::Checker);
    }
}
