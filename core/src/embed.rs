//! What a vendor pastes into a support article: the embedded check's
//! address (`/?profile=ring&embed=1…`) and the snippet around it, built from
//! the choices on the vendors' page (`/embed`).

use crate::html::escape;

/// What the embedded check checks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EmbedTarget {
    /// A profile of the server's list, by id.
    Profile(String),
    /// The vendor's own lists, as the checker's address takes them
    /// (`tcp=443,8557`, `udp=…`, `in=…`); empty lists are left out.
    Ports {
        tcp: String,
        udp: String,
        inbound: String,
    },
}

/// The choices on the vendors' page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmbedOptions {
    pub target: EmbedTarget,
    /// `lang=`; `None` follows the reader's browser.
    pub lang: Option<String>,
    /// The language switcher in the frame (`languages=1`); off by default,
    /// since the article is in one language.
    pub languages: bool,
    /// Start at once (`autorun=1`).
    pub autorun: bool,
    /// The host's accent colour, 6 hex digits without `#`.
    pub theme: Option<String>,
}

/// Whether `theme` is a colour the page takes (6 hex digits, `#` optional).
pub fn theme_hex(theme: &str) -> Option<String> {
    let hex = theme.trim().trim_start_matches('#');
    (hex.len() == 6 && hex.bytes().all(|b| b.is_ascii_hexdigit())).then(|| hex.to_ascii_lowercase())
}

impl EmbedOptions {
    /// The embedded check's query string, without `?`, `embed=1` last.
    /// Port lists keep their commas: the address stays readable.
    pub fn query(&self) -> String {
        let mut parts: Vec<String> = Vec::new();
        match &self.target {
            EmbedTarget::Profile(id) => parts.push(format!("profile={}", url_value(id))),
            EmbedTarget::Ports { tcp, udp, inbound } => {
                for (name, list) in [("tcp", tcp), ("udp", udp), ("in", inbound)] {
                    let list: String = list.chars().filter(|c| !c.is_whitespace()).collect();
                    if !list.is_empty() {
                        parts.push(format!("{name}={}", url_value(&list)));
                    }
                }
            }
        }
        if let Some(lang) = &self.lang {
            parts.push(format!("lang={}", url_value(lang)));
        }
        if self.languages {
            parts.push("languages=1".to_owned());
        }
        if self.autorun {
            parts.push("autorun=1".to_owned());
        }
        if let Some(theme) = self.theme.as_deref().and_then(theme_hex) {
            parts.push(format!("theme={theme}"));
        }
        parts.push("embed=1".to_owned());
        parts.join("&")
    }

    /// The HTML to paste: the frame, and a script that sizes it from the
    /// check's `doorway:height` messages (only those from `origin`, only for
    /// the frame that sent them) and hands the result to the page.
    pub fn snippet(&self, origin: &str, title: &str) -> String {
        let src = format!("{origin}/?{}", self.query());
        [
            format!(
                "<iframe src=\"{}\" title=\"{}\" width=\"100%\" height=\"480\" style=\"border:0\" allow=\"clipboard-write; web-share\"></iframe>",
                escape(&src),
                escape(title)
            ),
            "<script>".to_owned(),
            "addEventListener(\"message\", (event) => {".to_owned(),
            format!("  if (event.origin !== {} || !event.data) return;", script_string(origin)),
            "  const frame = [...document.querySelectorAll(\"iframe\")].find((f) => f.contentWindow === event.source);".to_owned(),
            "  if (frame && event.data.type === \"doorway:height\") frame.height = event.data.height;".to_owned(),
            "  if (event.data.type === \"doorway:result\") console.log(\"Doorway result\", event.data.result);".to_owned(),
            "  if (event.data.type === \"doorway:shared\") console.log(\"Doorway link for support\", event.data.url);".to_owned(),
            "});".to_owned(),
            "</script>".to_owned(),
        ]
        .join("\n")
    }
}

/// Escapes what would end a query value; port lists' `,` and `-` stay.
fn url_value(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b",-_.".contains(&byte) {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// A JavaScript string literal of `text` that cannot end the `<script>`.
fn script_string(text: &str) -> String {
    serde_json::to_string(text)
        .unwrap_or_default()
        .replace('<', "\\u003c")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ring() -> EmbedOptions {
        EmbedOptions {
            target: EmbedTarget::Profile("ring".into()),
            lang: None,
            languages: false,
            autorun: false,
            theme: None,
        }
    }

    #[test]
    fn a_profile_with_every_choice() {
        let options = EmbedOptions {
            lang: Some("de".into()),
            languages: true,
            autorun: true,
            theme: Some("#0B5CAD".into()),
            ..ring()
        };
        assert_eq!(
            options.query(),
            "profile=ring&lang=de&languages=1&autorun=1&theme=0b5cad&embed=1"
        );
        assert_eq!(ring().query(), "profile=ring&embed=1");
    }

    #[test]
    fn own_ports_keep_their_commas_and_drop_empty_lists() {
        let options = EmbedOptions {
            target: EmbedTarget::Ports {
                tcp: "443, 8557,9998-9999".into(),
                udp: "".into(),
                inbound: "57536".into(),
            },
            ..ring()
        };
        assert_eq!(options.query(), "tcp=443,8557,9998-9999&in=57536&embed=1");
    }

    #[test]
    fn what_would_break_the_address_or_the_html_is_escaped() {
        let options = EmbedOptions {
            target: EmbedTarget::Profile("a&b=\"<x>".into()),
            theme: Some("red".into()),
            ..ring()
        };
        assert_eq!(options.query(), "profile=a%26b%3D%22%3Cx%3E&embed=1");
        let snippet = options.snippet("https://check.example.com", "Say \"hi\" & <go>");
        assert!(snippet.starts_with(
            "<iframe src=\"https://check.example.com/?profile=a%26b%3D%22%3Cx%3E&amp;embed=1\" title=\"Say &quot;hi&quot; &amp; &lt;go&gt;\""
        ), "{snippet}");
        assert!(snippet.contains("event.origin !== \"https://check.example.com\""));
        let hostile = ring().snippet("https://a.example\"</script><script>x()", "t");
        assert!(
            hostile.contains(
                "event.origin !== \"https://a.example\\\"\\u003c/script>\\u003cscript>x()\""
            ),
            "{hostile}"
        );
        assert_eq!(hostile.matches("</script>").count(), 1, "{hostile}");
    }

    #[test]
    fn only_six_hex_digits_are_a_colour() {
        assert_eq!(theme_hex("#0b5cad").as_deref(), Some("0b5cad"));
        assert_eq!(theme_hex("FFFFFF").as_deref(), Some("ffffff"));
        for bad in ["", "#fff", "0b5cadd", "zzzzzz", "#0b5ca"] {
            assert_eq!(theme_hex(bad), None, "{bad}");
        }
    }
}
