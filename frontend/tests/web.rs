//! The page's own code in Chromium: address parsing, real fetch probes, and
//! the app's error screen when the server cannot be reached.
#![cfg(target_arch = "wasm32")]

use doorway_core::budget::Budgets;
use doorway_core::i18n::Lang;
use doorway_core::ProbeOutcome;
use doorway_frontend::i18n::page_words;
use doorway_frontend::probe::probe_tcp;
use doorway_frontend::query::PageQuery;
use gloo::timers::future::TimeoutFuture;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
fn reads_profile_autorun_and_custom_ports_from_the_address() {
    let query = PageQuery::parse("?profile=ring&autorun=1");
    assert_eq!(query.profile.as_deref(), Some("ring"));
    assert!(query.autorun);
    assert!(query.custom_profile().is_none());

    let query = PageQuery::parse("tcp=443,8557,9998-9999&udp=3478,16500-65000");
    assert!(!query.autorun);
    let profile = query.custom_profile().unwrap().unwrap();
    assert_eq!(profile.requirements.len(), 5);
    assert_eq!(
        query.custom_spec().as_deref(),
        Some("tcp=443,8557,9998-9999&udp=3478,16500-65000")
    );

    let error = PageQuery::parse("?tcp=9-1")
        .custom_profile()
        .unwrap()
        .unwrap_err();
    assert!(error.to_string().contains("runs backwards"), "{error}");
    assert!(!PageQuery::parse("?autorun=0").autorun);

    let embed = PageQuery::parse("?profile=ring&embed=1&theme=%23FF8800");
    assert!(embed.embed);
    assert!(
        !embed.languages,
        "no language switcher in a frame unless asked"
    );
    assert!(PageQuery::parse("?embed=1&languages=1").languages);
    assert_eq!(embed.theme.as_deref(), Some("ff8800"));
    // Anything but six hex digits is ignored, never put into CSS.
    for bad in ["red", "12345", "1234567", "zzzzzz", "00ff00;x"] {
        assert_eq!(
            PageQuery::parse(&format!("?theme={bad}")).theme,
            None,
            "{bad}"
        );
    }
}

fn origin() -> String {
    web_sys::window().unwrap().location().origin().unwrap()
}

#[wasm_bindgen_test]
async fn a_server_that_answers_but_is_not_ours_reads_intercepted() {
    // The test runner's own server answers (same origin, so CORS allows it),
    // but with its own page, not our probe's answer with the nonce: that is
    // what a portal or a proxy looks like, and it is not "blocked".
    let outcome = probe_tcp(&format!("{}/", origin()), "n0nce", Budgets::new(3000, None)).await;
    assert!(
        matches!(outcome, ProbeOutcome::Intercepted { .. }),
        "{outcome:?}"
    );
}

#[wasm_bindgen_test]
async fn a_closed_port_reads_refused_fast() {
    // Nothing listens on loopback port 47 (and it is not on the browser's refused list).
    let outcome = probe_tcp(
        "http://127.0.0.1:47/probe",
        "n0nce",
        Budgets::new(3000, None),
    )
    .await;
    match outcome {
        ProbeOutcome::Refused { ms } => assert!(ms < 1000, "{ms} ms"),
        other => panic!("expected refused, got {other:?}"),
    }
}

#[wasm_bindgen_test]
async fn the_page_says_what_to_do_when_the_server_is_unreachable() {
    // The runner's server has no /api/config: the app must explain, not hang.
    put_words(Lang::En);
    let document = web_sys::window().unwrap().document().unwrap();
    let root = document.create_element("div").unwrap();
    document.body().unwrap().append_child(&root).unwrap();
    yew::Renderer::<doorway_frontend::app::App>::with_root(root.clone()).render();
    let mut text = String::new();
    for _ in 0..50 {
        TimeoutFuture::new(100).await;
        text = root.text_content().unwrap_or_default();
        if text.contains("Doorway cannot start") {
            break;
        }
    }
    assert!(text.contains("Doorway cannot start"), "{text}");
    assert!(text.contains("reload this page"), "{text}");
}

/// `lang`'s catalogue in the page, as a server's page shell carries it.
fn put_words(lang: Lang) {
    let document = web_sys::window().unwrap().document().unwrap();
    if let Some(old) = document.get_element_by_id("words") {
        old.remove();
    }
    let words = document.create_element("template").unwrap();
    words.set_id("words");
    words.set_attribute("lang", lang.code()).unwrap();
    words.set_inner_html(&doorway_core::html::escape(lang.catalogue()));
    document.body().unwrap().append_child(&words).unwrap();
}

#[wasm_bindgen_test]
fn the_words_in_the_page_read_back_as_the_catalogue() {
    put_words(Lang::It);
    let words = page_words().expect("the page's words");
    assert_eq!(words.lang(), Lang::It);
    assert_eq!(words.t("start"), "Avvia la verifica");
    // Escaped characters (apostrophes, a variable's braces) come back whole.
    assert!(words.t("lede").contains("il dispositivo o l'app"));
    assert_eq!(
        words.t_args("language-failed", &[("language", "Deutsch".into())]),
        "Non è stato possibile caricare i testi in Deutsch. Controlla la connessione e scegli di nuovo la lingua."
    );
}

#[wasm_bindgen_test]
fn the_downloaded_result_is_indented_and_reads_back_the_same() {
    use doorway_core::{CheckPlan, CheckResult, Profile};
    let profile = Profile::custom(Some("443,8557"), None).unwrap();
    let plan = CheckPlan::new(&profile, &Default::default());
    let result = CheckResult::for_tests(profile.name, plan.results(&Default::default()));
    let json = doorway_frontend::share::readable_json(&result);
    assert!(json.starts_with("{\n  \""), "{json}");
    assert_eq!(CheckResult::from_json(&json).unwrap(), result);
}
