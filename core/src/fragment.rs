//! A result that travels in the URL fragment (`/r/#…`): deflate, then
//! URL-safe base64. The fragment never reaches a server, so the link works
//! without a result store, and what it carries stays between the people
//! who pass the link on.

use base64::Engine;

use crate::result::{CheckResult, ResultError};

/// Decompressed results larger than this are refused (a real one is a few kB).
const MAX_RESULT_BYTES: usize = 256 * 1024;

pub fn encode(result: &CheckResult) -> String {
    pack(&miniz_oxide::deflate::compress_to_vec(&json(result), 9))
}

/// The result as the fragment carries it, before deflate.
pub fn json(result: &CheckResult) -> Vec<u8> {
    serde_json::to_vec(result).unwrap_or_default()
}

/// The fragment for a raw-deflated [`json`]: the page deflates with the
/// browser's own `CompressionStream("deflate-raw")` and packs with this.
pub fn pack(deflated: &[u8]) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(deflated)
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FragmentError {
    #[error("the link is cut off or altered (not base64)")]
    NotBase64,
    #[error("the link is cut off or altered (does not unpack)")]
    NotDeflate,
    #[error("{0}")]
    Result(#[from] ResultError),
}

pub fn decode(fragment: &str) -> Result<CheckResult, FragmentError> {
    let packed = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(fragment.trim_start_matches('#').trim())
        .map_err(|_| FragmentError::NotBase64)?;
    let json = miniz_oxide::inflate::decompress_to_vec_with_limit(&packed, MAX_RESULT_BYTES)
        .map_err(|_| FragmentError::NotDeflate)?;
    let text = String::from_utf8(json).map_err(|_| FragmentError::NotDeflate)?;
    Ok(CheckResult::from_json(&text)?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{CheckPlan, Profile};

    fn result() -> CheckResult {
        let profile = Profile::custom(Some("443,8557,9998-9999"), Some("16500-65000")).unwrap();
        let plan = CheckPlan::new(&profile, &Default::default());
        CheckResult::for_tests(profile.name, plan.results(&Default::default()))
    }

    #[test]
    fn round_trips_and_fits_in_a_url() {
        let original = result();
        let fragment = encode(&original);
        assert!(fragment
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'));
        assert!(fragment.len() < 2000, "{} characters", fragment.len());
        assert_eq!(decode(&fragment).unwrap(), original);
        assert_eq!(decode(&format!("#{fragment}")).unwrap(), original);
    }

    #[test]
    fn altered_links_are_refused_with_a_reason() {
        let fragment = encode(&result());
        assert_eq!(decode("not base64!"), Err(FragmentError::NotBase64));
        let half = fragment.len() / 8 * 4;
        assert_eq!(decode(&fragment[..half]), Err(FragmentError::NotDeflate));
        let bomb = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(
            miniz_oxide::deflate::compress_to_vec(&vec![b' '; 10_000_000], 9),
        );
        assert_eq!(
            decode(&bomb),
            Err(FragmentError::NotDeflate),
            "a decompression bomb stops at the limit"
        );
    }
}
