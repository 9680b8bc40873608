//! A fixed-window limit per client address for the write API: enough for a
//! person sharing results, too little for a script filling the disk.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;

/// The group a client address is counted in: an IPv4 address alone, an IPv6
/// address by its /64 (one household or phone gets a whole /64, so counting
/// single IPv6 addresses would limit nobody).
pub fn client_group(address: IpAddr) -> IpAddr {
    match address {
        IpAddr::V4(v4) => IpAddr::V4(v4),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => {
                let prefix = u128::from(v6) & !((1u128 << 64) - 1);
                IpAddr::V6(prefix.into())
            }
        },
    }
}

/// Above this many tracked addresses, finished windows are forgotten.
const PRUNE_ABOVE: usize = 10_000;

pub struct RateLimit {
    per_window: u64,
    window_secs: u64,
    windows: Mutex<HashMap<IpAddr, (u64, u64)>>,
}

impl RateLimit {
    /// `per_window` requests (or, with [`RateLimit::check_amount`], bytes)
    /// per client group and window.
    pub fn new(per_window: u64, window_secs: u64) -> RateLimit {
        RateLimit {
            per_window,
            window_secs,
            windows: Mutex::new(HashMap::new()),
        }
    }

    /// Counts one request from `client` (by [`client_group`]) at `now` (seconds); `Err(wait)` with
    /// the seconds until the next window when over the limit.
    pub fn check(&self, client: IpAddr, now: u64) -> Result<(), u64> {
        self.check_amount(client, now, 1)
    }

    /// Like [`RateLimit::check`] for `amount` units at once (bytes of a
    /// transfer): refused whole when it would go past the window's share.
    pub fn check_amount(&self, client: IpAddr, now: u64, amount: u64) -> Result<(), u64> {
        let Ok(mut windows) = self.windows.lock() else {
            // A poisoned lock must not lock everybody out.
            return Ok(());
        };
        let window = now - now % self.window_secs;
        if windows.len() > PRUNE_ABOVE {
            windows.retain(|_, (start, _)| *start == window);
        }
        let entry = windows.entry(client_group(client)).or_insert((window, 0));
        if entry.0 != window {
            *entry = (window, 0);
        }
        if entry.1.saturating_add(amount) > self.per_window {
            return Err(window + self.window_secs - now);
        }
        entry.1 += amount;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn allows_up_to_the_limit_per_window_and_address() {
        let limit = RateLimit::new(2, 60);
        let a: IpAddr = "198.18.0.1".parse().unwrap();
        let b: IpAddr = "198.18.0.2".parse().unwrap();
        assert_eq!(limit.check(a, 120), Ok(()));
        assert_eq!(limit.check(a, 130), Ok(()));
        assert_eq!(limit.check(a, 150), Err(30));
        assert_eq!(
            limit.check(b, 150),
            Ok(()),
            "another address has its own budget"
        );
        assert_eq!(limit.check(a, 180), Ok(()), "a new window starts afresh");
    }

    #[test]
    fn ipv6_counts_by_its_64_and_mapped_ipv4_as_ipv4() {
        let limit = RateLimit::new(1, 60);
        let one: IpAddr = "2001:db8:1:2::1".parse().unwrap();
        let same_64: IpAddr = "2001:db8:1:2:ffff::9".parse().unwrap();
        let other_64: IpAddr = "2001:db8:1:3::1".parse().unwrap();
        assert_eq!(limit.check(one, 0), Ok(()));
        assert!(limit.check(same_64, 1).is_err());
        assert_eq!(limit.check(other_64, 2), Ok(()));
        assert_eq!(
            client_group("::ffff:198.18.0.1".parse().unwrap()),
            "198.18.0.1".parse::<IpAddr>().unwrap()
        );
    }
}
