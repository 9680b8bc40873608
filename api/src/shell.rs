//! The page shell: the built app's `index.html` is a template whose first
//! screen each server fills in, in the reader's language, naming the
//! profile the address asks for, so text is on screen before the wasm
//! arrives. Which variant a request gets, and its rendering, are here for
//! both servers (the native worker renders every variant at start-up, the
//! edge when asked).
//!
//! The template marks places with `{{message-id}}` (a message of the
//! catalogue) or one of the tokens below.

use axum::http::{header, HeaderMap};
use doorway_core::html::escape;
use doorway_core::i18n::{choose, Lang, Translator};
use doorway_core::Profile;

use crate::query::{flag, param};

/// The checker's page, in the built app's folder.
pub const CHECKER_PAGE: &str = "index.html";
/// The shared-result viewer's page (a second, separate app), served at `/r/…`.
pub const VIEWER_PAGE: &str = "viewer/index.html";
/// The vendors' page with the snippet builder (a third app), served at `/embed`.
pub const VENDORS_PAGE: &str = "vendors/index.html";

/// `{{lang}}`: the language code, for `<html lang>`.
pub const LANG_TOKEN: &str = "lang";
/// `{{body-class}}`: `embed` for the iframe view.
pub const BODY_CLASS_TOKEN: &str = "body-class";
/// `{{status}}`: what is loading ("Loading the check for Ring doorbells…").
pub const STATUS_TOKEN: &str = "status";
/// `{{words}}`: the page language's whole Fluent catalogue, for the app to
/// read (`<template id="words">`), so its wasm carries no catalogue and the
/// words cost no request of their own.
pub const WORDS_TOKEN: &str = "words";

#[derive(Debug, thiserror::Error)]
pub enum ShellError {
    #[error("index.html has an unclosed {{{{ at byte {0}")]
    Unclosed(usize),
}

/// Which shell a request to a page gets: `?lang=`, then Accept-Language
/// (as the page itself chooses), `?profile=`, `?embed=1`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Variant {
    pub lang: Lang,
    pub profile: Option<String>,
    pub embed: bool,
}

impl Variant {
    pub fn of(query: Option<&str>, request: &HeaderMap) -> Variant {
        let browser: Vec<String> = request
            .get(header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok())
            .map(|v| {
                v.split(',')
                    .filter_map(|item| item.split(';').next())
                    .map(|tag| tag.trim().to_owned())
                    .collect()
            })
            .unwrap_or_default();
        Variant {
            lang: choose(param(query, "lang"), &browser),
            profile: param(query, "profile").map(str::to_owned),
            embed: flag(query, "embed"),
        }
    }
}

/// Fills the template's `{{…}}` places; every text is HTML-escaped.
pub fn render(
    template: &str,
    words: &Translator,
    profile: Option<&Profile>,
    embed: bool,
) -> Result<String, ShellError> {
    let mut out = String::with_capacity(template.len() + 512);
    let mut rest = template;
    let mut offset = 0;
    while let Some(start) = rest.find("{{") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let end = after
            .find("}}")
            .ok_or(ShellError::Unclosed(offset + start))?;
        let token = after[..end].trim();
        let text = match token {
            LANG_TOKEN => words.lang().code().to_owned(),
            BODY_CLASS_TOKEN => if embed { "embed" } else { "" }.to_owned(),
            STATUS_TOKEN => match profile {
                Some(profile) => words.t_args(
                    "loading-profile",
                    &[("profile", profile.localized(words.lang().code()).name)],
                ),
                None => words.t("loading"),
            },
            WORDS_TOKEN => words.lang().catalogue().to_owned(),
            id => words.t(id),
        };
        out.push_str(&escape(&text));
        let consumed = start + 2 + end + 2;
        offset += consumed;
        rest = &rest[consumed..];
    }
    out.push_str(rest);
    Ok(out)
}
