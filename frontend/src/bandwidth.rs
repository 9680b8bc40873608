//! Download and upload, timed the way Cloudflare's speed test times them:
//! transfers to and from the server's `/api/bandwidth`, sized by
//! `core::quality::BandwidthPlan`, each direction within a few seconds and
//! a few MB. The upload runs while the stream's channel pings the server,
//! so the round trip under load (a router's queue) is measured too.

use doorway_core::api::ProbeApi;
use doorway_core::quality::{stream_figures, BandwidthPlan, BandwidthResult, Echo, Transfer};
use gloo::net::http::Request;
use gloo::timers::callback::Timeout;
use web_sys::{AbortController, RequestCache};

use crate::probe::now_ms;
use crate::stream::Stream;

/// A phone's data is not ours to spend: at most this much each way.
const DOWN_BUDGET_BYTES: u64 = 4_000_000;
const UP_BUDGET_BYTES: u64 = 2_500_000;
/// Each direction keeps to this, so the quality check keeps to seconds.
const DIRECTION_BUDGET_MS: f64 = 3000.0;

/// Download, then upload with pings on `stream`; an error only when the
/// server refused (its budget) or could not be reached.
pub async fn measure(stream: &Stream) -> Result<BandwidthResult, String> {
    let down_kbps = run_plan(&stream.api, Direction::Down).await?;
    let (up_kbps, pings) = stream
        .ping_during(run_plan(&stream.api, Direction::Up))
        .await;
    Ok(BandwidthResult {
        down_kbps,
        up_kbps: up_kbps?,
        loaded_rtt_ms: median_rtt_ms(&pings),
    })
}

/// The median round trip of the pings that came back.
fn median_rtt_ms(pings: &[Echo]) -> Option<u32> {
    stream_figures(pings).map(|figures| figures.rtt_median_ms.round() as u32)
}

#[derive(Clone, Copy)]
enum Direction {
    Down,
    Up,
}

/// Runs one direction's plan: its rate in kbit/s, `None` when not even
/// the first transfer finished within the time budget.
async fn run_plan(api: &ProbeApi, direction: Direction) -> Result<Option<u32>, String> {
    let budget = match direction {
        Direction::Down => DOWN_BUDGET_BYTES,
        Direction::Up => UP_BUDGET_BYTES,
    };
    let mut plan = BandwidthPlan::with_time_budget(budget, DIRECTION_BUDGET_MS);
    while let Some(bytes) = plan.next_bytes() {
        match transfer(api, direction, bytes, plan.time_left_ms()).await? {
            Some(transfer) => plan.record(transfer),
            // Cut off at the time budget: a transfer that did not finish
            // says nothing certain about the rate.
            None => break,
        }
    }
    Ok(plan.kbps())
}

/// One timed transfer of `bytes`, cut off after `limit_ms`: `None` then.
async fn transfer(
    api: &ProbeApi,
    direction: Direction,
    bytes: u64,
    limit_ms: f64,
) -> Result<Option<Transfer>, String> {
    let controller = AbortController::new().ok();
    let signal = controller.as_ref().map(AbortController::signal);
    let limit = limit_ms.clamp(1.0, f64::from(u32::MAX)) as u32;
    let _abort = controller.map(|controller| Timeout::new(limit, move || controller.abort()));
    let started = now_ms();
    let request = match direction {
        Direction::Down => Request::get(&api.url(&format!("/api/bandwidth?bytes={bytes}")))
            .cache(RequestCache::NoStore)
            .abort_signal(signal.as_ref())
            .build(),
        Direction::Up => Request::post(&api.url("/api/bandwidth"))
            .header("Content-Type", "application/octet-stream")
            .abort_signal(signal.as_ref())
            .body(random_body(bytes)),
    }
    .map_err(|e| e.to_string())?;
    let response = match request.send().await {
        Ok(response) => response,
        Err(gloo::net::Error::JsError(error)) if error.name == "AbortError" => return Ok(None),
        Err(_) => return Err("the Doorway server could not be reached".to_owned()),
    };
    if !response.ok() {
        return Err(crate::json::error_message(response).await);
    }
    // The body, read to its end, is the transfer (for an upload, the
    // server's count of what arrived).
    match response.binary().await {
        Ok(_) => Ok(Some(Transfer {
            bytes,
            ms: now_ms() - started,
        })),
        Err(gloo::net::Error::JsError(error)) if error.name == "AbortError" => Ok(None),
        Err(e) => Err(format!("the transfer broke off: {e}")),
    }
}

/// `bytes` of random data (no compression on the way can shrink it), a
/// 64 KiB random block repeated: the browser gives at most that at once.
fn random_body(bytes: u64) -> js_sys::Uint8Array {
    const BLOCK: usize = 65_536;
    let mut block = vec![0u8; BLOCK];
    if let Some(crypto) = web_sys::window().and_then(|w| w.crypto().ok()) {
        // Without randomness the block stays zeros: still the right size.
        let _ = crypto.get_random_values_with_u8_array(&mut block);
    }
    let body = js_sys::Uint8Array::new_with_length(bytes as u32);
    let mut offset = 0u32;
    while offset < bytes as u32 {
        let take = (bytes as u32 - offset).min(BLOCK as u32);
        body.subarray(offset, offset + take)
            .copy_from(&block[..take as usize]);
        offset += take;
    }
    body
}
