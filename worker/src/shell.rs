//! The page shell: `index.html` as Trunk built it, with its first screen
//! filled in on the server — in the reader's language, naming the profile
//! the address asks for, with a loading line and a sentence for browsers
//! without JavaScript — so text is on screen before the app's wasm arrives.
//! The app then takes the markup over.
//!
//! The template marks places with `{{message-id}}` (a message of the
//! catalogue) or one of the tokens below. Every variant (language × profile ×
//! embedded or not) is rendered and compressed once, at start-up.

use std::collections::HashMap;

use axum::http::HeaderMap;
use axum::response::Response;
use doorway_core::i18n::{Lang, Translator};
use doorway_core::Profile;

use crate::assets::{Asset, CacheRule};
pub use doorway_api::shell::ShellError;
use doorway_api::shell::{render, Variant};
pub use doorway_api::shell::{CHECKER_PAGE, VENDORS_PAGE, VIEWER_PAGE};

pub struct Shells {
    variants: HashMap<Variant, Asset>,
}

impl Shells {
    /// Renders every variant of `template` (the built index.html).
    pub fn new(template: &str, profiles: &[Profile]) -> Result<Shells, ShellError> {
        let mut variants = HashMap::new();
        for lang in Lang::ALL {
            let words = Translator::new(lang);
            let ids = std::iter::once(None).chain(profiles.iter().map(Some));
            for profile in ids {
                for embed in [false, true] {
                    let html = render(template, &words, profile, embed)?;
                    let variant = Variant {
                        lang,
                        profile: profile.map(|p| p.id.clone()),
                        embed,
                    };
                    variants.insert(
                        variant,
                        Asset::compress(
                            "text/html; charset=utf-8",
                            CacheRule::Revalidate,
                            html.into_bytes(),
                        )
                        .varying_by_language(),
                    );
                }
            }
        }
        Ok(Shells { variants })
    }

    /// The shell for a request to the page (see [`Variant::of`]).
    pub fn respond(&self, query: Option<&str>, request: &HeaderMap) -> Option<Response> {
        let Variant {
            lang,
            profile,
            embed,
        } = Variant::of(query, request);
        let asset = self
            .variants
            .get(&Variant {
                lang,
                profile: profile.clone(),
                embed,
            })
            .or_else(|| {
                self.variants.get(&Variant {
                    lang,
                    profile: None,
                    embed,
                })
            })?;
        Some(asset.respond(request))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::header;
    use doorway_api::shell::{BODY_CLASS_TOKEN, LANG_TOKEN, STATUS_TOKEN, WORDS_TOKEN};
    use doorway_core::html::escape;
    use doorway_core::profile::builtin_profiles;

    const TEMPLATE: &str = "<html lang=\"{{lang}}\"><body class=\"{{body-class}}\"><h1>{{title}}</h1>\
                            <p>{{ status }}</p><noscript>{{needs-javascript}}</noscript></body></html>";

    fn get(shells: &Shells, query: &str, accept_language: Option<&str>) -> String {
        let mut headers = HeaderMap::new();
        if let Some(value) = accept_language {
            headers.insert(header::ACCEPT_LANGUAGE, value.parse().unwrap());
        }
        let response = shells.respond(Some(query), &headers).unwrap();
        assert_eq!(
            response.headers()[header::VARY],
            "accept-encoding, accept-language"
        );
        let body = response.into_body();
        let bytes = block_on(axum::body::to_bytes(body, usize::MAX)).unwrap();
        String::from_utf8(bytes.to_vec()).unwrap()
    }

    fn block_on<F: std::future::Future>(future: F) -> F::Output {
        tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap()
            .block_on(future)
    }

    #[test]
    fn the_shell_speaks_the_readers_language_and_names_the_profile() {
        let shells = Shells::new(TEMPLATE, &builtin_profiles().unwrap()).unwrap();
        let english = get(&shells, "profile=ring&autorun=1", None);
        assert!(english.starts_with("<html lang=\"en\">"), "{english}");
        assert!(english.contains("<h1>Does this network let your device through?</h1>"));
        assert!(english.contains("Ring"), "{english}");
        assert!(english.contains("<noscript>") && english.contains("JavaScript"));

        let german = get(&shells, "profile=ring", Some("de-CH, en;q=0.5"));
        assert!(german.starts_with("<html lang=\"de\">"), "{german}");
        let italian = get(&shells, "lang=it&embed=1", Some("de"));
        assert!(
            italian.starts_with("<html lang=\"it\"><body class=\"embed\">"),
            "{italian}"
        );

        // An unknown profile gets the plain loading line, never its name.
        let unknown = get(&shells, "profile=%3Cscript%3E", None);
        assert!(unknown.contains("<p>Loading Doorway…</p>"), "{unknown}");
        assert!(
            !unknown.contains("%3C") && !unknown.contains("<script"),
            "{unknown}"
        );
    }

    #[test]
    fn every_place_in_the_real_templates_is_a_message_or_a_token() {
        let english = Translator::new(Lang::En);
        for (template, profile, shown) in [
            (
                include_str!("../../frontend/index.html"),
                "mobotix-mxmc",
                "MOBOTIX",
            ),
            (
                include_str!("../../frontend/viewer.html"),
                "",
                "Loading the shared result",
            ),
            (
                include_str!("../../frontend/vendors.html"),
                "",
                "Put Doorway in your support article",
            ),
        ] {
            let mut places = 0;
            for piece in template.split("{{").skip(1) {
                let token = piece.split("}}").next().unwrap().trim();
                places += 1;
                if ![LANG_TOKEN, BODY_CLASS_TOKEN, STATUS_TOKEN, WORDS_TOKEN].contains(&token) {
                    assert_ne!(english.t(token), token, "no message {token}");
                }
            }
            assert!(places >= 6, "{places} places");
            let shells = Shells::new(template, &builtin_profiles().unwrap()).unwrap();
            let page = get(&shells, &format!("profile={profile}"), None);
            assert!(!page.contains("{{"), "{page}");
            assert!(page.contains(shown), "{page}");
            // The page carries its own language's words, and only those.
            let words = page
                .split("<template id=\"words\" lang=\"en\">")
                .nth(1)
                .and_then(|rest| rest.split("</template>").next())
                .unwrap_or_else(|| panic!("no words in {page}"));
            assert!(words.contains("start = Start check"), "{words}");
            assert!(!words.contains('<'), "unescaped words: {words}");
            let german = get(&shells, "lang=de", None);
            assert!(german.contains("start = Prüfung starten"), "{german}");
            assert!(!german.contains("start = Start check"));
        }
    }

    #[test]
    fn text_is_escaped_and_broken_templates_are_refused() {
        assert_eq!(
            escape("<a href=\"x\">&'"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;"
        );
        assert!(matches!(
            Shells::new("<p>{{title</p>", &[]),
            Err(ShellError::Unclosed(3))
        ));
    }
}
