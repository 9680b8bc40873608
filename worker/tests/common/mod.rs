//! Helpers shared by the worker's integration tests.

/// A finished result as the page would publish it.
pub fn sample_result() -> String {
    use doorway_core::result::{ClientInfo, ProfileRef, ServerRef};
    use doorway_core::{CheckPlan, CheckResult, Profile, Verdict, RESULT_SCHEMA};
    let profile = Profile::custom(Some("443"), None).unwrap();
    let plan = CheckPlan::new(&profile, &Default::default());
    let requirements = plan.results(&Default::default());
    let result = CheckResult {
        schema: RESULT_SCHEMA.into(),
        started_at: "2026-11-21T12:00:00Z".into(),
        duration_ms: 120,
        profile: ProfileRef {
            id: "custom".into(),
            name: profile.name.clone(),
            custom: Some("tcp=443".into()),
        },
        server: ServerRef {
            probe_host: "127.0.0.1".into(),
            scheme: "http".into(),
        },
        client: ClientInfo {
            user_agent: "test".into(),
            public_address: Some("198.51.100.7".into()),
        },
        verdict: Verdict::from_results(&requirements, false),
        requirements,
        nat: None,
        relay: None,
        websocket: None,
        advice: Vec::new(),
    };
    serde_json::to_string(&result).unwrap()
}
