//! The page's words: core's Fluent translator (`doorway_core::i18n`), given
//! to components as a Yew context so switching language re-renders them.
//!
//! The wasm carries no catalogue. The page shell brings its language's
//! (`<template id="words" lang="…">`, written by the server); another
//! language is fetched from `/locales/<code>.ftl` when someone switches.

use std::cell::RefCell;
use std::rc::Rc;

pub use doorway_core::i18n::{choose, Lang, Translator};
use gloo::net::http::Request;
use wasm_bindgen::JsCast;

/// The translator as a Yew context; equal when the language is.
#[derive(Clone)]
pub struct I18n(pub Rc<Translator>);

impl PartialEq for I18n {
    fn eq(&self, other: &Self) -> bool {
        self.0.lang() == other.0.lang()
    }
}

impl std::ops::Deref for I18n {
    type Target = Translator;
    fn deref(&self) -> &Translator {
        &self.0
    }
}

thread_local! {
    /// Words fetched before the app started (a page without its own).
    static STARTING_WORDS: RefCell<Option<Translator>> = const { RefCell::new(None) };
}

/// The words the page's shell carries, if it carries any.
pub fn page_words() -> Option<Translator> {
    let template = web_sys::window()?
        .document()?
        .get_element_by_id("words")?
        .dyn_into::<web_sys::HtmlTemplateElement>()
        .ok()?;
    let lang = Lang::from_tag(&template.get_attribute("lang")?)?;
    let catalogue = template.content().text_content()?;
    (!catalogue.trim().is_empty()).then(|| Translator::from_catalogue(lang, catalogue))
}

/// `lang`'s words from the server.
pub async fn fetch_words(lang: Lang) -> Result<Translator, String> {
    let response = Request::get(&format!("/locales/{}.ftl", lang.code()))
        .send()
        .await
        .map_err(|e| e.to_string())?;
    if !response.ok() {
        return Err(format!("the server answered {}", response.status()));
    }
    let catalogue = response.text().await.map_err(|e| e.to_string())?;
    Ok(Translator::from_catalogue(lang, catalogue))
}

/// Hands words fetched before the start to the app's first render.
pub fn set_starting_words(words: Translator) {
    STARTING_WORDS.with(|slot| *slot.borrow_mut() = Some(words));
}

/// The words the app starts with: fetched ones, else the page's, else none
/// (each message then shows as its id: only a page without a shell, such as
/// a test's, gets there).
pub fn starting_words(lang: Lang) -> Translator {
    STARTING_WORDS
        .with(|slot| slot.borrow_mut().take())
        .or_else(page_words)
        .unwrap_or_else(|| Translator::from_catalogue(lang, String::new()))
}
