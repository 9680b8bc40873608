//! Will calls be good: the voice-like stream from the page to the worker's
//! echo over a UDP port the check found open (WebRTC data channel, str0m on
//! the worker), in Chromium, through the lab's router with its NAT; with the
//! user-space wire's delay, its figures follow the path.

use std::time::Duration;

use anyhow::{Context, Result};
use doorway_core::advice::Advice;
use doorway_core::quality::{StreamResult, MAX_STREAM_PACKETS};
use doorway_core::{CheckResult, Overall};
use doorway_e2e::browser::Browser;
use doorway_e2e::lab::{Nat, RouterLab};
use doorway_e2e::wire::PathShape;
use doorway_e2e::worker::Worker;

/// Runs a `ring` check and waits for the quality check after it.
async fn ring_quality(
    worker: &Worker,
    browser: &Browser,
) -> Result<(String, String, CheckResult, StreamResult)> {
    browser
        .client
        .goto(&worker.url("/?profile=ring&autorun=1"))
        .await?;
    let verdict = browser.wait_for_result(Duration::from_secs(30)).await?;
    assert!(
        verdict.quality.is_none(),
        "the verdict comes first, without waiting for the quality check"
    );
    let (reading, words, result) = browser.wait_for_quality(Duration::from_secs(20)).await?;
    let quality = result
        .quality
        .with_context(|| format!("no figures in the result; the page says: {words}"))?;
    eprintln!("{reading}: {quality:?}");
    Ok((reading, words, result, quality))
}

/// The worker's `/metrics`, as the page's origin serves them. Prometheus'
/// text is a download to a browser: read it with fetch.
async fn worker_metrics(browser: &Browser) -> Result<String> {
    let metrics = browser
        .client
        .execute_async(
            "const done = arguments[0]; fetch('/metrics').then(r => r.text()).then(done, e => done(String(e)));",
            vec![],
        )
        .await?;
    Ok(metrics.as_str().unwrap_or_default().to_owned())
}

#[tokio::test]
async fn an_open_network_reads_good_calls_with_every_packet_back() -> Result<()> {
    let lab = RouterLab::create(Nat::Masquerade)?;
    let (worker, browser) = lab.start(&[], serde_json::json!({})).await?;
    let (reading, words, result, quality) = ring_quality(&worker, &browser).await?;
    let metrics = worker_metrics(&browser).await?;
    browser.close().await?;
    assert!(
        metrics
            .lines()
            .any(|l| l == "doorway_quality_streams_total 1"),
        "{metrics}"
    );
    assert_eq!(result.verdict.overall, Overall::Ready);
    assert_eq!(reading, "good", "{words}");
    assert!(words.contains("Calls and video will be good"), "{words}");
    // 50 a second for four seconds.
    assert!(
        (190..=200).contains(&quality.sent) && quality.received == quality.sent,
        "{quality:?}"
    );
    assert!(quality.sent <= MAX_STREAM_PACKETS);
    assert!(quality.rtt_ms < 20, "{quality:?}");
    assert!(quality.mos_centi >= 430, "{quality:?}");
    // Download and upload over veth pairs: far above what video needs
    // (1.5 Mbit/s), and no queue while uploading.
    let bandwidth = result
        .bandwidth
        .with_context(|| format!("no download or upload figures; the page says: {words}"))?;
    eprintln!("{bandwidth:?}");
    assert!(
        bandwidth.down_kbps.is_some_and(|k| k > 20_000),
        "{bandwidth:?}"
    );
    assert!(
        bandwidth.up_kbps.is_some_and(|k| k > 20_000),
        "{bandwidth:?}"
    );
    assert!(
        bandwidth.loaded_rtt_ms.is_some_and(|ms| ms < 50),
        "{bandwidth:?}"
    );
    drop(worker);
    Ok(())
}

/// The kernel's token bucket filter on the router's internet side, with a
/// 300 ms queue in front of it, as a slow upload behind a buffering router.
const UPLOAD_RATE: &str = "1mbit";
const UPLOAD_QUEUE: &str = "300ms";

/// The filter's own rate, read with UDP so that no congestion control is in
/// the reading: the home network offers 1.5 Mbit/s for 3 s, more than the
/// filter passes, so its queue fills and it sends at its rate; the server
/// counts what arrives once the queue is full, until it has drained. (Plain
/// TCP with a small send buffer read 606-727 kbit/s on some labs where the
/// page's own upload through the same filter read 960.)
fn filter_rate_kbps(lab: &RouterLab) -> Result<f64> {
    use doorway_e2e::lab::enter_namespace;
    use std::net::UdpSocket;
    use std::time::Instant;
    const PAYLOAD: usize = 1200;
    const OFFERED_BITS_PER_SECOND: f64 = 1_500_000.0;
    const OFFERED_FOR: Duration = Duration::from_secs(3);
    // The queue (300 ms at 1 Mbit/s) fills at the 0.5 Mbit/s offered beyond
    // the rate within 0.6 s.
    const QUEUE_FULL_AFTER: Duration = Duration::from_secs(1);

    let server = lab.server.clone();
    let socket = std::thread::spawn(move || -> Result<UdpSocket> {
        enter_namespace(&server)?;
        Ok(UdpSocket::bind("0.0.0.0:5999")?)
    })
    .join()
    .map_err(|_| anyhow::anyhow!("the receiver's thread panicked"))??;
    // Silence this long after the last datagram means the queue drained.
    socket.set_read_timeout(Some(Duration::from_millis(800)))?;
    let receiver = std::thread::spawn(move || -> Vec<Instant> {
        let mut arrivals = Vec::new();
        let mut buffer = [0u8; 2048];
        while let Ok(n) = socket.recv(&mut buffer) {
            if n == PAYLOAD {
                arrivals.push(Instant::now());
            }
        }
        arrivals
    });
    let address = format!("{}:5999", lab.server_address);
    let browser = lab.browser.clone();
    std::thread::spawn(move || -> Result<()> {
        enter_namespace(&browser)?;
        let socket = UdpSocket::bind("0.0.0.0:0")?;
        socket.connect(&address)?;
        let interval = Duration::from_secs_f64(PAYLOAD as f64 * 8.0 / OFFERED_BITS_PER_SECOND);
        let start = Instant::now();
        let mut next = start;
        while next - start < OFFERED_FOR {
            socket.send(&[7u8; PAYLOAD])?;
            next += interval;
            std::thread::sleep(next.saturating_duration_since(Instant::now()));
        }
        Ok(())
    })
    .join()
    .map_err(|_| anyhow::anyhow!("the sender panicked"))??;
    let arrivals = receiver
        .join()
        .map_err(|_| anyhow::anyhow!("the receiver panicked"))?;
    let first = *arrivals
        .first()
        .context("no datagram came through the filter")?;
    let steady: Vec<Instant> = arrivals
        .into_iter()
        .filter(|at| *at - first >= QUEUE_FULL_AFTER)
        .collect();
    let (Some(from), Some(to)) = (steady.first(), steady.last()) else {
        anyhow::bail!("no datagram came through after the first second");
    };
    let seconds = (*to - *from).as_secs_f64();
    Ok((steady.len() - 1) as f64 * PAYLOAD as f64 * 8.0 / seconds / 1000.0)
}

#[tokio::test]
async fn a_1_mbit_upload_reads_within_20_percent_and_its_queue_as_loaded_latency() -> Result<()> {
    let lab = RouterLab::create(Nat::Masquerade)?;
    lab.limit_upload(UPLOAD_RATE, UPLOAD_QUEUE)?;
    // The element first: 1 Mbit/s less the UDP, IP and Ethernet headers of
    // each datagram (1200 of 1242 bytes are payload: 966 kbit/s).
    let rate = filter_rate_kbps(&lab)?;
    eprintln!("the filter passes {rate:.0} kbit/s");
    assert!((850.0..=1050.0).contains(&rate), "{rate:.0} kbit/s");

    let (worker, browser) = lab.start(&[], serde_json::json!({})).await?;
    let (reading, words, result, quality) = ring_quality(&worker, &browser).await?;
    browser.close().await?;
    let bandwidth = result
        .bandwidth
        .with_context(|| format!("no download or upload figures; the page says: {words}"))?;
    eprintln!("{bandwidth:?}");
    // ± 20 % of the filter's rate.
    let up = bandwidth.up_kbps.context("no upload figure")?;
    assert!((800..=1200).contains(&up), "{up} kbit/s up: {bandwidth:?}");
    // The download is not limited.
    assert!(
        bandwidth.down_kbps.is_some_and(|k| k > 5_000),
        "{bandwidth:?}"
    );
    // The upload fills the router's queue: the round trip under load is
    // the queue's (up to 300 ms), far past the idle one.
    let loaded = bandwidth
        .loaded_rtt_ms
        .context("no round trip under load")?;
    assert!(
        loaded >= 100 && loaded > quality.rtt_ms + 80,
        "{loaded} ms under load, {} ms idle",
        quality.rtt_ms
    );
    // Video wants 1.5 Mbit/s up (Teams' figure; Ring publishes none), and
    // the queue makes calls stutter: both said, with what to do.
    assert_eq!(reading, "may-stutter", "{words}");
    assert!(words.contains("the upload is"), "{words}");
    assert!(words.contains("while something uploads"), "{words}");
    assert!(
        result.advice.contains(&Advice::PauseUploads)
            && result.advice.contains(&Advice::FasterConnection),
        "{:?}",
        result.advice
    );
    drop(worker);
    Ok(())
}

/// 100 ms of round trip, ± 15 %.
const ROUND_TRIP_WITHIN_15_PERCENT: std::ops::RangeInclusive<u32> = 85..=115;

#[tokio::test]
async fn a_100_ms_path_reads_its_round_trip_within_15_percent() -> Result<()> {
    let shape = PathShape {
        one_way: Duration::from_millis(50),
        loss: 0.0,
    };
    let lab = RouterLab::create_with_path(Nat::Masquerade, Some(shape))?;
    let (worker, browser) = lab.start(&[], serde_json::json!({})).await?;
    // The wire and the browser share two cores with whatever else runs:
    // a stream measured while something else holds a core reads that too
    // (seen once: median 122 ms, jitter 23 ms). Up to three streams, and
    // one must read the path; a wrong figure misses on every one.
    let mut streams = Vec::new();
    for _ in 0..3 {
        let (reading, words, _, quality) = ring_quality(&worker, &browser).await?;
        let within = ROUND_TRIP_WITHIN_15_PERCENT.contains(&quality.rtt_ms);
        streams.push((reading, words, quality));
        if within {
            break;
        }
    }
    browser.close().await?;
    let Some((reading, words, quality)) = streams
        .iter()
        .find(|(_, _, quality)| ROUND_TRIP_WITHIN_15_PERCENT.contains(&quality.rtt_ms))
    else {
        panic!("no stream read the round trip across 2 × 50 ms within 15 %: {streams:#?}");
    };
    assert_eq!(quality.received, quality.sent, "{quality:?}");
    // Teams wants less than 100 ms: the page says so, with the figure.
    if quality.rtt_ms >= 100 {
        assert_eq!(reading, "may-stutter", "{words}");
        assert!(words.contains("the round trip is"), "{words}");
    }
    drop(worker);
    Ok(())
}

/// Streams of 200 packets the loss figure is read over.
const STREAMS_FOR_LOSS: usize = 8;

#[tokio::test]
async fn loss_on_the_path_reads_as_loss() -> Result<()> {
    // 5 % each way: 1 − 0.95² = 9.75 % of round trips lose a packet.
    let shape = PathShape {
        one_way: Duration::from_millis(5),
        loss: 0.05,
    };
    let lab = RouterLab::create_with_path(Nat::Masquerade, Some(shape))?;
    let (worker, browser) = lab.start(&[], serde_json::json!({})).await?;
    // Eight streams, 1,600 packets: the binomial spread of the loss figure
    // is then 0.74 points, so 2 points either side (the goal) fails only
    // about once in 150 runs when the figure is right.
    let (mut sent, mut received) = (0, 0);
    let mut readings = Vec::new();
    for _ in 0..STREAMS_FOR_LOSS {
        let (reading, _, _, quality) = ring_quality(&worker, &browser).await?;
        sent += quality.sent;
        received += quality.received;
        readings.push(reading);
    }
    browser.close().await?;
    let loss = 100.0 * f64::from(sent - received) / f64::from(sent);
    assert!(
        (7.75..=11.75).contains(&loss),
        "{received} of {sent} came back: {loss:.1} % lost, expected 9.75 % ± 2 points"
    );
    // Past Teams' 1 %, short of Daily's 10 % on most runs: never "good".
    assert!(!readings.iter().any(|r| r == "good"), "{readings:?}");
    drop(worker);
    Ok(())
}

#[tokio::test]
async fn a_stream_whose_first_handshake_never_arrives_connects_on_a_second_try() -> Result<()> {
    let lab = RouterLab::create(Nat::Masquerade)?;
    // DTLS (a UDP payload that starts with 20–63, RFC 7983) is dropped
    // until 7 s after the verdict: the first connection, which the page
    // waits 6 s for, never gets through. STUN still does, so the check
    // finds its UDP ports and ICE connects.
    lab.router_rule("no_dtls", "meta l4proto udp @th,64,8 20-63 drop")?;
    let (worker, browser) = lab.start(&[], serde_json::json!({})).await?;
    browser
        .client
        .goto(&worker.url("/?profile=ring&autorun=1"))
        .await?;
    browser.wait_for_result(Duration::from_secs(30)).await?;
    tokio::time::sleep(Duration::from_secs(7)).await;
    lab.remove_router_rule("no_dtls")?;
    let (reading, words, result) = browser.wait_for_quality(Duration::from_secs(20)).await?;
    let metrics = worker_metrics(&browser).await?;
    browser.close().await?;
    let quality = result
        .quality
        .with_context(|| format!("no figures in the result; the page says: {words}"))?;
    eprintln!("{reading}: {quality:?}");
    assert_eq!(reading, "good", "{words}");
    assert!(!quality.relay, "{quality:?}");
    // Two sessions on the server: the connection that timed out, and the
    // one that carried the stream.
    assert!(
        metrics
            .lines()
            .any(|l| l == "doorway_quality_streams_total 2"),
        "{metrics}"
    );
    drop(worker);
    Ok(())
}

#[tokio::test]
async fn where_only_the_relay_gets_through_calls_are_measured_through_it() -> Result<()> {
    let lab = RouterLab::create(Nat::Masquerade)?;
    // No UDP leaves the home network: the relay over TCP and TLS is the
    // only way a call has, so the stream takes it too.
    lab.router_rule("no_udp", "meta l4proto udp drop")?;
    let (worker, browser) = lab
        .start(&["--quality-through-relay"], serde_json::json!({}))
        .await?;
    let (reading, words, result, quality) = ring_quality(&worker, &browser).await?;
    browser.close().await?;
    assert_eq!(result.verdict.overall, Overall::RelayNeeded);
    assert!(quality.relay, "{quality:?}");
    assert!(
        quality.received * 10 >= quality.sent * 9 && quality.sent >= 190,
        "{quality:?}"
    );
    assert_ne!(reading, "will-break", "{words}");
    // Said in the figures: through the relay, not over a UDP port.
    let text = serde_json::to_string(&result)?;
    assert!(text.contains("\"relay\":true"), "{text}");
    drop(worker);
    Ok(())
}
