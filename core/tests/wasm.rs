//! The core's decisions, run inside Chromium's WebAssembly engine: the page
//! relies on them behaving there exactly as in native unit tests.
#![cfg(target_arch = "wasm32")]

use std::collections::HashMap;

use doorway_core::plan::{classify, Attempt};
use doorway_core::result::{ClientInfo, ProfileRef, ServerRef};
use doorway_core::{
    CheckPlan, CheckResult, Overall, ProbeOutcome, Profile, Protocol, ServedPorts, Verdict,
    RESULT_SCHEMA,
};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
fn builtin_profiles_parse_in_wasm() {
    let profiles = doorway_core::profile::builtin_profiles().unwrap();
    assert_eq!(profiles.len(), 6);
}

#[wasm_bindgen_test]
fn a_run_folds_into_a_verdict_and_round_trips_as_json() {
    let profile = Profile::custom(Some("443,554,9998-9999"), None).unwrap();
    let served = ServedPorts {
        tcp: [443, 9998, 9999].into_iter().collect(),
        ..ServedPorts::default()
    };
    let plan = CheckPlan::new(&profile, &served);
    let mut answers = HashMap::new();
    for target in plan.targets() {
        let attempt = if target.port == 9999 {
            Attempt::TimedOut
        } else {
            Attempt::Answered
        };
        answers.insert(target, classify(attempt, 12, 3000));
    }
    let requirements = plan.results(&answers);
    let verdict = Verdict::from_results(&requirements, false);
    assert_eq!(verdict.overall, Overall::Partly);
    let result = CheckResult {
        schema: RESULT_SCHEMA.into(),
        started_at: "2026-11-21T12:00:00Z".into(),
        duration_ms: 3010,
        profile: ProfileRef {
            id: profile.id.clone(),
            name: profile.name.clone(),
            custom: Some("tcp=443,554,9998-9999".into()),
        },
        server: ServerRef {
            probe_host: "localhost".into(),
            scheme: "http".into(),
        },
        client: ClientInfo::default(),
        requirements,
        nat: None,
        relay: None,
        websocket: None,
        advice: Vec::new(),
        quality: None,
        bandwidth: None,
        verdict,
    };
    let json = serde_json::to_string(&result).unwrap();
    let back = CheckResult::from_json(&json).unwrap();
    assert_eq!(back, result);
    assert_eq!(
        back.probe(Protocol::Tcp, 9999),
        Some(&ProbeOutcome::Filtered { timeout_ms: 3000 })
    );
}
