//! Reading the page address's query, the same way everywhere on the server
//! (as the page reads it: the first value of a name counts).

/// The first value of `name` in `query` (`a=1&b=2`), as written.
pub fn param<'a>(query: Option<&'a str>, name: &str) -> Option<&'a str> {
    query?.split('&').find_map(|pair| {
        let (key, value) = pair.split_once('=')?;
        (key == name).then_some(value)
    })
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
}
