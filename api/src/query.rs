//! Reading the page address's query, the same way everywhere on the server
//! (as the page reads it: the first value of a name counts).

use doorway_core::i18n::Lang;

use crate::ApiError;

/// The first value of `name` in `query` (`a=1&b=2`), as written.
pub fn param<'a>(query: Option<&'a str>, name: &str) -> Option<&'a str> {
    query?.split('&').find_map(|pair| {
        let (key, value) = pair.split_once('=')?;
        (key == name).then_some(value)
    })
}

/// The language `GET /api/config?lang=` asks the profiles' translations
/// in: `None` (no `lang`) for all of them.
pub fn config_language(query: Option<&str>) -> Result<Option<Lang>, ApiError> {
    let Some(code) = param(query, "lang") else {
        return Ok(None);
    };
    Lang::from_code(code)
        .map(Some)
        // Whatever was sent, only its start goes back into the message.
        .ok_or_else(|| ApiError::UnknownLanguage(code.chars().take(16).collect()))
}

/// Whether `name=1` is set.
pub fn flag(query: Option<&str>, name: &str) -> bool {
    param(query, name) == Some("1")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_value_of_a_name_counts() {
        let query = Some("profile=ring&embed=1&lang=de&embed=0");
        assert_eq!(param(query, "profile"), Some("ring"));
        assert_eq!(param(query, "lang"), Some("de"));
        assert_eq!(param(query, "theme"), None);
        assert!(flag(query, "embed"));
        assert!(!flag(Some("embed=0&embed=1"), "embed"));
        assert!(!flag(Some("embed"), "embed"));
        assert!(!flag(None, "embed"));
    }

    #[test]
    fn the_configuration_comes_in_one_of_the_pages_languages_or_all() {
        let asked = |query| config_language(query).ok();
        assert_eq!(asked(None), Some(None));
        assert_eq!(asked(Some("x=1")), Some(None));
        assert_eq!(asked(Some("lang=de")), Some(Some(Lang::De)));
        assert_eq!(asked(Some("lang=it&lang=de")), Some(Some(Lang::It)));
        for wrong in ["lang=", "lang=DE", "lang=fr", "lang=de-CH"] {
            assert!(
                matches!(
                    config_language(Some(wrong)),
                    Err(ApiError::UnknownLanguage(_))
                ),
                "{wrong}"
            );
        }
        let long = format!("lang={}", "x".repeat(5000));
        let Err(ApiError::UnknownLanguage(echoed)) = config_language(Some(&long)) else {
            panic!("a long value is not a language");
        };
        assert_eq!(echoed.len(), 16);
    }
}
