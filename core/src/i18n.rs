//! Doorway in English, German and Italian (the vendor articles' languages),
//! with Fluent. Messages live in `core/locales/*.ftl`; the page and the
//! worker (which writes the page shell) both read them through `Translator`.
//! The tests below fail when any message is missing in any language.
//!
//! The catalogues are parsed by Fluent's own parser (`fluent-syntax`), but
//! formatted here: they use text and variables only, and fluent-bundle's
//! resolver (with its plural rules and locale data) was 25 KB of the page's
//! compressed wasm. A test formats every message of every language both
//! ways and wants the same text, so a catalogue that starts using more of
//! Fluent (a selector, a term) fails it until the resolver is brought back.

use std::collections::HashMap;

use crate::advice::Words;
use fluent_syntax::ast::{Entry, Expression, InlineExpression, PatternElement};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Lang {
    En,
    De,
    It,
}

impl Lang {
    pub const ALL: [Lang; 3] = [Lang::En, Lang::De, Lang::It];

    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::De => "de",
            Lang::It => "it",
        }
    }

    /// The language's name in itself, for the switcher.
    pub fn name(self) -> &'static str {
        match self {
            Lang::En => "English",
            Lang::De => "Deutsch",
            Lang::It => "Italiano",
        }
    }

    /// From its code exactly as [`Lang::code`] writes it ("de").
    pub fn from_code(code: &str) -> Option<Lang> {
        Lang::ALL.into_iter().find(|l| l.code() == code)
    }

    /// From a BCP 47 tag such as "de-CH": its primary language.
    pub fn from_tag(tag: &str) -> Option<Lang> {
        Lang::from_code(&tag.split(['-', '_']).next()?.to_ascii_lowercase())
    }

    /// The language's Fluent catalogue. The servers write it into the page
    /// shell, so the page's wasm carries none of the three: only a caller
    /// of this (or of `Translator::new`) links them in.
    pub fn catalogue(self) -> &'static str {
        match self {
            Lang::En => include_str!("../locales/en.ftl"),
            Lang::De => include_str!("../locales/de.ftl"),
            Lang::It => include_str!("../locales/it.ftl"),
        }
    }
}

/// `?lang=` wins, then the browser's languages in order, then English.
pub fn choose(query: Option<&str>, browser: &[String]) -> Lang {
    query
        .and_then(Lang::from_tag)
        .or_else(|| browser.iter().find_map(|tag| Lang::from_tag(tag)))
        .unwrap_or(Lang::En)
}

pub struct Translator {
    lang: Lang,
    /// Each message's pattern by id (attributes and terms are not used).
    messages: HashMap<String, Vec<PatternElement<String>>>,
}

impl Translator {
    /// `lang`'s words from the catalogue compiled into this program.
    pub fn new(lang: Lang) -> Translator {
        Translator::from_catalogue(lang, lang.catalogue().to_owned())
    }

    /// `lang`'s words from a catalogue's text (the page reads it from its
    /// shell or fetches it). Messages that do not parse show as their ids.
    pub fn from_catalogue(lang: Lang, catalogue: String) -> Translator {
        let resource =
            fluent_syntax::parser::parse(catalogue).unwrap_or_else(|(partial, _)| partial);
        let messages = resource
            .body
            .into_iter()
            .filter_map(|entry| match entry {
                Entry::Message(message) => Some((message.id.name, message.value?.elements)),
                _ => None,
            })
            .collect();
        Translator { lang, messages }
    }

    pub fn lang(&self) -> Lang {
        self.lang
    }

    /// The message, or its id when missing (the tests keep that from happening).
    pub fn t(&self, id: &str) -> String {
        self.t_args(id, &[])
    }

    /// The message with its `{ $variables }` filled in. As Fluent writes
    /// them: a variable not given shows as `{$name}`, anything else a
    /// catalogue might use as `{???}` (the tests keep both from happening),
    /// and no Unicode isolation marks, which would show up in copied text.
    pub fn t_args(&self, id: &str, args: &[(&str, String)]) -> String {
        let Some(elements) = self.messages.get(id) else {
            return id.to_owned();
        };
        let mut out = String::new();
        for element in elements {
            match element {
                PatternElement::TextElement { value } => out.push_str(value),
                PatternElement::Placeable {
                    expression: Expression::Inline(InlineExpression::VariableReference { id }),
                } => match args.iter().find(|(name, _)| *name == id.name) {
                    Some((_, value)) => out.push_str(value),
                    None => {
                        out.push_str("{$");
                        out.push_str(&id.name);
                        out.push('}');
                    }
                },
                PatternElement::Placeable { .. } => out.push_str("{???}"),
            }
        }
        out
    }
}

/// Core writes reports (copy as text, the provider table) in these words.
impl Words for Translator {
    fn word(&self, id: &str, args: &[(&str, String)]) -> String {
        self.t_args(id, args)
    }
}

#[cfg(test)]
mod tests {
    use std::collections::{BTreeMap, BTreeSet};

    use fluent_bundle::FluentResource;
    use fluent_syntax::ast;

    use super::*;

    /// Message ids and the variables each one uses.
    fn catalogue(lang: Lang) -> BTreeMap<String, BTreeSet<String>> {
        let resource = FluentResource::try_new(lang.catalogue().to_owned())
            .unwrap_or_else(|(_, errors)| panic!("{} does not parse: {errors:?}", lang.code()));
        resource
            .entries()
            .filter_map(|entry| match entry {
                ast::Entry::Message(message) => {
                    let mut variables = BTreeSet::new();
                    if let Some(value) = &message.value {
                        for element in &value.elements {
                            if let ast::PatternElement::Placeable {
                                expression:
                                    ast::Expression::Inline(ast::InlineExpression::VariableReference {
                                        id,
                                    }),
                            } = element
                            {
                                variables.insert(id.name.to_owned());
                            }
                        }
                    }
                    Some((message.id.name.to_owned(), variables))
                }
                _ => None,
            })
            .collect()
    }

    #[test]
    fn every_message_exists_in_every_language_with_the_same_variables() {
        let english = catalogue(Lang::En);
        assert!(english.len() > 100);
        for lang in [Lang::De, Lang::It] {
            let other = catalogue(lang);
            let missing: Vec<&String> =
                english.keys().filter(|k| !other.contains_key(*k)).collect();
            let extra: Vec<&String> = other.keys().filter(|k| !english.contains_key(*k)).collect();
            assert!(
                missing.is_empty(),
                "missing in {}: {missing:?}",
                lang.code()
            );
            assert!(extra.is_empty(), "only in {}: {extra:?}", lang.code());
            for (id, variables) in &english {
                assert_eq!(
                    &other[id],
                    variables,
                    "variables of {id} in {}",
                    lang.code()
                );
            }
        }
    }

    #[test]
    fn every_message_the_code_asks_for_exists() {
        let english = catalogue(Lang::En);
        // Core's report writing (which asks by id), the page's code, and the
        // worker's page shell.
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut asked = BTreeSet::new();
        fn sources(dir: &std::path::Path, into: &mut Vec<std::path::PathBuf>) {
            for entry in std::fs::read_dir(dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    sources(&path, into);
                } else if path.extension().is_some_and(|e| e == "rs") {
                    into.push(path);
                }
            }
        }
        let mut files = Vec::new();
        for dir in ["src", "../frontend/src", "../worker/src"] {
            sources(&root.join(dir), &mut files);
        }
        for file in files {
            let text = std::fs::read_to_string(file).unwrap();
            for call in [".t(\"", ".t_args(\"", "msg(\"", ".word(\"", " w(\""] {
                for piece in text.split(call).skip(1) {
                    if let Some(id) = piece.split('"').next() {
                        asked.insert(id.to_owned());
                    }
                }
            }
        }
        assert!(asked.len() > 50, "found only {} lookups", asked.len());
        let missing: Vec<&String> = asked
            .iter()
            .filter(|id| !english.contains_key(*id))
            .collect();
        assert!(
            missing.is_empty(),
            "the code asks for messages no catalogue has: {missing:?}"
        );
    }

    #[test]
    fn every_message_reads_as_fluent_itself_formats_it() {
        use fluent_bundle::{FluentArgs, FluentBundle, FluentValue};
        for lang in Lang::ALL {
            let ours = Translator::new(lang);
            let mut bundle = FluentBundle::new(vec![lang
                .code()
                .parse::<unic_langid::LanguageIdentifier>()
                .unwrap()]);
            bundle.set_use_isolating(false);
            bundle
                .add_resource(FluentResource::try_new(lang.catalogue().to_owned()).unwrap())
                .unwrap();
            for (id, variables) in catalogue(lang) {
                let pattern = bundle.get_message(&id).and_then(|m| m.value()).unwrap();
                // Every variable given, then (for messages with any) none.
                let given: Vec<(&str, String)> = variables
                    .iter()
                    .map(|name| (name.as_str(), format!("«{name}»")))
                    .collect();
                for args in [given.clone(), Vec::new()] {
                    let mut fluent_args = FluentArgs::new();
                    for (name, value) in &args {
                        fluent_args.set(*name, FluentValue::from(value.clone()));
                    }
                    let mut errors = Vec::new();
                    let fluent = bundle.format_pattern(pattern, Some(&fluent_args), &mut errors);
                    assert_eq!(
                        ours.t_args(&id, &args),
                        fluent,
                        "{id} in {} with {args:?}",
                        lang.code()
                    );
                }
            }
        }
    }

    #[test]
    fn language_comes_from_the_address_then_the_browser() {
        let browser = vec!["it-IT".to_owned(), "en".to_owned()];
        assert_eq!(choose(Some("de"), &browser), Lang::De);
        assert_eq!(choose(None, &browser), Lang::It);
        assert_eq!(choose(Some("fr"), &["fr".to_owned()]), Lang::En);
        assert_eq!(Lang::from_tag("de-CH"), Some(Lang::De));
    }

    #[test]
    fn messages_format_with_their_values() {
        let german = Translator::new(Lang::De);
        assert_eq!(
            german.t_args(
                "progress-running",
                &[("done", "3".into()), ("total", "9".into())]
            ),
            "Ports werden geprüft: 3 von 9 beantwortet"
        );
        assert_eq!(Translator::new(Lang::It).t("start"), "Avvia la verifica");
    }

    #[test]
    fn reports_for_support_come_out_in_the_page_language() {
        use crate::{CheckPlan, CheckResult, Profile};
        let profile = Profile::custom(Some("9998-9999"), None).unwrap();
        let plan = CheckPlan::new(&profile, &Default::default());
        let mut requirements = plan.results(&Default::default());
        requirements[0].status = crate::result::RequirementStatus::Blocked { filtered: true };
        let mut result = CheckResult::for_tests(profile.name, requirements);
        result.advice = vec![crate::advice::Advice::OpenFirewall];
        let german = crate::report::report_text(&Translator::new(Lang::De), &result);
        assert!(
            german.starts_with("Doorway-Prüfung: Nicht bereit"),
            "{german}"
        );
        assert!(german.contains("blockiert (keine Antwort)"), "{german}");
        assert!(
            german.contains("Für Ihren Internetanbieter oder Ihre IT:\nPorts"),
            "{german}"
        );
        assert!(
            german.contains("Geben Sie die blockierten Ports"),
            "{german}"
        );
        let italian = crate::report::report_text(&Translator::new(Lang::It), &result);
        assert!(italian.contains("Porte"), "{italian}");
    }
}
