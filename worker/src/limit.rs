//! A fixed-window limit per client address for the write API: enough for a
//! person sharing results, too little for a script filling the disk.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;

/// Above this many tracked addresses, finished windows are forgotten.
const PRUNE_ABOVE: usize = 10_000;

pub struct RateLimit {
    per_window: u32,
    window_secs: u64,
    windows: Mutex<HashMap<IpAddr, (u64, u32)>>,
}

impl RateLimit {
    pub fn new(per_window: u32, window_secs: u64) -> RateLimit {
        RateLimit {
            per_window,
            window_secs,
            windows: Mutex::new(HashMap::new()),
        }
    }

    /// Counts one request from `client` at `now` (seconds); `Err(wait)` with
    /// the seconds until the next window when over the limit.
    pub fn check(&self, client: IpAddr, now: u64) -> Result<(), u64> {
        let Ok(mut windows) = self.windows.lock() else {
            // A poisoned lock must not lock everybody out.
            return Ok(());
        };
        let window = now - now % self.window_secs;
        if windows.len() > PRUNE_ABOVE {
            windows.retain(|_, (start, _)| *start == window);
        }
        let entry = windows.entry(client).or_insert((window, 0));
        if entry.0 != window {
            *entry = (window, 0);
        }
        if entry.1 >= self.per_window {
            return Err(window + self.window_secs - now);
        }
        entry.1 += 1;
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
}
