//! Will calls and video be good: the arithmetic of the quality check, pure.
//!
//! From a voice-like stream of echoed packets: round trip (median, p95),
//! interarrival jitter as RFC 3550 defines it, loss, and a MOS estimate from
//! the simplified ITU-T G.107 E-model that Twilio and others use. From timed
//! downloads and uploads: bandwidth the way Cloudflare's speed test reports
//! it, with a plan that grows the requests until one is long enough and
//! never spends more than its byte budget. What is good enough comes from
//! a named standard ([`QualityStandard`]), each with its source.

use serde::{Deserialize, Serialize};

/// One echoed packet of the stream: when it was sent and, if it came back
/// before the stream ended, when (ms on one clock, the page's).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Echo {
    pub sent_ms: f64,
    pub received_ms: Option<f64>,
}

/// What the stream measured.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StreamFigures {
    pub rtt_median_ms: f64,
    pub rtt_p95_ms: f64,
    pub jitter_ms: f64,
    pub loss_percent: f64,
    pub mos: f64,
}

/// The `p`-th percentile (0–100) by nearest rank; `None` for no values.
pub fn percentile(values: &[f64], p: f64) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    Some(sorted[rank.clamp(1, sorted.len()) - 1])
}

/// RFC 3550 §6.4.1 interarrival jitter over transit times in arrival order:
/// J += (|D| − J) / 16, D the difference of consecutive transit times.
pub fn interarrival_jitter(transits_ms: &[f64]) -> f64 {
    transits_ms.windows(2).fold(0.0, |jitter, pair| {
        jitter + ((pair[1] - pair[0]).abs() - jitter) / 16.0
    })
}

/// The simplified E-model: effective latency = RTT/2 + 2 × jitter + 10 ms;
/// R = 93.2 − latency/40 below 160 ms, else 93.2 − (latency − 120)/10;
/// minus 2.5 per percent lost; MOS from R (ITU-T G.107 Annex B).
pub fn mos(rtt_ms: f64, jitter_ms: f64, loss_percent: f64) -> f64 {
    let latency = rtt_ms / 2.0 + 2.0 * jitter_ms + 10.0;
    let r = if latency < 160.0 {
        93.2 - latency / 40.0
    } else {
        93.2 - (latency - 120.0) / 10.0
    } - 2.5 * loss_percent;
    if r <= 0.0 {
        1.0
    } else if r >= 100.0 {
        4.5
    } else {
        1.0 + 0.035 * r + 0.000_007 * r * (r - 60.0) * (100.0 - r)
    }
}

/// The figures of a stream; `None` when no packet came back (then nothing
/// but loss is known, and loss alone says the path drops everything).
pub fn stream_figures(echoes: &[Echo]) -> Option<StreamFigures> {
    let mut answered: Vec<(f64, f64)> = echoes
        .iter()
        .filter_map(|e| Some((e.received_ms?, e.received_ms? - e.sent_ms)))
        .collect();
    if answered.is_empty() {
        return None;
    }
    // Jitter follows arrival order, as a receiver sees the packets.
    answered.sort_by(|a, b| a.0.total_cmp(&b.0));
    let rtts: Vec<f64> = answered.iter().map(|&(_, rtt)| rtt).collect();
    let rtt_median_ms = percentile(&rtts, 50.0)?;
    let jitter_ms = interarrival_jitter(&rtts);
    let loss_percent = 100.0 * (echoes.len() - answered.len()) as f64 / echoes.len() as f64;
    Some(StreamFigures {
        rtt_median_ms,
        rtt_p95_ms: percentile(&rtts, 95.0)?,
        jitter_ms,
        loss_percent,
        mos: mos(rtt_median_ms, jitter_ms, loss_percent),
    })
}

/// Whose figures say what is good enough for a profile's calls or video.
/// Each names its source (`docs/sources/quality.md`), as requirements name
/// their articles.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum QualityStandard {
    /// Twilio's preflight test: a warning at RTT > 400 ms, jitter > 30 ms,
    /// loss > 3 % (averaged) or MOS < 3. For apps built on Twilio Client,
    /// such as Ring.io's web phone.
    TwilioPreflight,
    /// For vendors who publish no figures: Microsoft Teams' network
    /// requirements (RTT < 100 ms, jitter < 30 ms, loss < 1 %) for "good",
    /// and Teams' bandwidth for one-to-one video (1.5 Mbit/s each way good,
    /// below 150 kbit/s video breaks). For video, such as Ring's Live View.
    Generic,
    /// The same limits for voice only (SIP phones): about 100 kbit/s each
    /// way is enough (a G.711 call in 20 ms packets is 80 kbit/s of IP).
    GenericVoice,
}

/// How calls or video will go on the measured path.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum QualityReading {
    Good,
    /// Works, but may stutter or break up.
    MayStutter,
    /// Daily's "bad" bands (loss ≥ 10 % or RTT ≥ 600 ms): calls will break.
    WillBreak,
}

/// A figure past its standard's limit, for the words on the page.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "figure")]
pub enum PastLimit {
    Rtt {
        ms: f64,
        limit_ms: f64,
    },
    Jitter {
        ms: f64,
        limit_ms: f64,
    },
    Loss {
        percent: f64,
        limit_percent: f64,
    },
    Mos {
        mos: f64,
        limit: f64,
    },
    /// Bandwidth in kbit/s, below what the media needs.
    Download {
        kbps: f64,
        limit_kbps: f64,
    },
    Upload {
        kbps: f64,
        limit_kbps: f64,
    },
    /// The round trip while something uploads (bufferbloat), past the
    /// standard's round-trip limit.
    LoadedRtt {
        ms: f64,
        limit_ms: f64,
    },
}

/// The reading and the figures that decided it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Judgement {
    pub standard: QualityStandard,
    pub reading: QualityReading,
    pub past_limits: Vec<PastLimit>,
}

/// Daily's bands for a call that will break, for every standard.
const BREAKS_AT_LOSS_PERCENT: f64 = 10.0;
const BREAKS_AT_RTT_MS: f64 = 600.0;

impl QualityStandard {
    /// The file in `docs/sources/` that gives this standard's figures.
    pub fn source(self) -> &'static str {
        "quality.md"
    }

    /// The round trip past which calls may stutter.
    pub fn rtt_limit_ms(self) -> f64 {
        match self {
            QualityStandard::TwilioPreflight => 400.0,
            QualityStandard::Generic | QualityStandard::GenericVoice => 100.0,
        }
    }

    /// What the media needs each way, in kbit/s: good at or above the
    /// first, breaking below the second where the publisher names a floor.
    pub fn bandwidth_kbps(self) -> (f64, Option<f64>) {
        match self {
            QualityStandard::TwilioPreflight | QualityStandard::GenericVoice => (100.0, None),
            QualityStandard::Generic => (1500.0, Some(150.0)),
        }
    }

    /// Reads `figures` against this standard; every limit passed is named.
    pub fn judge(self, figures: &StreamFigures) -> Judgement {
        let (rtt, jitter, loss, mos) = match self {
            QualityStandard::TwilioPreflight => (400.0, 30.0, 3.0, Some(3.0)),
            QualityStandard::Generic | QualityStandard::GenericVoice => {
                (self.rtt_limit_ms(), 30.0, 1.0, None)
            }
        };
        let mut past_limits = Vec::new();
        // Twilio warns above its limits; Teams' "good" is below its own.
        let past = |value: f64, limit: f64| match self {
            QualityStandard::TwilioPreflight => value > limit,
            QualityStandard::Generic | QualityStandard::GenericVoice => value >= limit,
        };
        if past(figures.rtt_median_ms, rtt) {
            past_limits.push(PastLimit::Rtt {
                ms: figures.rtt_median_ms,
                limit_ms: rtt,
            });
        }
        if past(figures.jitter_ms, jitter) {
            past_limits.push(PastLimit::Jitter {
                ms: figures.jitter_ms,
                limit_ms: jitter,
            });
        }
        if past(figures.loss_percent, loss) {
            past_limits.push(PastLimit::Loss {
                percent: figures.loss_percent,
                limit_percent: loss,
            });
        }
        if let Some(limit) = mos.filter(|&limit| figures.mos < limit) {
            past_limits.push(PastLimit::Mos {
                mos: figures.mos,
                limit,
            });
        }
        let breaks = figures.loss_percent >= BREAKS_AT_LOSS_PERCENT
            || figures.rtt_median_ms >= BREAKS_AT_RTT_MS;
        let reading = if breaks {
            QualityReading::WillBreak
        } else if past_limits.is_empty() {
            QualityReading::Good
        } else {
            QualityReading::MayStutter
        };
        Judgement {
            standard: self,
            reading,
            past_limits,
        }
    }
}

/// The voice-like stream as a result carries it: whole numbers (results are
/// compared for equality, and people read them), times in ms, loss in
/// tenths of a percent, MOS in hundredths.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StreamResult {
    /// Whose limits the figures are read against.
    pub standard: QualityStandard,
    /// The UDP port the stream ran to on the server.
    pub port: u16,
    /// Through the server's TURN relay, because only the relay got
    /// through (absent: straight between page and server).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub relay: bool,
    pub sent: u32,
    pub received: u32,
    /// Median and 95th percentile; 0 when nothing came back.
    pub rtt_ms: u32,
    pub rtt_p95_ms: u32,
    pub jitter_ms: u32,
    pub loss_permille: u32,
    pub mos_centi: u32,
}

/// More packets than any stream sends: 50 a second for well under 20 s.
pub const MAX_STREAM_PACKETS: u32 = 1000;

impl StreamResult {
    /// Whether the figures could come from a stream: a reader checks this
    /// before trusting figures someone else sent.
    pub fn is_plausible(&self) -> bool {
        self.sent <= MAX_STREAM_PACKETS
            && self.received <= self.sent
            && self.loss_permille <= 1000
            && (100..=450).contains(&self.mos_centi)
            && self.rtt_ms <= self.rtt_p95_ms
    }

    /// The result of a stream of `echoes` on `port`.
    pub fn from_echoes(standard: QualityStandard, port: u16, echoes: &[Echo]) -> StreamResult {
        let whole = |value: f64| value.round().clamp(0.0, u32::MAX as f64) as u32;
        let sent = echoes.len() as u32;
        let received = echoes.iter().filter(|e| e.received_ms.is_some()).count() as u32;
        let figures = stream_figures(echoes);
        StreamResult {
            standard,
            port,
            relay: false,
            sent,
            received,
            rtt_ms: figures.map_or(0, |f| whole(f.rtt_median_ms)),
            rtt_p95_ms: figures.map_or(0, |f| whole(f.rtt_p95_ms)),
            jitter_ms: figures.map_or(0, |f| whole(f.jitter_ms)),
            loss_permille: figures.map_or(if sent > 0 { 1000 } else { 0 }, |f| {
                whole(f.loss_percent * 10.0)
            }),
            mos_centi: figures.map_or(100, |f| whole(f.mos * 100.0)),
        }
    }

    pub fn loss_percent(&self) -> f64 {
        f64::from(self.loss_permille) / 10.0
    }

    /// The figures again, as the standards read them.
    pub fn figures(&self) -> StreamFigures {
        StreamFigures {
            rtt_median_ms: f64::from(self.rtt_ms),
            rtt_p95_ms: f64::from(self.rtt_p95_ms),
            jitter_ms: f64::from(self.jitter_ms),
            loss_percent: self.loss_percent(),
            mos: f64::from(self.mos_centi) / 100.0,
        }
    }

    /// The reading against the standard; a stream nothing came back from
    /// breaks every call.
    pub fn judge(&self) -> Judgement {
        self.judge_with(None)
    }

    /// The reading of the stream and, once measured, the bandwidth and the
    /// round trip under load: the worst of them decides.
    pub fn judge_with(&self, bandwidth: Option<&BandwidthResult>) -> Judgement {
        let mut judgement = if self.received == 0 {
            Judgement {
                standard: self.standard,
                reading: QualityReading::WillBreak,
                past_limits: vec![PastLimit::Loss {
                    percent: 100.0,
                    limit_percent: BREAKS_AT_LOSS_PERCENT,
                }],
            }
        } else {
            self.standard.judge(&self.figures())
        };
        if let Some(bandwidth) = bandwidth {
            let (reading, past) = bandwidth.judge(self.standard, self.rtt_ms);
            judgement.reading = judgement.reading.max(reading);
            judgement.past_limits.extend(past);
        }
        judgement
    }
}

/// The bandwidth test's figures as a result carries them: kbit/s each way
/// (the 90th percentile of the transfers, as Cloudflare's speed test
/// reports), and the round trip sampled while the upload ran. `None` where
/// no transfer finished in time or the server refused (its budget).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BandwidthResult {
    pub down_kbps: Option<u32>,
    pub up_kbps: Option<u32>,
    /// The median round trip of pings sent while the upload ran.
    pub loaded_rtt_ms: Option<u32>,
}

/// Faster than any access line: figures past it were not measured.
const MAX_PLAUSIBLE_KBPS: u32 = 100_000_000;
/// A round trip longer than a minute is no round trip.
const MAX_PLAUSIBLE_RTT_MS: u32 = 60_000;

impl BandwidthResult {
    /// Whether the figures could come from a measurement.
    pub fn is_plausible(&self) -> bool {
        [self.down_kbps, self.up_kbps]
            .iter()
            .flatten()
            .all(|&kbps| kbps <= MAX_PLAUSIBLE_KBPS)
            && self
                .loaded_rtt_ms
                .is_none_or(|ms| ms <= MAX_PLAUSIBLE_RTT_MS)
    }

    /// The reading of these figures for media judged by `standard`, with
    /// the round trip measured without load (`idle_rtt_ms`): bandwidth
    /// below the media's need, and a round trip under load past the
    /// standard's limit when it was within it idle (that rise is the
    /// network's queue, which calls meet whenever something uploads).
    pub fn judge(
        &self,
        standard: QualityStandard,
        idle_rtt_ms: u32,
    ) -> (QualityReading, Vec<PastLimit>) {
        let (good_kbps, breaks_below) = standard.bandwidth_kbps();
        let mut reading = QualityReading::Good;
        let mut past = Vec::new();
        let directions = [(self.down_kbps, true), (self.up_kbps, false)];
        for (kbps, down) in directions {
            let Some(kbps) = kbps.map(f64::from) else {
                continue;
            };
            if kbps >= good_kbps {
                continue;
            }
            past.push(if down {
                PastLimit::Download {
                    kbps,
                    limit_kbps: good_kbps,
                }
            } else {
                PastLimit::Upload {
                    kbps,
                    limit_kbps: good_kbps,
                }
            });
            let breaks = breaks_below.is_some_and(|floor| kbps < floor);
            reading = reading.max(if breaks {
                QualityReading::WillBreak
            } else {
                QualityReading::MayStutter
            });
        }
        let limit_ms = standard.rtt_limit_ms();
        if let Some(loaded) = self.loaded_rtt_ms.map(f64::from) {
            if loaded >= limit_ms && f64::from(idle_rtt_ms) < limit_ms {
                past.push(PastLimit::LoadedRtt {
                    ms: loaded,
                    limit_ms,
                });
                reading = reading.max(if loaded >= BREAKS_AT_RTT_MS {
                    QualityReading::WillBreak
                } else {
                    QualityReading::MayStutter
                });
            }
        }
        (reading, past)
    }
}

/// One timed transfer of a bandwidth test.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Transfer {
    pub bytes: u64,
    pub ms: f64,
}

impl Transfer {
    pub fn bits_per_second(self) -> f64 {
        self.bytes as f64 * 8.0 * 1000.0 / self.ms.max(1.0)
    }
}

/// The first request's size: small enough for the slowest phone.
pub const FIRST_TRANSFER_BYTES: u64 = 100_000;
/// A transfer this long measures the path rather than its round trip.
pub const LONG_ENOUGH_MS: f64 = 1000.0;
/// Long transfers wanted before the answer is trusted.
const LONG_TRANSFERS: usize = 3;
/// Transfers shorter than this say more about latency than bandwidth and
/// are left out of the answer when longer ones exist.
const COUNTED_FROM_MS: f64 = 250.0;

/// No transfer is planned to take longer than this at the rate seen so
/// far: growing fourfold from 0.9 s would otherwise take 3.6 s.
pub const LONGEST_TRANSFER_MS: f64 = 1500.0;

/// Which transfer to make next, from those made so far: sizes grow fourfold
/// until one takes [`LONG_ENOUGH_MS`], then that size is repeated until
/// three are long enough. It stops early when the next transfer would go
/// past `budget_bytes` (a phone's data is not ours to spend) or, at the
/// rate seen so far, past `budget_ms` (the quality check keeps to seconds).
#[derive(Debug, Clone, PartialEq)]
pub struct BandwidthPlan {
    budget_bytes: u64,
    budget_ms: f64,
    done: Vec<Transfer>,
}

impl BandwidthPlan {
    pub fn new(budget_bytes: u64) -> BandwidthPlan {
        BandwidthPlan::with_time_budget(budget_bytes, f64::INFINITY)
    }

    pub fn with_time_budget(budget_bytes: u64, budget_ms: f64) -> BandwidthPlan {
        BandwidthPlan {
            budget_bytes,
            budget_ms,
            done: Vec::new(),
        }
    }

    /// Time left for transfers, in ms: a transfer still running past it
    /// is cut off (and then says nothing).
    pub fn time_left_ms(&self) -> f64 {
        self.budget_ms - self.done.iter().map(|t| t.ms).sum::<f64>()
    }

    pub fn record(&mut self, transfer: Transfer) {
        self.done.push(transfer);
    }

    /// The size of the next transfer, or `None` when the plan is done.
    pub fn next_bytes(&self) -> Option<u64> {
        let spent: u64 = self.done.iter().map(|t| t.bytes).sum();
        let long = self.done.iter().filter(|t| t.ms >= LONG_ENOUGH_MS).count();
        let next = match self.done.last() {
            None => FIRST_TRANSFER_BYTES,
            Some(_) if long >= LONG_TRANSFERS => return None,
            Some(last) => {
                // At the last transfer's rate: a grown one no longer than
                // the longest wanted, and none that would end past the
                // time budget.
                let bytes_per_ms = last.bytes as f64 / last.ms.max(1.0);
                let next = if last.ms >= LONG_ENOUGH_MS {
                    last.bytes
                } else {
                    last.bytes
                        .saturating_mul(4)
                        .min((bytes_per_ms * LONGEST_TRANSFER_MS) as u64)
                        .max(last.bytes)
                };
                if next as f64 / bytes_per_ms > self.time_left_ms() {
                    return None;
                }
                next
            }
        };
        (spent.saturating_add(next) <= self.budget_bytes).then_some(next)
    }

    /// [`BandwidthPlan::bits_per_second`] in whole kbit/s, as results keep it.
    pub fn kbps(&self) -> Option<u32> {
        self.bits_per_second()
            .map(|bps| (bps / 1000.0).round().clamp(0.0, f64::from(u32::MAX)) as u32)
    }

    /// The 90th percentile of the transfers' rates, the longer ones only
    /// when there are any; `None` before the first transfer.
    pub fn bits_per_second(&self) -> Option<f64> {
        let counted: Vec<f64> = self
            .done
            .iter()
            .filter(|t| t.ms >= COUNTED_FROM_MS)
            .map(|t| t.bits_per_second())
            .collect();
        if counted.is_empty() {
            let all: Vec<f64> = self.done.iter().map(|t| t.bits_per_second()).collect();
            return percentile(&all, 90.0);
        }
        percentile(&counted, 90.0)
    }
}

/// For tests: the echoes of a stream sent every 20 ms whose packets came
/// back after these round trips (`None`: lost).
#[cfg(test)]
pub(crate) fn echoes(rtts: &[Option<f64>]) -> Vec<Echo> {
    rtts.iter()
        .enumerate()
        .map(|(n, rtt)| Echo {
            sent_ms: n as f64 * 20.0,
            received_ms: rtt.map(|rtt| n as f64 * 20.0 + rtt),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-5
    }

    fn figures(rtt: f64, jitter: f64, loss: f64) -> StreamFigures {
        StreamFigures {
            rtt_median_ms: rtt,
            rtt_p95_ms: rtt,
            jitter_ms: jitter,
            loss_percent: loss,
            mos: mos(rtt, jitter, loss),
        }
    }

    #[test]
    fn a_stream_result_keeps_whole_numbers_and_reads_as_its_figures() {
        // 20 packets, one lost; round trips 40 ms and one of 60 ms.
        let mut rtts = vec![Some(40.0); 20];
        rtts[7] = None;
        rtts[12] = Some(60.0);
        let result = StreamResult::from_echoes(QualityStandard::Generic, 3478, &echoes(&rtts));
        assert_eq!((result.sent, result.received), (20, 19));
        assert_eq!(result.loss_permille, 50);
        assert_eq!(result.rtt_ms, 40);
        assert_eq!(result.rtt_p95_ms, 60);
        // Two changes of 20 ms: 20/16, then (20 - 1.25)/16 more = 2.42 ms.
        assert_eq!(result.jitter_ms, 2);
        let expected = mos(40.0, 20.0 / 16.0 + (20.0 - 20.0 / 16.0) / 16.0, 5.0);
        assert_eq!(result.mos_centi, (expected * 100.0).round() as u32);
        // 5 % loss is past Teams' 1 %, short of Daily's 10 %.
        let judgement = result.judge();
        assert_eq!(judgement.reading, QualityReading::MayStutter);
        assert!(
            matches!(judgement.past_limits[..], [PastLimit::Loss { percent, .. }] if percent == 5.0)
        );
    }

    #[test]
    fn a_stream_that_never_came_back_will_break_calls() {
        let result =
            StreamResult::from_echoes(QualityStandard::TwilioPreflight, 3478, &echoes(&[None; 10]));
        assert_eq!((result.received, result.loss_permille), (0, 1000));
        assert_eq!(result.judge().reading, QualityReading::WillBreak);
    }

    #[test]
    fn twilio_warns_past_its_limits_only() {
        let twilio = QualityStandard::TwilioPreflight;
        // At the limits exactly: no warning (Twilio warns above them).
        let at = twilio.judge(&figures(400.0, 30.0, 3.0));
        assert_eq!(at.reading, QualityReading::Good, "{at:?}");
        let past = twilio.judge(&figures(401.0, 31.0, 3.5));
        assert_eq!(past.reading, QualityReading::MayStutter);
        assert!(
            matches!(past.past_limits[0], PastLimit::Rtt { limit_ms, .. } if limit_ms == 400.0)
        );
        assert!(matches!(past.past_limits[1], PastLimit::Jitter { .. }));
        assert!(matches!(past.past_limits[2], PastLimit::Loss { .. }));
        // MOS below 3 is a warning of its own (the E-model gives it only
        // when another limit is past too; the rule still stands alone).
        let low = twilio.judge(&StreamFigures {
            mos: 2.9,
            ..figures(40.0, 5.0, 0.0)
        });
        assert_eq!(
            low.past_limits,
            [PastLimit::Mos {
                mos: 2.9,
                limit: 3.0
            }]
        );
        assert_eq!(low.reading, QualityReading::MayStutter);
    }

    #[test]
    fn generic_is_good_only_within_teams_figures_and_breaks_at_dailys() {
        let generic = QualityStandard::Generic;
        assert_eq!(
            generic.judge(&figures(40.0, 5.0, 0.0)).reading,
            QualityReading::Good
        );
        // Teams wants less than 100 ms: 100 ms is past it.
        let at = generic.judge(&figures(100.0, 5.0, 0.0));
        assert_eq!(at.reading, QualityReading::MayStutter);
        assert_eq!(
            at.past_limits,
            [PastLimit::Rtt {
                ms: 100.0,
                limit_ms: 100.0
            }]
        );
        assert_eq!(
            generic.judge(&figures(40.0, 5.0, 10.0)).reading,
            QualityReading::WillBreak
        );
        assert_eq!(
            generic.judge(&figures(600.0, 5.0, 0.0)).reading,
            QualityReading::WillBreak
        );
        assert_eq!(
            QualityStandard::TwilioPreflight
                .judge(&figures(650.0, 5.0, 0.0))
                .reading,
            QualityReading::WillBreak
        );
    }

    #[test]
    fn percentiles_by_nearest_rank() {
        let values = [15.0, 20.0, 35.0, 40.0, 50.0];
        assert_eq!(percentile(&values, 30.0), Some(20.0));
        assert_eq!(percentile(&values, 50.0), Some(35.0));
        assert_eq!(percentile(&values, 100.0), Some(50.0));
        assert_eq!(percentile(&values, 0.0), Some(15.0));
        assert_eq!(percentile(&[], 50.0), None);
    }

    #[test]
    fn jitter_follows_rfc_3550() {
        // D = 2, 1, 4: J = 2/16 = 0.125; + (1 − 0.125)/16; + (4 − J)/16.
        let jitter = interarrival_jitter(&[10.0, 12.0, 11.0, 15.0]);
        assert!(close(jitter, 0.418_457), "{jitter}");
        // A steady stream has none.
        assert_eq!(interarrival_jitter(&[20.0; 50]), 0.0);
        assert_eq!(interarrival_jitter(&[20.0]), 0.0);
    }

    #[test]
    fn mos_from_the_simplified_e_model() {
        // 100 ms RTT, 10 ms jitter, 1 % loss: latency 80 ms, R = 93.2 − 2 −
        // 2.5 = 88.7, MOS = 1 + 3.1045 + 0.000007 × 88.7 × 28.7 × 11.3 = 4.305864.
        assert!(
            close(mos(100.0, 10.0, 1.0), 4.305_864),
            "{}",
            mos(100.0, 10.0, 1.0)
        );
        // 400 ms RTT, 30 ms jitter: latency 270 ms, R = 93.2 − 15 = 78.2.
        let expected = 1.0 + 0.035 * 78.2 + 0.000_007 * 78.2 * 18.2 * 21.8;
        assert!(close(mos(400.0, 30.0, 0.0), expected));
        // A perfect path tops out near 4.4; a path that drops everything is 1.
        assert!(mos(0.0, 0.0, 0.0) > 4.39 && mos(0.0, 0.0, 0.0) < 4.5);
        assert_eq!(mos(50.0, 5.0, 60.0), 1.0);
    }

    #[test]
    fn a_stream_gives_rtt_jitter_loss_and_mos() {
        // 10 packets, 20 ms apart; two lost; round trips 40–48 ms.
        let rtts = [40.0, 42.0, 41.0, 44.0, 48.0, 40.0, 43.0, 45.0];
        let mut echoes: Vec<Echo> = rtts
            .iter()
            .enumerate()
            .map(|(i, rtt)| Echo {
                sent_ms: i as f64 * 20.0,
                received_ms: Some(i as f64 * 20.0 + rtt),
            })
            .collect();
        echoes.push(Echo {
            sent_ms: 160.0,
            received_ms: None,
        });
        echoes.push(Echo {
            sent_ms: 180.0,
            received_ms: None,
        });
        let figures = stream_figures(&echoes).unwrap();
        assert_eq!(figures.loss_percent, 20.0);
        assert_eq!(figures.rtt_median_ms, 42.0);
        assert_eq!(figures.rtt_p95_ms, 48.0);
        assert!(close(figures.jitter_ms, interarrival_jitter(&rtts)));
        assert!(close(figures.mos, mos(42.0, figures.jitter_ms, 20.0)));
        // Nothing came back: no figures but the loss, which the caller knows.
        let silent = [Echo {
            sent_ms: 0.0,
            received_ms: None,
        }];
        assert_eq!(stream_figures(&silent), None);
    }

    #[test]
    fn jitter_uses_arrival_order() {
        // The second packet overtook the first: transits in arrival order
        // are 30 then 50 (D = 20), not 50 then 30 in sending order.
        let echoes = [
            Echo {
                sent_ms: 0.0,
                received_ms: Some(50.0),
            },
            Echo {
                sent_ms: 10.0,
                received_ms: Some(40.0),
            },
        ];
        let figures = stream_figures(&echoes).unwrap();
        assert!(close(figures.jitter_ms, 20.0 / 16.0));
    }

    #[test]
    fn bandwidth_plan_grows_until_long_enough_then_repeats() {
        // A 10 Mbit/s path: 100 kB in 80 ms, 400 kB in 320 ms, 1.6 MB in 1280 ms.
        let mut plan = BandwidthPlan::new(10_000_000);
        let rate_bytes_per_ms = 1250.0;
        let mut sizes = Vec::new();
        while let Some(bytes) = plan.next_bytes() {
            sizes.push(bytes);
            plan.record(Transfer {
                bytes,
                ms: bytes as f64 / rate_bytes_per_ms,
            });
        }
        assert_eq!(sizes, [100_000, 400_000, 1_600_000, 1_600_000, 1_600_000]);
        let bps = plan.bits_per_second().unwrap();
        assert!((bps - 10_000_000.0).abs() < 1.0, "{bps}");
    }

    #[test]
    fn bandwidth_plan_stays_within_its_budget() {
        // A fast path on a phone's 2 MB budget: 100 kB + 400 kB + 1.6 MB
        // would be 2.1 MB, so it stops after two.
        let mut plan = BandwidthPlan::new(2_000_000);
        plan.record(Transfer {
            bytes: 100_000,
            ms: 8.0,
        });
        plan.record(Transfer {
            bytes: 400_000,
            ms: 32.0,
        });
        assert_eq!(plan.next_bytes(), None);
        // Both were short: the answer is the 90th percentile of both.
        assert!(plan.bits_per_second().unwrap() > 99_000_000.0);
        // A slow path repeats the first size: 3 × 100 kB at 0.5 Mbit/s.
        let mut slow = BandwidthPlan::new(2_000_000);
        for _ in 0..3 {
            let bytes = slow.next_bytes().unwrap();
            assert_eq!(bytes, FIRST_TRANSFER_BYTES);
            slow.record(Transfer { bytes, ms: 1600.0 });
        }
        assert_eq!(slow.next_bytes(), None);
        assert!((slow.bits_per_second().unwrap() - 500_000.0).abs() < 1.0);
    }

    #[test]
    fn bandwidth_plan_keeps_to_its_time_budget() {
        // 1 Mbit/s up (125 bytes a ms), 3 s: 100 kB in 800 ms; fourfold
        // would take 3.2 s, so the next is what 1.5 s carries (187.5 kB);
        // a third of 1.5 s would end past 3 s, so the plan stops.
        let mut plan = BandwidthPlan::with_time_budget(4_000_000, 3000.0);
        let mut sizes = Vec::new();
        while let Some(bytes) = plan.next_bytes() {
            sizes.push(bytes);
            plan.record(Transfer {
                bytes,
                ms: bytes as f64 / 125.0,
            });
        }
        assert_eq!(sizes, [100_000, 187_500]);
        assert_eq!(plan.kbps(), Some(1000));
        assert!(plan.time_left_ms() > 0.0);
        // A line too slow for one transfer in time: nothing after the first.
        let mut slow = BandwidthPlan::with_time_budget(4_000_000, 3000.0);
        slow.record(Transfer {
            bytes: 100_000,
            ms: 2900.0,
        });
        assert_eq!(slow.next_bytes(), None);
    }

    #[test]
    fn bandwidth_and_a_queue_are_read_against_the_media() {
        let figures = |down, up, loaded| BandwidthResult {
            down_kbps: down,
            up_kbps: up,
            loaded_rtt_ms: loaded,
        };
        let video = QualityStandard::Generic;
        // Teams' 1.5 Mbit/s for video: at it is good, below it may stutter,
        // below its 150 kbit/s minimum video breaks.
        let (reading, past) = figures(Some(1500), Some(1500), Some(40)).judge(video, 30);
        assert_eq!((reading, past.len()), (QualityReading::Good, 0));
        let (reading, past) = figures(Some(20_000), Some(600), None).judge(video, 30);
        assert_eq!(reading, QualityReading::MayStutter);
        assert_eq!(
            past,
            [PastLimit::Upload {
                kbps: 600.0,
                limit_kbps: 1500.0
            }]
        );
        let (reading, _) = figures(Some(100), Some(20_000), None).judge(video, 30);
        assert_eq!(reading, QualityReading::WillBreak);
        // A voice call is fine on 600 kbit/s, and has no floor to break at.
        let voice = QualityStandard::GenericVoice;
        assert_eq!(
            figures(Some(600), Some(600), None).judge(voice, 30).0,
            QualityReading::Good
        );
        assert_eq!(
            figures(Some(50), Some(50), None).judge(voice, 30).0,
            QualityReading::MayStutter
        );
        // The queue: 30 ms idle, 250 ms while uploading is past 100 ms…
        let (reading, past) = figures(None, None, Some(250)).judge(video, 30);
        assert_eq!(reading, QualityReading::MayStutter);
        assert_eq!(
            past,
            [PastLimit::LoadedRtt {
                ms: 250.0,
                limit_ms: 100.0
            }]
        );
        // …but a path already past it idle says nothing new under load.
        assert!(figures(None, None, Some(250))
            .judge(video, 120)
            .1
            .is_empty());
        assert_eq!(
            figures(None, None, Some(700)).judge(video, 30).0,
            QualityReading::WillBreak
        );
        // Twilio's 400 ms limit holds under load too.
        assert!(figures(None, None, Some(250))
            .judge(QualityStandard::TwilioPreflight, 30)
            .1
            .is_empty());
    }

    #[test]
    fn the_worst_reading_decides_and_every_reason_is_kept() {
        let stream =
            StreamResult::from_echoes(QualityStandard::Generic, 3478, &echoes(&[Some(120.0); 50]));
        let bandwidth = BandwidthResult {
            down_kbps: Some(20_000),
            up_kbps: Some(100),
            loaded_rtt_ms: None,
        };
        let judgement = stream.judge_with(Some(&bandwidth));
        assert_eq!(judgement.reading, QualityReading::WillBreak);
        assert!(matches!(
            judgement.past_limits[..],
            [PastLimit::Rtt { .. }, PastLimit::Upload { .. }]
        ));
        assert_eq!(stream.judge().reading, QualityReading::MayStutter);
        assert!(bandwidth.is_plausible());
        assert!(!BandwidthResult {
            up_kbps: Some(MAX_PLAUSIBLE_KBPS + 1),
            ..bandwidth
        }
        .is_plausible());
    }

    #[test]
    fn short_transfers_do_not_count_when_long_ones_exist() {
        let mut plan = BandwidthPlan::new(u64::MAX);
        // A 100 kB transfer inflated by the round trip reads far too slow.
        plan.record(Transfer {
            bytes: 100_000,
            ms: 200.0,
        });
        plan.record(Transfer {
            bytes: 1_600_000,
            ms: 1280.0,
        });
        assert!((plan.bits_per_second().unwrap() - 10_000_000.0).abs() < 1.0);
    }
}
