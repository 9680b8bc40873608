//! The state of one page: configuration, chosen profile, and the run in
//! progress. A pure reducer; the probes run outside and send their answers in.

use std::collections::HashMap;
use std::rc::Rc;

use doorway_core::advice::advise;
use doorway_core::api::{ConfigResponse, EchoResponse};
use doorway_core::nat::NatResult;
use doorway_core::plan::ProbeTarget;
use doorway_core::profile::CustomProfileError;
use doorway_core::quality::{BandwidthResult, StreamResult};
use doorway_core::result::{ClientInfo, ProfileRef, RelayResult, ServerRef};
use doorway_core::{
    CheckPlan, CheckResult, Direction, ProbeOutcome, Profile, Protocol, Verdict, RESULT_SCHEMA,
};
use yew::Reducible;

use crate::probe::RelayWay;

#[derive(Debug, Clone, PartialEq)]
pub enum Phase {
    LoadingConfig,
    ConfigFailed(String),
    Ready,
    Running,
    Finished,
}

/// A run in progress or finished.
#[derive(Debug, Clone, PartialEq)]
pub struct Run {
    pub id: u32,
    pub profile: Rc<Profile>,
    pub custom_spec: Option<String>,
    pub plan: Rc<CheckPlan>,
    pub total: usize,
    pub answers: HashMap<ProbeTarget, ProbeOutcome>,
    /// `None` until /api/echo answered or failed.
    pub echo: Option<Option<EchoResponse>>,
    /// `None` until the NAT comparison finished.
    pub nat: Option<NatResult>,
    /// `None` until the relay check finished.
    pub relay: Option<RelayResult>,
    /// `None` until the WebSocket check finished.
    pub websocket: Option<ProbeOutcome>,
    pub started_at: String,
    pub started_ms: f64,
    pub server: ServerRef,
    pub user_agent: String,
    pub result: Option<Rc<CheckResult>>,
    /// Inbound ports the server is knocking on now.
    pub knocking: Vec<u16>,
    /// Why the last check from outside could not run.
    pub knock_error: Option<String>,
    /// The quality check, which starts once the verdict is in.
    pub quality: QualityRun,
}

/// Where the quality check is: it never holds up the verdict.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum QualityRun {
    /// Not started, or the profile has no calls or video to judge.
    #[default]
    NotStarted,
    Measuring,
    /// The stream is measured; download and upload are being measured.
    MeasuringSpeed(StreamResult),
    /// Both are in; the transfers may have failed (the reason, in English).
    Measured {
        stream: StreamResult,
        bandwidth: Result<BandwidthResult, String>,
    },
    /// No UDP port answered, so there is no path to stream over.
    NoUdp,
    /// This browser could not test UDP at all (no WebRTC, or it may send
    /// nothing): another browser could.
    BrowserCannot,
    /// The stream could not run; the reason, in English (the server's or
    /// the browser's own words).
    Failed(String),
}

/// Where the quality stream runs to the server's echo on UDP `port`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StreamPath {
    Direct(u16),
    Relay { port: u16, way: RelayWay },
}

impl QualityRun {
    /// The stream's figures, once measured.
    pub fn stream(&self) -> Option<&StreamResult> {
        match self {
            QualityRun::MeasuringSpeed(stream) | QualityRun::Measured { stream, .. } => {
                Some(stream)
            }
            _ => None,
        }
    }

    /// Download, upload and the round trip under load, once measured.
    pub fn bandwidth(&self) -> Option<&BandwidthResult> {
        match self {
            QualityRun::Measured {
                bandwidth: Ok(bandwidth),
                ..
            } => Some(bandwidth),
            _ => None,
        }
    }
}

impl Run {
    /// The answers for outbound UDP ports, the ones a call's media uses.
    fn outbound_udp(&self) -> impl Iterator<Item = (&ProbeTarget, &ProbeOutcome)> {
        self.answers.iter().filter(|(target, _)| {
            target.protocol == Protocol::Udp && target.direction == Direction::Outbound
        })
    }

    /// The UDP port the quality stream runs on: of those that answered
    /// STUN straight from the page, the quickest.
    pub fn stream_port(&self) -> Option<u16> {
        self.outbound_udp()
            .filter_map(|(target, outcome)| match outcome {
                ProbeOutcome::Reachable { ms } => Some((*ms, target.port)),
                _ => None,
            })
            .min()
            .map(|(_, port)| port)
    }

    /// Where the quality stream goes: straight over the quickest UDP port
    /// that answered; through the relay (the way calls would go) when only
    /// the relay got through and the server's relay forwards to its echo
    /// (`relay_reaches_echo`); or why it cannot run.
    pub fn stream_path(&self, relay_reaches_echo: bool) -> Result<StreamPath, QualityRun> {
        if let Some(port) = self.stream_port() {
            return Ok(StreamPath::Direct(port));
        }
        if self.udp_untestable_here() {
            return Err(QualityRun::BrowserCannot);
        }
        let way = self
            .relay
            .as_ref()
            .filter(|_| relay_reaches_echo)
            .and_then(RelayWay::first_working);
        // Any UDP port the server answers on: the relay reaches them all.
        let served = self
            .outbound_udp()
            .filter(|(_, outcome)| {
                !matches!(
                    outcome,
                    ProbeOutcome::NotServed | ProbeOutcome::NotTestable { .. }
                )
            })
            .map(|(target, _)| target.port)
            .min();
        match (way, served) {
            (Some(way), Some(port)) => Ok(StreamPath::Relay { port, way }),
            _ => Err(QualityRun::NoUdp),
        }
    }

    /// Whether this browser, not the network, kept every outbound UDP port
    /// from being tested.
    pub fn udp_untestable_here(&self) -> bool {
        let mut udp = self.outbound_udp().peekable();
        udp.peek().is_some()
            && udp.all(|(_, outcome)| {
                matches!(outcome, ProbeOutcome::NotTestable { reason } if reason.is_this_browser())
            })
    }

    pub fn done(&self) -> bool {
        self.plan
            .pending(&self.answers)
            .iter()
            .all(|&left| left == 0)
            && self.echo.is_some()
            && self.nat.is_some()
            && self.relay.is_some()
            && self.websocket.is_some()
    }

    fn finish(&mut self, now_ms: f64) {
        let requirements = self.plan.results(&self.answers);
        let relay_works = self.relay.is_some_and(|r| r.works());
        let quality = self.quality.stream().copied();
        let bandwidth = self.quality.bandwidth().copied();
        let advice = advise(
            &requirements,
            self.nat.as_ref(),
            self.relay.as_ref(),
            &self.profile.advice,
            quality.as_ref().map(|q| (q, bandwidth.as_ref())),
        );
        let verdict = Verdict::from_results(&requirements, relay_works);
        let echo = self.echo.clone().flatten();
        let public_address = echo.as_ref().map(|echo| echo.address.clone());
        let network = echo.and_then(|echo| echo.network);
        // A knock after the check changes the result, not how long it took.
        let duration_ms = match &self.result {
            Some(result) => result.duration_ms,
            None => (now_ms - self.started_ms).max(0.0) as u64,
        };
        self.result = Some(Rc::new(CheckResult {
            schema: RESULT_SCHEMA.into(),
            started_at: self.started_at.clone(),
            duration_ms,
            profile: ProfileRef {
                id: self.profile.id.clone(),
                name: self.profile.name.clone(),
                custom: self.custom_spec.clone(),
            },
            server: self.server.clone(),
            client: ClientInfo {
                user_agent: self.user_agent.clone(),
                public_address,
                network,
            },
            requirements,
            nat: self.nat.clone(),
            relay: self.relay,
            websocket: self.websocket,
            advice,
            verdict,
            quality,
            bandwidth,
        }));
    }
}

/// A problem with the page's address, shown instead of running.
#[derive(Debug, Clone, PartialEq)]
pub enum Notice {
    UnknownProfile(String),
    BadPorts(CustomProfileError),
}

#[derive(Debug, Clone, PartialEq)]
pub struct PageState {
    pub phase: Phase,
    pub config: Option<Rc<ConfigResponse>>,
    /// The profile to check: a built-in one or one from the address.
    pub profile: Option<Rc<Profile>>,
    /// A problem with the address (unknown profile, bad port list).
    pub notice: Option<Notice>,
    pub run: Option<Run>,
    next_run_id: u32,
}

impl Default for PageState {
    fn default() -> Self {
        PageState {
            phase: Phase::LoadingConfig,
            config: None,
            profile: None,
            notice: None,
            run: None,
            next_run_id: 1,
        }
    }
}

pub enum Action {
    ConfigLoaded {
        config: Box<ConfigResponse>,
        profile: Option<Box<Profile>>,
        notice: Option<Notice>,
    },
    ConfigFailed(String),
    /// The profiles again, with their texts in the language switched to
    /// (the configuration carries the page's language's only).
    ProfilesTranslated(Vec<Profile>),
    Choose(String),
    Started(Box<Run>),
    Answer {
        run: u32,
        target: ProbeTarget,
        outcome: ProbeOutcome,
        now_ms: f64,
    },
    Echo {
        run: u32,
        echo: Option<EchoResponse>,
        now_ms: f64,
    },
    Nat {
        run: u32,
        nat: NatResult,
        now_ms: f64,
    },
    Relay {
        run: u32,
        relay: RelayResult,
        now_ms: f64,
    },
    WebSocket {
        run: u32,
        outcome: ProbeOutcome,
        now_ms: f64,
    },
    /// The server starts knocking on these inbound ports.
    Knocking {
        run: u32,
        ports: Vec<u16>,
    },
    /// The quality check starts, or cannot (`NoUdp`, `BrowserCannot`), or ended.
    Quality {
        run: u32,
        quality: QualityRun,
        now_ms: f64,
    },
    /// A knock's answer, or why there is none.
    Knocked {
        run: u32,
        port: u16,
        outcome: Result<ProbeOutcome, String>,
        now_ms: f64,
    },
}

impl PageState {
    pub fn next_run_id(&self) -> u32 {
        self.next_run_id
    }
}

impl PageState {
    /// Applies `change` to the current run and finishes it once every answer
    /// is in. Answers for an older run (the user started again) are dropped.
    fn update_run(
        self: Rc<Self>,
        run: u32,
        now_ms: f64,
        change: impl FnOnce(&mut Run),
    ) -> Rc<Self> {
        if self.run.as_ref().map(|r| r.id) != Some(run) {
            return self;
        }
        let mut state = (*self).clone();
        if let Some(current) = state.run.as_mut() {
            change(current);
            if current.done() {
                current.finish(now_ms);
                state.phase = Phase::Finished;
            }
        }
        Rc::new(state)
    }
}

impl Reducible for PageState {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut state = match action {
            Action::Answer {
                run,
                target,
                outcome,
                now_ms,
            } => {
                return self.update_run(run, now_ms, |r| {
                    r.answers.insert(target, outcome);
                })
            }
            Action::Echo { run, echo, now_ms } => {
                return self.update_run(run, now_ms, |r| r.echo = Some(echo))
            }
            Action::Nat { run, nat, now_ms } => {
                return self.update_run(run, now_ms, |r| r.nat = Some(nat))
            }
            Action::Relay { run, relay, now_ms } => {
                return self.update_run(run, now_ms, |r| r.relay = Some(relay))
            }
            Action::WebSocket {
                run,
                outcome,
                now_ms,
            } => return self.update_run(run, now_ms, |r| r.websocket = Some(outcome)),
            Action::Quality {
                run,
                quality,
                now_ms,
            } => return self.update_run(run, now_ms, |r| r.quality = quality),
            Action::Knocking { run, ports } => {
                return self.update_run(run, 0.0, |r| {
                    r.knock_error = None;
                    r.knocking.extend(ports);
                })
            }
            Action::Knocked {
                run,
                port,
                outcome,
                now_ms,
            } => {
                return self.update_run(run, now_ms, |r| {
                    r.knocking.retain(|&p| p != port);
                    match outcome {
                        Ok(outcome) => {
                            let target = ProbeTarget {
                                direction: Direction::Inbound,
                                ..ProbeTarget::outbound(Protocol::Tcp, port)
                            };
                            r.answers.insert(target, outcome);
                        }
                        Err(message) => r.knock_error = Some(message),
                    }
                })
            }
            _ => (*self).clone(),
        };
        match action {
            Action::ConfigLoaded {
                config,
                profile,
                notice,
            } => {
                state.profile = profile
                    .map(|p| *p)
                    .or_else(|| config.profiles.first().cloned())
                    .map(Rc::new);
                state.config = Some(Rc::new(*config));
                state.notice = notice;
                state.phase = Phase::Ready;
            }
            Action::ConfigFailed(message) => state.phase = Phase::ConfigFailed(message),
            Action::ProfilesTranslated(profiles) => {
                if let Some(config) = &state.config {
                    let config = ConfigResponse {
                        profiles,
                        probe: config.probe.clone(),
                    };
                    // The same profile, in its new words; one from the
                    // address (custom ports) is not in the list and stays.
                    state.profile = state.profile.take().map(|chosen| {
                        config
                            .profiles
                            .iter()
                            .find(|p| p.id == chosen.id)
                            .map_or(chosen, |p| Rc::new(p.clone()))
                    });
                    state.config = Some(Rc::new(config));
                }
            }
            Action::Choose(id) => {
                let chosen = state
                    .config
                    .as_ref()
                    .and_then(|c| c.profiles.iter().find(|p| p.id == id).cloned());
                if let Some(profile) = chosen {
                    state.profile = Some(Rc::new(profile));
                    state.notice = None;
                    state.run = None;
                    state.phase = Phase::Ready;
                }
            }
            Action::Started(run) => {
                state.next_run_id = run.id + 1;
                state.run = Some(*run);
                state.phase = Phase::Running;
            }
            Action::Answer { .. }
            | Action::Echo { .. }
            | Action::Nat { .. }
            | Action::Relay { .. }
            | Action::WebSocket { .. }
            | Action::Quality { .. }
            | Action::Knocking { .. }
            | Action::Knocked { .. } => {}
        }
        Rc::new(state)
    }
}
