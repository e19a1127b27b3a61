//! Opt-in retries: capped exponential backoff with jitter, honoring
//! `Retry-After`. Only failures before any response body was read are
//! retried (connection errors, first-byte timeouts, 408/409/429/5xx), so
//! output is never streamed twice.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// When and how often to retry.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct RetryPolicy {
    /// Attempts in all, including the first (1 = no retry).
    pub max_attempts: u32,
    /// Delay before the first retry.
    pub base_delay: Duration,
    /// Longest delay between two attempts.
    pub max_delay: Duration,
    /// A `Retry-After` longer than this is not waited for: the error is returned.
    pub max_retry_after: Duration,
    /// Randomize each delay within [half, full] to spread retries.
    pub jitter: bool,
}

impl RetryPolicy {
    /// No retries.
    pub fn none() -> Self {
        RetryPolicy {
            max_attempts: 1,
            base_delay: Duration::from_millis(500),
            max_delay: Duration::from_secs(8),
            max_retry_after: Duration::from_secs(60),
            jitter: true,
        }
    }

    /// Up to `max_attempts` attempts with exponential backoff from 500 ms,
    /// capped at 8 s.
    ///
    /// ```
    /// use std::time::Duration;
    /// use clawkit_http::RetryPolicy;
    ///
    /// let policy = RetryPolicy::exponential(3).without_jitter();
    /// assert_eq!(policy.delay(1, None), Some(Duration::from_millis(500)));
    /// assert_eq!(policy.delay(2, None), Some(Duration::from_secs(1)));
    /// assert_eq!(policy.delay(3, None), None); // three attempts made
    /// assert_eq!(policy.delay(1, Some(Duration::from_secs(5))), Some(Duration::from_secs(5)));
    /// ```
    pub fn exponential(max_attempts: u32) -> Self {
        RetryPolicy {
            max_attempts: max_attempts.max(1),
            ..RetryPolicy::none()
        }
    }

    /// Sets the delays.
    pub fn delays(mut self, base: Duration, max: Duration) -> Self {
        self.base_delay = base;
        self.max_delay = max;
        self
    }

    /// Turns jitter off (predictable delays, for tests).
    pub fn without_jitter(mut self) -> Self {
        self.jitter = false;
        self
    }

    /// The delay before the next attempt after `attempt` attempts failed, or
    /// `None` to give up. A `retry_after` from the server is waited for
    /// (at least the backoff), unless it exceeds `max_retry_after`.
    pub fn delay(&self, attempt: u32, retry_after: Option<Duration>) -> Option<Duration> {
        if attempt >= self.max_attempts {
            return None;
        }
        let exponent = attempt.saturating_sub(1).min(20);
        let backoff = self
            .base_delay
            .saturating_mul(1 << exponent)
            .min(self.max_delay);
        let backoff = if self.jitter {
            jittered(backoff)
        } else {
            backoff
        };
        match retry_after {
            Some(wait) if wait > self.max_retry_after => None,
            Some(wait) => Some(wait.max(backoff)),
            None => Some(backoff),
        }
    }
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy::none()
    }
}

/// A delay in [d/2, d], from a small splitmix64 generator (no RNG crate).
fn jittered(delay: Duration) -> Duration {
    static STATE: AtomicU64 = AtomicU64::new(0);
    let seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos() as u64);
    let mut z = STATE.fetch_add(0x9E37_79B9_7F4A_7C15, Ordering::Relaxed) ^ seed;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^= z >> 31;
    let fraction = 0.5 + (z as f64 / u64::MAX as f64) / 2.0;
    delay.mul_f64(fraction)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_is_capped_and_jitter_stays_in_range() {
        let policy = RetryPolicy::exponential(10)
            .delays(Duration::from_millis(100), Duration::from_millis(800));
        for attempt in 1..9 {
            let d = policy.delay(attempt, None).unwrap();
            let full =
                Duration::from_millis(100 * (1 << (attempt - 1))).min(Duration::from_millis(800));
            assert!(d >= full / 2 && d <= full, "attempt {attempt}: {d:?}");
        }
        assert_eq!(RetryPolicy::none().delay(1, None), None);
    }

    #[test]
    fn long_retry_after_gives_up() {
        let policy = RetryPolicy::exponential(3).without_jitter();
        assert_eq!(policy.delay(1, Some(Duration::from_secs(3600))), None);
    }
}
