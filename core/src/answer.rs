//! Answer first: the one next step a person takes after the verdict
//! (whatever the verdict, "ready" included), and the questions a support
//! agent asks the person who ran the check. Both are message ids; the page
//! words them in its language.

use crate::advice::{msg, Advice};
use crate::network::NetworkSeen;
use crate::profile::Direction;
use crate::result::{CheckResult, RequirementStatus};
use crate::verdict::Overall;

/// What to do right after reading the verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NextStep {
    /// Nothing on the network stands in the way: if the device still
    /// fails, look at the device, and send the result to support.
    LookAtTheDevice,
    /// Some optional or intermittent parts fail.
    TryTheStepsOrSend,
    /// Something required is blocked: the steps below, then check again.
    FollowTheSteps,
    /// Only direct UDP is blocked; a relay works.
    RelayOrAllowUdp,
    /// Something answers in the server's place: sign in, or ask IT.
    SignInFirst,
    /// This browser could not test everything: another browser can.
    OtherBrowser,
    /// Neither this browser nor this server could check everything.
    SendToSupport,
    /// Outgoing traffic passed; incoming ports wait for the check from
    /// outside, which the server offers.
    CheckFromOutside,
}

/// `knocks_offered`: the server checks incoming ports from outside.
pub fn next_step(result: &CheckResult, knocks_offered: bool) -> NextStep {
    let inbound_waiting = result.requirements.iter().any(|r| {
        r.can_be_knocked()
            && r.status
                == RequirementStatus::Untested {
                    reason: crate::result::UntestedReason::Inbound,
                }
    });
    let outgoing_fine = matches!(
        result.verdict.overall,
        Overall::Ready | Overall::Partly | Overall::CouldNotTell
    );
    if knocks_offered && inbound_waiting && outgoing_fine {
        return NextStep::CheckFromOutside;
    }
    match result.verdict.overall {
        Overall::Ready => NextStep::LookAtTheDevice,
        Overall::Partly => NextStep::TryTheStepsOrSend,
        Overall::NotReady => NextStep::FollowTheSteps,
        Overall::RelayNeeded => NextStep::RelayOrAllowUdp,
        Overall::Intercepted => NextStep::SignInFirst,
        Overall::CouldNotTell if result.verdict.this_browser.iter().any(|f| f.required) => {
            NextStep::OtherBrowser
        }
        Overall::CouldNotTell => NextStep::SendToSupport,
    }
}

/// Its message, which takes the profile's name as `$profile`.
pub fn next_step_id(step: NextStep) -> &'static str {
    match step {
        NextStep::LookAtTheDevice => msg("next-look-at-the-device"),
        NextStep::TryTheStepsOrSend => msg("next-try-the-steps"),
        NextStep::FollowTheSteps => msg("next-follow-the-steps"),
        NextStep::RelayOrAllowUdp => msg("next-relay-or-allow-udp"),
        NextStep::SignInFirst => msg("next-sign-in-first"),
        NextStep::OtherBrowser => msg("next-other-browser"),
        NextStep::SendToSupport => msg("next-send-to-support"),
        NextStep::CheckFromOutside => msg("next-check-from-outside"),
    }
}

/// A question for the person who ran the check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Question {
    /// The check only tells about the network it ran on.
    SameNetwork,
    /// The server saw a mobile carrier: the phone was likely on mobile data.
    MobileData,
    /// A captive portal or a proxy answered.
    SignInPage,
    RouterModel,
    /// Firewall, parental controls, "security" features of the router.
    SecurityFeatures,
    /// A second router (double NAT) in front of the first.
    SecondRouter,
    /// An inbound port: where the forward points.
    ForwardTarget,
    SipAlg,
    /// Another browser on the same network.
    OtherBrowser,
    /// The network passed: the device's own Wi-Fi where it stands.
    DeviceSignal,
    /// When exactly it fails.
    WhenItFails,
}

/// What support should ask, most useful first, drawn from the result.
pub fn support_questions(result: &CheckResult) -> Vec<Question> {
    let mut questions = Vec::new();
    let overall = result.verdict.overall;
    let mobile = result
        .client
        .network
        .as_ref()
        .is_some_and(NetworkSeen::is_mobile_carrier);
    questions.push(if mobile {
        Question::MobileData
    } else {
        Question::SameNetwork
    });
    let failed = |wanted: fn(&RequirementStatus) -> bool| {
        result
            .requirements
            .iter()
            .any(|r| r.status.is_failure() && wanted(&r.status))
    };
    if failed(|s| matches!(s, RequirementStatus::Intercepted { .. })) {
        questions.push(Question::SignInPage);
    }
    if failed(|s| {
        matches!(
            s,
            RequirementStatus::Blocked { .. } | RequirementStatus::Partial { .. }
        )
    }) {
        questions.push(Question::RouterModel);
        questions.push(Question::SecurityFeatures);
    }
    let inbound_failed = result
        .requirements
        .iter()
        .any(|r| r.direction == Direction::Inbound && r.status.is_failure());
    if inbound_failed {
        questions.push(Question::ForwardTarget);
    }
    if result
        .advice
        .iter()
        .any(|a| matches!(a, Advice::SingleNat | Advice::SingleNatUnseen))
    {
        questions.push(Question::SecondRouter);
    }
    if result.advice.contains(&Advice::DisableSipAlg) {
        questions.push(Question::SipAlg);
    }
    if !result.verdict.this_browser.is_empty() {
        questions.push(Question::OtherBrowser);
    }
    if matches!(overall, Overall::Ready | Overall::Partly) {
        questions.push(Question::DeviceSignal);
    }
    if overall != Overall::NotReady && overall != Overall::Intercepted {
        questions.push(Question::WhenItFails);
    }
    questions
}

pub fn question_id(question: Question) -> &'static str {
    match question {
        Question::SameNetwork => msg("ask-same-network"),
        Question::MobileData => msg("ask-mobile-data"),
        Question::SignInPage => msg("ask-sign-in-page"),
        Question::RouterModel => msg("ask-router-model"),
        Question::SecurityFeatures => msg("ask-security-features"),
        Question::SecondRouter => msg("ask-second-router"),
        Question::ForwardTarget => msg("ask-forward-target"),
        Question::SipAlg => msg("ask-sip-alg"),
        Question::OtherBrowser => msg("ask-other-browser"),
        Question::DeviceSignal => msg("ask-device-signal"),
        Question::WhenItFails => msg("ask-when-it-fails"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::network::NetworkKind;
    use crate::profile::Protocol;
    use crate::result::{PortProbe, ProbeOutcome, RequirementResult, UntestedReason};
    use crate::verdict::Verdict;

    fn requirement(direction: Direction, status: RequirementStatus) -> RequirementResult {
        RequirementResult {
            protocol: Protocol::Tcp,
            ports: "443".parse().unwrap(),
            direction,
            purpose: "p".into(),
            breaks: "b".into(),
            required: true,
            note: None,
            probes: vec![PortProbe {
                port: 443,
                outcome: ProbeOutcome::Reachable { ms: 1 },
            }],
            status,
        }
    }

    fn result_of(requirements: Vec<RequirementResult>) -> CheckResult {
        CheckResult::for_tests("Test".into(), requirements)
    }

    #[test]
    fn every_verdict_has_a_next_step_ready_included() {
        let open = result_of(vec![requirement(
            Direction::Outbound,
            RequirementStatus::Open,
        )]);
        assert_eq!(open.verdict.overall, Overall::Ready);
        assert_eq!(next_step(&open, true), NextStep::LookAtTheDevice);
        let blocked = result_of(vec![requirement(
            Direction::Outbound,
            RequirementStatus::Blocked { filtered: true },
        )]);
        assert_eq!(next_step(&blocked, true), NextStep::FollowTheSteps);
        let intercepted = result_of(vec![requirement(
            Direction::Outbound,
            RequirementStatus::Intercepted {
                intercepted: 1,
                probed: 1,
            },
        )]);
        assert_eq!(next_step(&intercepted, true), NextStep::SignInFirst);
        let no_webrtc = result_of(vec![requirement(
            Direction::Outbound,
            RequirementStatus::Untested {
                reason: UntestedReason::NoWebRtc,
            },
        )]);
        assert_eq!(next_step(&no_webrtc, true), NextStep::OtherBrowser);
        let not_served = result_of(vec![requirement(
            Direction::Outbound,
            RequirementStatus::Untested {
                reason: UntestedReason::NotServed,
            },
        )]);
        assert_eq!(next_step(&not_served, true), NextStep::SendToSupport);
        let mut waiting = result_of(vec![
            requirement(Direction::Outbound, RequirementStatus::Open),
            requirement(
                Direction::Inbound,
                RequirementStatus::Untested {
                    reason: UntestedReason::Inbound,
                },
            ),
        ]);
        assert_eq!(next_step(&waiting, true), NextStep::CheckFromOutside);
        assert_eq!(
            next_step(&waiting, false),
            NextStep::LookAtTheDevice,
            "no knocks offered: nothing to press"
        );
        waiting.requirements[1].status = RequirementStatus::Open;
        assert_eq!(next_step(&waiting, true), NextStep::LookAtTheDevice);
    }

    #[test]
    fn questions_follow_what_failed() {
        let blocked = result_of(vec![
            requirement(
                Direction::Outbound,
                RequirementStatus::Blocked { filtered: false },
            ),
            requirement(
                Direction::Inbound,
                RequirementStatus::Blocked { filtered: true },
            ),
        ]);
        let asked = support_questions(&blocked);
        assert_eq!(
            asked,
            vec![
                Question::SameNetwork,
                Question::RouterModel,
                Question::SecurityFeatures,
                Question::ForwardTarget
            ]
        );
        let mut ready = result_of(vec![requirement(
            Direction::Outbound,
            RequirementStatus::Open,
        )]);
        assert_eq!(
            support_questions(&ready),
            vec![
                Question::SameNetwork,
                Question::DeviceSignal,
                Question::WhenItFails
            ]
        );
        ready.client.network = Some(NetworkSeen::Found {
            asn: Some(64500),
            operator: None,
            country: None,
            kind: NetworkKind::MobileCarrier,
        });
        assert_eq!(support_questions(&ready)[0], Question::MobileData);
        ready.advice = vec![Advice::DisableSipAlg, Advice::SingleNatUnseen];
        let asked = support_questions(&ready);
        assert!(asked.contains(&Question::SipAlg) && asked.contains(&Question::SecondRouter));
        // The verdict decides; a result built here keeps it in step.
        assert_eq!(
            ready.verdict,
            Verdict::from_results(&ready.requirements, false)
        );
    }
}
