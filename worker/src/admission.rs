//! Who gets a connection: a cap over all ports, derived from the open-file
//! budget, and a fair share of it per client group (an IPv4 address, an IPv6
//! /64), so one address cannot hold every slot and make every check in the
//! world read "filtered". WebSockets keep their slot for as long as they live.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use crate::limit::client_group;

/// File descriptors kept back for what is not a client connection: the
/// listeners, the UDP sockets, SQLite, coturn's pipes, stdio.
const RESERVED_FILES: u64 = 256;
/// More connections than this would cost more memory than the FDs are worth
/// (each may hold a 32 KiB header buffer and a TLS session).
const MAX_TOTAL: u64 = 16_384;
/// A check opens a few dozen connections (one or two per probed port, the
/// API, the WebSocket); a household or a carrier-grade NAT may run several.
const MAX_PER_CLIENT: usize = 256;
const MIN_PER_CLIENT: usize = 64;

/// How many connections are served at once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConnectionCaps {
    /// Over all ports and clients.
    pub total: usize,
    /// Per client group.
    pub per_client: usize,
}

impl ConnectionCaps {
    /// The caps an open-file limit allows: everything but a reserve, at most
    /// [`MAX_TOTAL`]; a client gets a sixteenth of that, from 64 to 256.
    pub fn from_open_files(limit: u64) -> ConnectionCaps {
        let total = limit.saturating_sub(RESERVED_FILES).clamp(16, MAX_TOTAL) as usize;
        let per_client = (total / 16)
            .clamp(MIN_PER_CLIENT, MAX_PER_CLIENT)
            .min(total);
        ConnectionCaps { total, per_client }
    }
}

impl Default for ConnectionCaps {
    /// What the usual 1,024 open files allow: for tests.
    fn default() -> ConnectionCaps {
        ConnectionCaps::from_open_files(1024)
    }
}

/// Raises this process's soft open-file limit to its hard limit and returns
/// the limit now in force.
pub fn raise_open_file_limit() -> std::io::Result<u64> {
    let mut limit = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit/setrlimit only read and write the struct given.
    if unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) } != 0 {
        return Err(std::io::Error::last_os_error());
    }
    if limit.rlim_cur < limit.rlim_max {
        let raised = libc::rlimit {
            rlim_cur: limit.rlim_max,
            rlim_max: limit.rlim_max,
        };
        if unsafe { libc::setrlimit(libc::RLIMIT_NOFILE, &raised) } == 0 {
            return Ok(raised.rlim_cur);
        }
    }
    Ok(limit.rlim_cur)
}

/// The connection slots of one server.
pub struct Admission {
    caps: ConnectionCaps,
    total: Arc<Semaphore>,
    per_client: Mutex<HashMap<IpAddr, usize>>,
}

/// One admitted connection. Dropping it frees the slot; a WebSocket holds
/// it (in the request's extensions) after the HTTP connection is handed over.
#[derive(Clone)]
pub struct Slot(#[allow(dead_code)] Arc<SlotInner>);

struct SlotInner {
    admission: Arc<Admission>,
    group: IpAddr,
    _permit: OwnedSemaphorePermit,
}

impl Drop for SlotInner {
    fn drop(&mut self) {
        let mut clients = self.admission.lock_clients();
        if let Some(count) = clients.get_mut(&self.group) {
            *count -= 1;
            if *count == 0 {
                clients.remove(&self.group);
            }
        }
    }
}

impl Admission {
    pub fn new(caps: ConnectionCaps) -> Arc<Admission> {
        Arc::new(Admission {
            caps,
            total: Arc::new(Semaphore::new(caps.total)),
            per_client: Mutex::new(HashMap::new()),
        })
    }

    fn lock_clients(&self) -> std::sync::MutexGuard<'_, HashMap<IpAddr, usize>> {
        // The map holds plain counts, so a panic elsewhere leaves it usable.
        self.per_client
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Waits until the server has room for one more connection. Accept loops
    /// call this before accepting, so the kernel's backlog queues the rest.
    pub async fn room(&self) -> Option<OwnedSemaphorePermit> {
        self.total.clone().acquire_owned().await.ok()
    }

    /// Admits a connection from `peer` into `room`, unless its client group
    /// already has its share (then the connection should be closed at once).
    pub fn admit(self: &Arc<Self>, room: OwnedSemaphorePermit, peer: IpAddr) -> Option<Slot> {
        let group = client_group(peer);
        let mut clients = self.lock_clients();
        let count = clients.entry(group).or_insert(0);
        if *count >= self.caps.per_client {
            return None;
        }
        *count += 1;
        drop(clients);
        Some(Slot(Arc::new(SlotInner {
            admission: self.clone(),
            group,
            _permit: room,
        })))
    }

    /// Connections open now.
    pub fn open(&self) -> usize {
        self.caps.total - self.total.available_permits()
    }

    /// Stops admitting and waits up to `grace` for every slot to be freed;
    /// true when all were.
    pub async fn drain(&self, grace: Duration) -> bool {
        let all = u32::try_from(self.caps.total).unwrap_or(u32::MAX);
        let drained = tokio::time::timeout(grace, self.total.acquire_many(all)).await;
        self.total.close();
        matches!(drained, Ok(Ok(_)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn caps_follow_the_open_file_limit() {
        assert_eq!(
            ConnectionCaps::from_open_files(1024),
            ConnectionCaps {
                total: 768,
                per_client: 64
            }
        );
        assert_eq!(
            ConnectionCaps::from_open_files(20_000),
            ConnectionCaps {
                total: 16_384,
                per_client: 256
            }
        );
        assert_eq!(
            ConnectionCaps::from_open_files(8_192),
            ConnectionCaps {
                total: 7_936,
                per_client: 256
            }
        );
        // A tiny limit still serves someone, and never more than it has.
        let tiny = ConnectionCaps::from_open_files(100);
        assert_eq!(tiny.total, 16);
        assert!(tiny.per_client <= tiny.total);
    }

    #[tokio::test]
    async fn one_client_group_gets_its_share_and_no_more() {
        let admission = Admission::new(ConnectionCaps {
            total: 10,
            per_client: 2,
        });
        let attacker: IpAddr = "2001:db8:1:2::1".parse().unwrap();
        let same_64: IpAddr = "2001:db8:1:2::ffff".parse().unwrap();
        let other: IpAddr = "198.18.0.7".parse().unwrap();
        let first = admission.admit(admission.room().await.unwrap(), attacker);
        let second = admission.admit(admission.room().await.unwrap(), same_64);
        assert!(first.is_some() && second.is_some());
        assert!(
            admission
                .admit(admission.room().await.unwrap(), attacker)
                .is_none(),
            "a third connection from the same /64 is refused"
        );
        assert_eq!(admission.open(), 2, "a refused connection frees its room");
        let theirs = admission.admit(admission.room().await.unwrap(), other);
        assert!(theirs.is_some(), "another client still gets in");

        // A slot held elsewhere (a WebSocket) keeps counting until its last clone goes.
        let websocket = first.clone();
        drop(first);
        assert!(admission
            .admit(admission.room().await.unwrap(), attacker)
            .is_none());
        drop(websocket);
        assert!(admission
            .admit(admission.room().await.unwrap(), attacker)
            .is_some());
    }

    #[tokio::test]
    async fn drain_waits_for_open_connections_within_the_grace() {
        let admission = Admission::new(ConnectionCaps {
            total: 4,
            per_client: 4,
        });
        let peer: IpAddr = "198.18.0.1".parse().unwrap();
        let slot = admission.admit(admission.room().await.unwrap(), peer);
        assert!(!admission.drain(Duration::from_millis(50)).await);

        let admission = Admission::new(ConnectionCaps {
            total: 4,
            per_client: 4,
        });
        let slot2 = admission.admit(admission.room().await.unwrap(), peer);
        let held = tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(50)).await;
            drop(slot2);
        });
        assert!(admission.drain(Duration::from_secs(5)).await);
        assert!(admission.room().await.is_none(), "no new room after drain");
        held.await.unwrap();
        drop(slot);
    }
}
