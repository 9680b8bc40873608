//! A slow, lossy wire in user space: two interfaces of one namespace joined
//! by AF_PACKET sockets, each frame held for a fixed delay and dropped with a
//! fixed probability. This kernel has no netem qdisc, so the lab's satellite
//! and rural paths are made here.
//!
//! Frames keep their virtio-net header (`PACKET_VNET_HDR`) across the wire, so
//! checksum offload and GSO frames from the veth ends arrive intact. Loss is
//! per frame: a GSO frame lost is several segments lost at once, as a burst.

use std::collections::VecDeque;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Arc};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};

/// How the wire treats every frame, each way.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PathShape {
    /// Added one way; the round trip gains twice this.
    pub one_way: Duration,
    /// Probability that a frame is dropped, 0.0 to 1.0.
    pub loss: f64,
}

impl PathShape {
    /// A geostationary satellite link: 600 ms round trip, 1 % loss.
    pub const SATELLITE: PathShape = PathShape {
        one_way: Duration::from_millis(300),
        loss: 0.01,
    };
}

/// The running wire; dropping it stops and joins its threads.
pub struct Wire {
    stop: Arc<AtomicBool>,
    threads: Vec<JoinHandle<()>>,
}

const ETH_P_ALL: u16 = 0x0003;
const PACKET_IGNORE_OUTGOING: libc::c_int = 23;
/// virtio_net_hdr (10 bytes) + the largest GSO frame a veth hands over.
const FRAME_BUFFER: usize = 10 + 65_536 + 14;

fn check(result: libc::c_int, what: &str) -> Result<()> {
    if result < 0 {
        bail!("{what}: {}", std::io::Error::last_os_error());
    }
    Ok(())
}

/// A raw socket on `interface` of the calling thread's namespace that sees
/// only frames arriving there (not those it sends), with their vnet header.
fn packet_socket(interface: &str) -> Result<OwnedFd> {
    let name = std::ffi::CString::new(interface)?;
    // SAFETY: plain socket calls on a descriptor this function owns; every
    // pointer passed points to a live local of the size given.
    unsafe {
        let fd = libc::socket(
            libc::AF_PACKET,
            libc::SOCK_RAW,
            (ETH_P_ALL.to_be()) as libc::c_int,
        );
        check(fd, "AF_PACKET socket (needs CAP_NET_RAW)")?;
        let fd = OwnedFd::from_raw_fd(fd);
        let one: libc::c_int = 1;
        for (option, what) in [
            (libc::PACKET_VNET_HDR, "PACKET_VNET_HDR"),
            (PACKET_IGNORE_OUTGOING, "PACKET_IGNORE_OUTGOING"),
        ] {
            check(
                libc::setsockopt(
                    fd.as_raw_fd(),
                    libc::SOL_PACKET,
                    option,
                    (&one as *const libc::c_int).cast(),
                    std::mem::size_of::<libc::c_int>() as libc::socklen_t,
                ),
                what,
            )?;
        }
        let index = libc::if_nametoindex(name.as_ptr());
        if index == 0 {
            bail!("no interface {interface} in this namespace");
        }
        let mut address: libc::sockaddr_ll = std::mem::zeroed();
        address.sll_family = libc::AF_PACKET as u16;
        address.sll_protocol = ETH_P_ALL.to_be();
        address.sll_ifindex = index as libc::c_int;
        check(
            libc::bind(
                fd.as_raw_fd(),
                (&address as *const libc::sockaddr_ll).cast(),
                std::mem::size_of::<libc::sockaddr_ll>() as libc::socklen_t,
            ),
            "binding the AF_PACKET socket",
        )?;
        // A receive timeout, so the threads see the stop flag.
        let timeout = libc::timeval {
            tv_sec: 0,
            tv_usec: 100_000,
        };
        check(
            libc::setsockopt(
                fd.as_raw_fd(),
                libc::SOL_SOCKET,
                libc::SO_RCVTIMEO,
                (&timeout as *const libc::timeval).cast(),
                std::mem::size_of::<libc::timeval>() as libc::socklen_t,
            ),
            "SO_RCVTIMEO",
        )?;
        Ok(fd)
    }
}

/// A small PRNG for the loss decision (xorshift64*): no dependency, and a
/// different pattern every run.
struct Dice(u64);

impl Dice {
    fn new(salt: u64) -> Dice {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos() as u64);
        Dice((nanos ^ salt.rotate_left(32)) | 1)
    }

    /// True with probability `p`.
    fn roll(&mut self, p: f64) -> bool {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        let x = self.0.wrapping_mul(0x2545_f491_4f6c_dd1d);
        ((x >> 11) as f64 / (1u64 << 53) as f64) < p
    }
}

impl Wire {
    /// Joins `a` and `b`, two interfaces of the calling thread's namespace
    /// (use a thread that entered it), with `shape` each way.
    pub fn start(a: &str, b: &str, shape: PathShape) -> Result<Wire> {
        let sockets = [
            Arc::new(packet_socket(a).with_context(|| format!("wire end {a}"))?),
            Arc::new(packet_socket(b).with_context(|| format!("wire end {b}"))?),
        ];
        let stop = Arc::new(AtomicBool::new(false));
        let mut threads = Vec::new();
        for (from, to) in [(0, 1), (1, 0)] {
            let (queue, held) = mpsc::channel::<(Instant, Vec<u8>)>();
            let (rx, stop_rx) = (sockets[from].clone(), stop.clone());
            let mut dice = Dice::new(from as u64 + 1);
            threads.push(std::thread::spawn(move || {
                let mut buffer = vec![0u8; FRAME_BUFFER];
                while !stop_rx.load(Ordering::Relaxed) {
                    // SAFETY: the buffer is live and as long as said.
                    let n = unsafe {
                        libc::recv(rx.as_raw_fd(), buffer.as_mut_ptr().cast(), buffer.len(), 0)
                    };
                    if n <= 0 {
                        continue;
                    }
                    if dice.roll(shape.loss) {
                        continue;
                    }
                    let frame = buffer[..n as usize].to_vec();
                    if queue.send((Instant::now() + shape.one_way, frame)).is_err() {
                        return;
                    }
                }
            }));
            let (tx, stop_tx) = (sockets[to].clone(), stop.clone());
            threads.push(std::thread::spawn(move || {
                // The delay is the same for every frame, so the queue is
                // already in due order.
                let mut due: VecDeque<(Instant, Vec<u8>)> = VecDeque::new();
                while !stop_tx.load(Ordering::Relaxed) {
                    let wait = due.front().map_or(Duration::from_millis(100), |(at, _)| {
                        at.saturating_duration_since(Instant::now())
                    });
                    match held.recv_timeout(wait) {
                        Ok(frame) => due.push_back(frame),
                        Err(mpsc::RecvTimeoutError::Timeout) => {}
                        Err(mpsc::RecvTimeoutError::Disconnected) => return,
                    }
                    let now = Instant::now();
                    while due.front().is_some_and(|(at, _)| *at <= now) {
                        if let Some((_, frame)) = due.pop_front() {
                            // SAFETY: the frame is live and as long as said.
                            unsafe {
                                libc::send(tx.as_raw_fd(), frame.as_ptr().cast(), frame.len(), 0)
                            };
                        }
                    }
                }
            }));
        }
        Ok(Wire { stop, threads })
    }
}

impl Drop for Wire {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        for thread in self.threads.drain(..) {
            let _ = thread.join();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Dice;

    #[test]
    fn dice_drop_about_the_share_asked() {
        let mut dice = Dice::new(7);
        let dropped = (0..100_000).filter(|_| dice.roll(0.01)).count();
        assert!((800..1200).contains(&dropped), "{dropped} of 100000");
        assert_eq!((0..1000).filter(|_| dice.roll(0.0)).count(), 0);
    }
}
