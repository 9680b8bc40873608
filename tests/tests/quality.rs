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

#[tokio::test]
async fn an_open_network_reads_good_calls_with_every_packet_back() -> Result<()> {
    let lab = RouterLab::create(Nat::Masquerade)?;
    let (worker, browser) = lab.start(&[], serde_json::json!({})).await?;
    let (reading, words, result, quality) = ring_quality(&worker, &browser).await?;
    // Prometheus' text is a download to a browser: read it with fetch.
    let metrics = browser
        .client
        .execute_async(
            "const done = arguments[0]; fetch('/metrics').then(r => r.text()).then(done, e => done(String(e)));",
            vec![],
        )
        .await?;
    let metrics = metrics.as_str().unwrap_or_default().to_owned();
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

/// Times `bytes` sent over plain TCP from the home network to the server
/// namespace: what the receiver counts from first byte to last, in kbit/s.
fn plain_upload_kbps(lab: &RouterLab, bytes: usize) -> Result<f64> {
    use std::io::{Read, Write};
    let listener = lab.listen_in_server(5999)?;
    let receiver = std::thread::spawn(move || -> Result<f64> {
        let (mut socket, _) = listener.accept()?;
        let mut buffer = [0u8; 16 * 1024];
        // The steady rate, between the first and the last tenth: neither the
        // set-up nor the close is the rate (end to end, CI once read 747
        // kbit/s through the 956 filter).
        let (from, to) = (bytes / 10, bytes - bytes / 10);
        let mut start = None;
        let mut end = None;
        let mut received = 0usize;
        loop {
            let n = socket.read(&mut buffer)?;
            if n == 0 {
                break;
            }
            received += n;
            if received >= from {
                start.get_or_insert((received, std::time::Instant::now()));
            }
            if received >= to {
                end.get_or_insert((received, std::time::Instant::now()));
            }
        }
        let (Some((start_bytes, start)), Some((end_bytes, end))) = (start, end) else {
            anyhow::bail!("only {received} of {bytes} bytes arrived");
        };
        let seconds = (end - start).as_secs_f64();
        Ok((end_bytes - start_bytes) as f64 * 8.0 / seconds / 1000.0)
    });
    let address = format!("{}:5999", lab.server_address);
    let sender = {
        let browser = lab.browser.clone();
        std::thread::spawn(move || -> Result<()> {
            doorway_e2e::lab::enter_namespace(&browser)?;
            let mut socket = std::net::TcpStream::connect(address)?;
            keep_in_flight_below_the_queue(&socket)?;
            socket.write_all(&vec![7u8; bytes])?;
            Ok(())
        })
    };
    sender
        .join()
        .map_err(|_| anyhow::anyhow!("the sender panicked"))??;
    receiver
        .join()
        .map_err(|_| anyhow::anyhow!("the receiver panicked"))?
}

/// Caps what the sender has in flight well under the filter's queue (41.6 kB
/// at 1 Mbit/s and 300 ms), so the queue never overflows: the check reads
/// the element's rate, not TCP's recovery from its drops, which on an idle
/// machine cost up to 8 % of it.
fn keep_in_flight_below_the_queue(socket: &std::net::TcpStream) -> Result<()> {
    use std::os::fd::AsRawFd;
    // The kernel doubles this for its bookkeeping: 32 kB in all.
    let bytes: libc::c_int = 16 * 1024;
    // SAFETY: a valid socket and an option of the size given.
    let status = unsafe {
        libc::setsockopt(
            socket.as_raw_fd(),
            libc::SOL_SOCKET,
            libc::SO_SNDBUF,
            std::ptr::from_ref(&bytes).cast(),
            std::mem::size_of_val(&bytes) as libc::socklen_t,
        )
    };
    anyhow::ensure!(
        status == 0,
        "SO_SNDBUF: {}",
        std::io::Error::last_os_error()
    );
    Ok(())
}

#[tokio::test]
async fn a_1_mbit_upload_reads_within_20_percent_and_its_queue_as_loaded_latency() -> Result<()> {
    let lab = RouterLab::create(Nat::Masquerade)?;
    lab.limit_upload(UPLOAD_RATE, UPLOAD_QUEUE)?;
    // The element first: 250 kB over plain TCP flow at 1 Mbit/s less the
    // headers of each packet (1448 of 1514 bytes are data: 956 kbit/s).
    // The filter bounds the rate from above: a reading over the bound is
    // the filter not working, one under it can be this machine pausing the
    // receiver (a full `cargo xtask test` once read 609 where alone it reads
    // 956). So up to three tries, and the first within the bounds counts.
    let mut readings = Vec::new();
    for _ in 0..3 {
        let plain = plain_upload_kbps(&lab, 250_000)?;
        eprintln!("plain TCP through the filter: {plain:.0} kbit/s");
        assert!(
            plain <= 1050.0,
            "{plain:.0} kbit/s: the filter does not limit"
        );
        readings.push(plain.round());
        if plain >= 850.0 {
            break;
        }
    }
    assert!(
        readings.last().is_some_and(|plain| *plain >= 850.0),
        "{readings:?} kbit/s"
    );

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
