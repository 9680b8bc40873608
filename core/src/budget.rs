//! How long each probe may take on this path. One fixed timeout cannot fit
//! both a fibre line and a satellite link: the page measures one round trip
//! first, and each probe gets the round trips its handshake needs, with the
//! configured timeout as the floor (a good network is as fast as ever) and
//! a ceiling (a dropped port still reads filtered within seconds).

use crate::ProbeOutcome;

/// What a probe has to complete before it can answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Handshake {
    /// `fetch` of `/probe`: TCP, then the request; `tls` adds TLS 1.3.
    Fetch { tls: bool },
    /// One STUN Binding request (a UDP port, the NAT comparison).
    Stun,
    /// TURN Allocate over UDP: challenged once, then allocated.
    TurnUdp,
    /// TURN over TCP: the connection, then the two Allocates.
    TurnTcp,
    /// TURN over TLS: the connection, TLS 1.2 (coturn's), the two Allocates.
    TurnTls,
    /// WebSocket: the connection (`tls` for wss), the upgrade, one echo.
    WebSocket { tls: bool },
}

impl Handshake {
    /// Round trips until the answer, with no loss.
    pub fn round_trips(self) -> u32 {
        match self {
            Handshake::Fetch { tls } => 2 + u32::from(tls),
            Handshake::Stun => 1,
            Handshake::TurnUdp => 2,
            Handshake::TurnTcp => 3,
            Handshake::TurnTls => 5,
            Handshake::WebSocket { tls } => 3 + u32::from(tls),
        }
    }
}

/// Per-probe time limits for one check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Budgets {
    /// The configured timeout: no probe gets less.
    pub floor_ms: u32,
    /// The measured round trip, when there is one.
    pub rtt_ms: Option<u32>,
}

impl Budgets {
    /// No probe waits longer than this, however slow the path.
    pub const CEILING_MS: u32 = 10_000;
    /// Time for one lost packet to be sent again: TCP's first retransmit
    /// waits 1 s, later ones about three round trips (RTO = SRTT + 4 RTTVAR).
    const LOSS_ALLOWANCE_MIN_MS: u32 = 1_000;
    const LOSS_ALLOWANCE_RTTS: u32 = 3;

    pub fn new(floor_ms: u32, rtt_ms: Option<u32>) -> Budgets {
        Budgets { floor_ms, rtt_ms }
    }

    /// The time `handshake` may take: its round trips with a quarter more
    /// for jitter, plus one lost packet, within the floor and the ceiling.
    pub fn for_handshake(&self, handshake: Handshake) -> u32 {
        let ceiling = Self::CEILING_MS.max(self.floor_ms);
        let Some(rtt) = self.rtt_ms else {
            return self.floor_ms;
        };
        let exchange = rtt
            .saturating_mul(handshake.round_trips())
            .saturating_mul(5)
            / 4;
        let allowance =
            Self::LOSS_ALLOWANCE_MIN_MS.max(rtt.saturating_mul(Self::LOSS_ALLOWANCE_RTTS));
        exchange
            .saturating_add(allowance)
            .clamp(self.floor_ms, ceiling)
    }

    /// Whether the path is slow enough that a budget above the floor was
    /// given somewhere: only then may losses cost a probe its answer.
    pub fn path_is_slow(&self) -> bool {
        self.for_handshake(Handshake::Stun) > self.floor_ms
    }

    /// Whether a probe that ended with `outcome` gets one more try: silence
    /// until the budget on a slow path, where one unlucky loss too many
    /// is likelier than a firewall. On a good path, silence is the answer.
    pub fn retry(&self, outcome: &ProbeOutcome) -> bool {
        self.path_is_slow() && matches!(outcome, ProbeOutcome::Filtered { .. })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_good_path_keeps_the_configured_timeout_for_every_probe() {
        let budgets = Budgets::new(3_000, Some(20));
        for handshake in [
            Handshake::Fetch { tls: true },
            Handshake::Stun,
            Handshake::TurnTls,
            Handshake::WebSocket { tls: true },
        ] {
            assert_eq!(budgets.for_handshake(handshake), 3_000);
        }
        assert!(!budgets.path_is_slow());
        assert!(!budgets.retry(&ProbeOutcome::Filtered { timeout_ms: 3_000 }));
    }

    #[test]
    fn without_a_measurement_the_floor_is_the_budget() {
        let budgets = Budgets::new(3_000, None);
        assert_eq!(budgets.for_handshake(Handshake::TurnTls), 3_000);
        assert!(!budgets.path_is_slow());
    }

    #[test]
    fn a_satellite_path_gives_each_handshake_its_round_trips() {
        // 600 ms round trip: allowance 1.8 s for one loss.
        let budgets = Budgets::new(2_000, Some(600));
        assert_eq!(budgets.for_handshake(Handshake::Stun), 750 + 1_800);
        assert_eq!(
            budgets.for_handshake(Handshake::Fetch { tls: false }),
            1_500 + 1_800
        );
        assert_eq!(budgets.for_handshake(Handshake::TurnTls), 3_750 + 1_800);
        assert_eq!(
            budgets.for_handshake(Handshake::WebSocket { tls: false }),
            2_250 + 1_800
        );
        assert!(budgets.path_is_slow());
    }

    #[test]
    fn more_round_trips_never_get_less_time() {
        let budgets = Budgets::new(1_000, Some(250));
        let ordered = [
            Handshake::Stun,
            Handshake::TurnUdp,
            Handshake::TurnTcp,
            Handshake::TurnTls,
        ];
        for pair in ordered.windows(2) {
            assert!(budgets.for_handshake(pair[0]) <= budgets.for_handshake(pair[1]));
        }
    }

    #[test]
    fn no_path_is_slow_enough_to_pass_the_ceiling() {
        let budgets = Budgets::new(3_000, Some(5_000));
        assert_eq!(
            budgets.for_handshake(Handshake::TurnTls),
            Budgets::CEILING_MS
        );
        // A floor set above the ceiling wins: it is the operator's choice.
        let patient = Budgets::new(15_000, Some(5_000));
        assert_eq!(patient.for_handshake(Handshake::Stun), 15_000);
        // Absurd measurements do not overflow.
        let absurd = Budgets::new(3_000, Some(u32::MAX));
        assert_eq!(
            absurd.for_handshake(Handshake::TurnTls),
            Budgets::CEILING_MS
        );
    }

    #[test]
    fn only_silence_on_a_slow_path_is_tried_again() {
        let slow = Budgets::new(2_000, Some(600));
        assert!(slow.retry(&ProbeOutcome::Filtered { timeout_ms: 3_300 }));
        assert!(!slow.retry(&ProbeOutcome::Refused { ms: 40 }));
        assert!(!slow.retry(&ProbeOutcome::Reachable { ms: 700 }));
    }
}
