//! The page's words: core's Fluent translator (`doorway_core::i18n`), given
//! to components as a Yew context so switching language re-renders them.

use std::rc::Rc;

pub use doorway_core::i18n::{choose, Lang, Translator};

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
