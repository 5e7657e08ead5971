//! When and how long to wait before sending a call again.

use reqwest::Method;
use reqwest::header::{HeaderMap, RETRY_AFTER};
use std::hash::{BuildHasher, Hasher};
use std::time::{Duration, SystemTime};

/// Retries of rate-limited (429) calls and of calls that could not reach Xano.
///
/// Only idempotent methods (GET, HEAD, PUT, DELETE, OPTIONS) are retried unless
/// [`RetryPolicy::retry_non_idempotent`] says otherwise: a POST that timed out may
/// have been carried out. Waits grow exponentially from `base_delay` with full
/// jitter, capped by `max_delay`; a `Retry-After` header (seconds or an HTTP date)
/// is honoured instead. Xano's lower plans allow about 10 calls per 20 seconds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryPolicy {
    max_attempts: u32,
    base_delay: Duration,
    max_delay: Duration,
    max_elapsed: Duration,
    non_idempotent: bool,
}

impl Default for RetryPolicy {
    /// 4 attempts, 500 ms base, 30 s cap per wait, 2 minutes in all (so a call that
    /// timed out after the default 60 s can still be retried), idempotent only.
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 4,
            base_delay: Duration::from_millis(500),
            max_delay: Duration::from_secs(30),
            max_elapsed: Duration::from_secs(120),
            non_idempotent: false,
        }
    }
}

impl RetryPolicy {
    /// Never retry.
    pub fn none() -> Self {
        RetryPolicy {
            max_attempts: 1,
            ..RetryPolicy::default()
        }
    }

    /// How many times a call is sent at most (1 = no retry).
    pub fn max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts.max(1);
        self
    }

    /// The first wait; each retry doubles it (before jitter).
    pub fn base_delay(mut self, delay: Duration) -> Self {
        self.base_delay = delay;
        self
    }

    /// The longest single wait, `Retry-After` included.
    pub fn max_delay(mut self, delay: Duration) -> Self {
        self.max_delay = delay;
        self
    }

    /// The time budget of a call and its retries; no retry starts past it.
    pub fn max_elapsed(mut self, elapsed: Duration) -> Self {
        self.max_elapsed = elapsed;
        self
    }

    /// Also retry POST and PATCH (only do this for endpoints that are safe to repeat).
    pub fn retry_non_idempotent(mut self, yes: bool) -> Self {
        self.non_idempotent = yes;
        self
    }

    pub(crate) fn allows(&self, method: &Method) -> bool {
        self.non_idempotent || Self::is_idempotent(method)
    }

    /// Whether HTTP says sending `method` twice has the effect of sending it once.
    pub(crate) fn is_idempotent(method: &Method) -> bool {
        matches!(
            *method,
            Method::GET
                | Method::HEAD
                | Method::PUT
                | Method::DELETE
                | Method::OPTIONS
                | Method::TRACE
        )
    }

    /// The wait before attempt `attempt + 1`, or `None` when the policy says stop.
    pub(crate) fn next_delay(
        &self,
        attempt: u32,
        elapsed: Duration,
        headers: Option<&HeaderMap>,
    ) -> Option<Duration> {
        if attempt >= self.max_attempts {
            return None;
        }
        let delay = match headers.and_then(retry_after) {
            // Waiting less than Xano asked would only earn another 429.
            Some(asked) if asked > self.max_delay => return None,
            // Never less than asked, but spread: callers told the same
            // `Retry-After` must not come back in one wave.
            Some(asked) => {
                let spread = (asked / 4).max(self.base_delay);
                (asked + spread.mul_f64(random_fraction())).min(self.max_delay.max(asked))
            }
            None => {
                let exponential = self
                    .base_delay
                    .saturating_mul(1u32 << (attempt - 1).min(16));
                jitter(exponential.min(self.max_delay))
            }
        };
        (elapsed + delay <= self.max_elapsed).then_some(delay)
    }
}

/// `Retry-After` as seconds or as an HTTP date.
fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let date = httpdate::parse_http_date(value).ok()?;
    Some(date.duration_since(SystemTime::now()).unwrap_or_default())
}

/// A uniformly random duration in `[delay / 2, delay]`: spreads retries of many
/// clients without ever waiting (almost) nothing.
fn jitter(delay: Duration) -> Duration {
    delay.mul_f64(0.5 + random_fraction() / 2.0)
}

/// A random number in `[0, 1)`, from the hasher keys std draws per `RandomState`
/// (good enough to spread retries; no RNG dependency).
fn random_fraction() -> f64 {
    let random = std::collections::hash_map::RandomState::new()
        .build_hasher()
        .finish();
    (random % 1_000_000) as f64 / 1_000_000.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_grow_and_stop() {
        let policy = RetryPolicy::default().base_delay(Duration::from_millis(100));
        let first = policy.next_delay(1, Duration::ZERO, None).unwrap();
        assert!(
            first >= Duration::from_millis(50) && first <= Duration::from_millis(100),
            "{first:?}"
        );
        let third = policy.next_delay(3, Duration::ZERO, None).unwrap();
        assert!(
            third >= Duration::from_millis(200) && third <= Duration::from_millis(400),
            "{third:?}"
        );
        assert_eq!(
            policy.next_delay(4, Duration::ZERO, None),
            None,
            "4 attempts at most"
        );
        assert_eq!(
            policy.next_delay(1, Duration::from_secs(120), None),
            None,
            "time budget spent"
        );
        assert!(
            policy
                .next_delay(1, Duration::from_secs(61), None)
                .is_some(),
            "a call that timed out after the default 60 s can be retried"
        );
    }

    #[test]
    fn retry_after_wins() {
        let mut headers = HeaderMap::new();
        headers.insert(RETRY_AFTER, "2".parse().unwrap());
        let policy = RetryPolicy::default();
        let waits: Vec<Duration> = (0..200)
            .map(|_| {
                policy
                    .next_delay(1, Duration::ZERO, Some(&headers))
                    .unwrap()
            })
            .collect();
        assert!(
            waits
                .iter()
                .all(|w| *w >= Duration::from_secs(2) && *w <= Duration::from_millis(2500)),
            "never less than asked, at most a quarter more: {waits:?}"
        );
        let distinct: std::collections::HashSet<_> = waits.iter().collect();
        assert!(
            distinct.len() > 100,
            "200 callers do not retry in lock-step"
        );
        let later = httpdate::fmt_http_date(SystemTime::now() + Duration::from_secs(5));
        headers.insert(RETRY_AFTER, later.parse().unwrap());
        let wait = policy
            .next_delay(1, Duration::ZERO, Some(&headers))
            .unwrap();
        assert!(
            wait > Duration::from_secs(3) && wait <= Duration::from_secs(7),
            "{wait:?}"
        );
        headers.insert(RETRY_AFTER, "200".parse().unwrap());
        assert_eq!(
            policy.next_delay(1, Duration::ZERO, Some(&headers)),
            None,
            "a wait past the budget is not started"
        );
    }

    #[test]
    fn only_idempotent_methods_by_default() {
        let policy = RetryPolicy::default();
        assert!(policy.allows(&Method::GET) && policy.allows(&Method::DELETE));
        assert!(!policy.allows(&Method::POST) && !policy.allows(&Method::PATCH));
        assert!(policy.retry_non_idempotent(true).allows(&Method::POST));
        assert_eq!(
            RetryPolicy::none().next_delay(1, Duration::ZERO, None),
            None
        );
    }
}
