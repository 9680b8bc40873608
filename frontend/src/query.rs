//! What the page's address asks for: `?profile=ring&autorun=1`, or a custom
//! profile `?tcp=443,8557&udp=16500-65000` (with `in=57536` for incoming
//! TCP ports the server checks from outside).

use doorway_core::embed::theme_hex;
use doorway_core::profile::{CustomProfileError, Profile};

#[derive(Debug, Clone, PartialEq, Default)]
pub struct PageQuery {
    pub profile: Option<String>,
    pub tcp: Option<String>,
    pub udp: Option<String>,
    /// `in=57536`: incoming TCP ports, checked from outside on request.
    pub inbound: Option<String>,
    pub autorun: bool,
    /// `embed=1`: the compact view for an iframe in a support article.
    pub embed: bool,
    /// `theme=0b5cad`: the host's accent colour (6 hex digits), embed only.
    pub theme: Option<String>,
    /// `lang=de`: the page's language.
    pub lang: Option<String>,
    /// `languages=1`: the language switcher in the embedded view (without
    /// it, `lang=` or the reader's browser decides).
    pub languages: bool,
}

impl PageQuery {
    /// From `location.search` (with or without the leading `?`).
    pub fn parse(search: &str) -> PageQuery {
        let Ok(params) = web_sys::UrlSearchParams::new_with_str(search) else {
            return PageQuery::default();
        };
        let get = |name: &str| params.get(name).filter(|v| !v.trim().is_empty());
        let flag = |name: &str| matches!(get(name).as_deref(), Some("1" | "true" | "yes"));
        PageQuery {
            profile: get("profile"),
            tcp: params.get("tcp"),
            udp: params.get("udp"),
            inbound: params.get("in"),
            autorun: flag("autorun"),
            lang: get("lang"),
            embed: flag("embed"),
            languages: flag("languages"),
            theme: get("theme").and_then(|t| theme_hex(&t)),
        }
    }

    pub fn has_custom_ports(&self) -> bool {
        self.tcp.is_some() || self.udp.is_some() || self.inbound.is_some()
    }

    /// The custom profile the address describes, if it lists ports.
    pub fn custom_profile(&self) -> Option<Result<Profile, CustomProfileError>> {
        self.has_custom_ports().then(|| {
            Profile::custom_with_inbound(
                self.tcp.as_deref(),
                self.udp.as_deref(),
                self.inbound.as_deref(),
            )
        })
    }

    /// The custom lists as they appear in a URL, for the result.
    pub fn custom_spec(&self) -> Option<String> {
        let parts: Vec<String> = [
            ("tcp", &self.tcp),
            ("udp", &self.udp),
            ("in", &self.inbound),
        ]
        .into_iter()
        .filter_map(|(name, value)| value.as_ref().map(|v| format!("{name}={v}")))
        .collect();
        (!parts.is_empty()).then(|| parts.join("&"))
    }
}
