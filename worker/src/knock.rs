//! Knocks from outside: a TCP handshake to the client's own public address,
//! then close, with nothing sent. Which addresses and ports may be knocked on
//! is core's (`inbound`); this holds the per-address budget, the one knock
//! in flight per address and port, and the socket.

use std::collections::HashSet;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use doorway_core::browser::Untestable;
use doorway_core::inbound::{knockable, Unknockable};
use doorway_core::plan::{classify, Attempt};
use doorway_core::ProbeOutcome;
use tokio::net::TcpStream;

use crate::limit::{client_group, RateLimit};

/// Knocks one address group may ask for per window: a profile has at most
/// a handful of inbound ports, and a person may try again after fixing the
/// router.
pub const KNOCKS_PER_WINDOW: u32 = 32;
pub const KNOCK_WINDOW_SECS: u64 = 600;
/// A forward that works answers within a round trip or two.
pub const KNOCK_TIMEOUT: Duration = Duration::from_secs(3);

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum KnockError {
    #[error("{0}")]
    Unknockable(Unknockable),
    #[error("too many checks from outside for this address; try again in {retry_after} seconds")]
    TooMany { retry_after: u64 },
    #[error("a check from outside on port {0} is already running for this address")]
    InFlight(u16),
}

pub struct Knocker {
    allow_private: bool,
    timeout: Duration,
    budget: RateLimit,
    in_flight: Mutex<HashSet<(IpAddr, u16)>>,
}

impl Knocker {
    /// `allow_private`: a lab may knock on its own private or test ranges.
    pub fn new(allow_private: bool) -> Knocker {
        Knocker {
            allow_private,
            timeout: KNOCK_TIMEOUT,
            budget: RateLimit::new(KNOCKS_PER_WINDOW.into(), KNOCK_WINDOW_SECS),
            in_flight: Mutex::new(HashSet::new()),
        }
    }

    /// Knocks on `client` (the address the request came from, nothing the
    /// request says), TCP `port`. Behind a carrier-grade NAT no knock is
    /// made: a forward cannot work there, and that is the answer.
    pub async fn knock(
        &self,
        client: IpAddr,
        port: u16,
        now_secs: u64,
    ) -> Result<ProbeOutcome, KnockError> {
        let client = client.to_canonical();
        match knockable(client, self.allow_private) {
            Err(Unknockable::CarrierNat) => {
                return Ok(ProbeOutcome::NotTestable {
                    reason: Untestable::CarrierNat,
                })
            }
            Err(reason) => return Err(KnockError::Unknockable(reason)),
            Ok(()) => {}
        }
        let _guard = InFlight::claim(&self.in_flight, (client_group(client), port))
            .ok_or(KnockError::InFlight(port))?;
        self.budget
            .check(client, now_secs)
            .map_err(|retry_after| KnockError::TooMany { retry_after })?;
        let timeout_ms = self.timeout.as_millis() as u32;
        let started = Instant::now();
        let attempt =
            match tokio::time::timeout(self.timeout, TcpStream::connect((client, port))).await {
                // Dropped at once: the handshake is the whole knock.
                Ok(Ok(_stream)) => Attempt::Answered,
                Ok(Err(_)) => Attempt::Failed,
                Err(_) => Attempt::TimedOut,
            };
        let elapsed = started.elapsed().as_millis().min(u128::from(u32::MAX)) as u32;
        Ok(classify(attempt, elapsed, timeout_ms))
    }
}

/// One knock per address group and port at a time; released on drop, also
/// when the request is cancelled.
struct InFlight<'a> {
    set: &'a Mutex<HashSet<(IpAddr, u16)>>,
    key: (IpAddr, u16),
}

impl<'a> InFlight<'a> {
    fn claim(set: &'a Mutex<HashSet<(IpAddr, u16)>>, key: (IpAddr, u16)) -> Option<InFlight<'a>> {
        let newly = set.lock().ok()?.insert(key);
        // Lazily: a guard made and dropped here would lock the set again.
        newly.then(|| InFlight { set, key })
    }
}

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        if let Ok(mut held) = self.set.lock() {
            held.remove(&self.key);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_listening_port_is_open_and_a_closed_one_refused() {
        let knocker = Knocker::new(true);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let open = listener.local_addr().unwrap().port();
        let outcome = knocker.knock(IpAddr::from([127, 0, 0, 1]), open, 0).await;
        assert!(
            matches!(outcome, Ok(ProbeOutcome::Reachable { .. })),
            "{outcome:?}"
        );
        drop(listener);
        let outcome = knocker.knock(IpAddr::from([127, 0, 0, 1]), open, 0).await;
        assert!(
            matches!(outcome, Ok(ProbeOutcome::Refused { .. })),
            "{outcome:?}"
        );
    }

    #[tokio::test]
    async fn private_addresses_only_in_a_lab_and_carrier_nat_is_not_knocked() {
        let knocker = Knocker::new(false);
        let loopback = IpAddr::from([127, 0, 0, 1]);
        assert_eq!(
            knocker.knock(loopback, 57536, 0).await,
            Err(KnockError::Unknockable(Unknockable::NotPublic))
        );
        assert_eq!(
            knocker.knock(IpAddr::from([100, 64, 1, 2]), 57536, 0).await,
            Ok(ProbeOutcome::NotTestable {
                reason: Untestable::CarrierNat
            })
        );
    }

    #[tokio::test]
    async fn the_budget_runs_out_and_one_port_is_knocked_once_at_a_time() {
        let knocker = Knocker::new(true);
        let client = IpAddr::from([127, 0, 0, 1]);
        let guard = InFlight::claim(&knocker.in_flight, (client, 47)).unwrap();
        assert_eq!(
            knocker.knock(client, 47, 0).await,
            Err(KnockError::InFlight(47))
        );
        drop(guard);
        for _ in 0..KNOCKS_PER_WINDOW {
            assert!(knocker.knock(client, 47, 0).await.is_ok());
        }
        assert_eq!(
            knocker.knock(client, 47, 0).await,
            Err(KnockError::TooMany {
                retry_after: KNOCK_WINDOW_SECS
            })
        );
    }
}
