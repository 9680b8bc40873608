//! A result body as POST /api/results gets it: parsed strictly, then vouched
//! for; vouching is idempotent and never lets a verdict disagree with itself.
#![no_main]

use std::sync::OnceLock;

use doorway_core::profile::builtin_profiles;
use doorway_core::vouch::vouch;
use doorway_core::{CheckResult, Profile, Verdict};
use libfuzzer_sys::fuzz_target;

fn profiles() -> &'static [Profile] {
    static PROFILES: OnceLock<Vec<Profile>> = OnceLock::new();
    PROFILES.get_or_init(|| builtin_profiles().expect("the built-in profiles"))
}

fuzz_target!(|bytes: &[u8]| {
    let Ok(text) = std::str::from_utf8(bytes) else {
        return;
    };
    let Ok(result) = CheckResult::from_json(text) else {
        return;
    };
    let Ok(vouched) = vouch(result, profiles()) else {
        return;
    };
    let relay_works = vouched.relay.is_some_and(|r| r.works());
    assert_eq!(
        vouched.verdict,
        Verdict::from_results(&vouched.requirements, relay_works)
    );
    let again = vouch(vouched.clone(), profiles()).expect("a vouched result stays vouched");
    assert_eq!(again, vouched);
    let json = serde_json::to_string(&vouched).expect("serialises");
    assert_eq!(CheckResult::from_json(&json).expect("round trip"), vouched);
});
