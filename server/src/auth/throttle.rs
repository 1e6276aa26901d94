//! Sign-in throttling that slows password guessing without locking owners out. Each attempt
//! claims three counters at once (`storage::throttle`, atomic, so parallel guesses are counted
//! exactly):
//! - the account from this client address: 4 free, then 30 s, doubling up to 15 minutes — the
//!   guesser is slowed, the owner at another address is not;
//! - any account from this address: 49 free, then 5 s, doubling up to a minute — a town hall
//!   behind one NAT address is not shut out by one colleague's typos;
//! - the account from any address, claimed only from addresses it has not signed in from in
//!   the last 90 days: 19 free, then 30 s, doubling up to 5 minutes — a guesser spreading over
//!   many addresses is slowed, the owner at their usual address is not.
//!
//! A successful sign-in resets the first and gives the attempt back to the others.

use crate::storage::{Backoff, ThrottleKey};
use chrono::Duration;

/// Addresses an account signed in from within this many days are its known addresses.
pub const KNOWN_CLIENT_DAYS: i64 = 90;

/// Failures are forgotten this long after the last attempt.
const FORGET_AFTER_MINUTES: i64 = 60;

/// "Any account" or "any address" in a counter's key.
const ANY: &str = "*";

/// The counters of one sign-in attempt.
pub struct AttemptKeys {
    /// The account from this address: reset by a successful sign-in.
    pub own: ThrottleKey,
    /// Shared with other people's attempts: a successful sign-in gives its count back.
    pub shared: Vec<ThrottleKey>,
}

impl AttemptKeys {
    pub fn new(account: &str, client_addr: &str, known_client: bool) -> Self {
        let account: String = account.chars().take(320).collect();
        let backoff = |free, first: i64, max: i64| Backoff {
            free,
            first_wait: Duration::seconds(first),
            max_wait: Duration::seconds(max),
            forget_after: Duration::minutes(FORGET_AFTER_MINUTES),
        };
        let key = |account: &str, client_addr: &str, backoff| ThrottleKey {
            account: account.to_owned(),
            client_addr: client_addr.to_owned(),
            backoff,
        };
        let mut shared = vec![key(ANY, client_addr, backoff(50, 5, 60))];
        if !known_client {
            shared.push(key(&account, ANY, backoff(20, 30, 5 * 60)));
        }
        Self {
            own: key(&account, client_addr, backoff(5, 30, 15 * 60)),
            shared,
        }
    }

    pub fn all(&self) -> Vec<ThrottleKey> {
        std::iter::once(self.own.clone())
            .chain(self.shared.iter().cloned())
            .collect()
    }
}
