//! The writers' lock of an archive in a bucket without a sequencer: a
//! lease made only of objects created with `If-None-Match: *` (no
//! compare-and-swap on a mutable object, which not every server honours).
//! The holders form a chain `lock/<n>`: whoever creates `lock/<n+1>` after
//! reading a `lock/<n>` that is released or expired holds the lock; two
//! contenders cannot both create the same name. The holder renews by
//! creating the next name before its lease runs out and releases by
//! creating a `released` one (docs/FORMAT.md §7.13).

use std::sync::{Arc, Condvar, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use super::StorageError;
use super::s3::Remote;
use crate::utc::UtcTime;

/// How long a lease lasts unless renewed.
pub const DEFAULT_LEASE: Duration = Duration::from_secs(30);

/// The version of the lock object's format.
pub const LEASE_VERSION: u32 = 1;

/// The folder of the lock objects, under the archive's prefix.
pub const LOCK_DIR: &str = "lock";

/// Whether a lock object holds the lock or gives it up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LeaseState {
    /// Held by `owner` until `expires`.
    Held,
    /// Given up: the next name is free to take.
    Released,
}

/// One lock object (`lock/<n>`), as RFC 8785 JSON and a newline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LeaseRecord {
    /// [`LEASE_VERSION`].
    pub version: u32,
    /// Who: `<host>/<pid>/<8 random hex>`.
    pub owner: String,
    /// Held or released.
    pub state: LeaseState,
    /// Until when (UTC, whole seconds); for a released one, when.
    pub expires: UtcTime,
}

impl LeaseRecord {
    /// Its bytes: canonical JSON, then `\n`.
    pub fn bytes(&self) -> Vec<u8> {
        let mut out = serde_json_canonicalizer::to_vec(self).unwrap_or_default();
        out.push(b'\n');
        out
    }

    /// Parses a lock object, refusing any other version or form.
    pub fn parse(bytes: &[u8]) -> Option<Self> {
        let record: Self = serde_json::from_slice(bytes).ok()?;
        (record.version == LEASE_VERSION && record.bytes() == bytes).then_some(record)
    }
}

/// The name of lock object `n`: 20 digits, so that names sort as numbers.
pub fn lock_name(n: u64) -> String {
    format!("{LOCK_DIR}/{n:020}")
}

/// The number of a lock object's name, only in the form [`lock_name`] writes.
pub fn parse_lock_name(name: &str) -> Option<u64> {
    let digits = name.strip_prefix(LOCK_DIR)?.strip_prefix('/')?;
    if digits.len() != 20 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

fn owner() -> String {
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname")
        .map(|h| h.trim().to_string())
        .unwrap_or_else(|_| "unknown".into());
    let mut random = [0u8; 4];
    rand_core::RngCore::fill_bytes(&mut rand_core::OsRng, &mut random);
    format!(
        "{host}/{}/{}",
        std::process::id(),
        crate::digest::hex(&random)
    )
}

/// The numbers of the lock objects there are, in order.
fn lock_names(remote: &Remote) -> Result<Vec<u64>, StorageError> {
    let mut names: Vec<u64> = remote
        .list(LOCK_DIR)?
        .iter()
        .filter_map(|k| parse_lock_name(k))
        .collect();
    names.sort_unstable();
    Ok(names)
}

/// The name to create to take the lock: the one after the last, when the
/// last is released or expired. `None` (after a short wait while another
/// holds it) when the chain is to be read again.
fn next_free(remote: &Remote, names: &[u64]) -> Result<Option<u64>, StorageError> {
    let Some(&n) = names.last() else {
        return Ok(Some(0));
    };
    let name = lock_name(n);
    let Some(bytes) = remote.get(&name, 4096)? else {
        return Ok(None);
    };
    let record = LeaseRecord::parse(&bytes).ok_or_else(|| StorageError::Lock {
        location: remote.url(&name),
        reason: "not a lock object of this docseal".into(),
    })?;
    let now = UtcTime::now();
    if record.state == LeaseState::Held && record.expires > now {
        let left = (record.expires.unix() - now.unix()).max(0) as u64;
        std::thread::sleep(
            Duration::from_millis(200)
                .max(Duration::from_secs(left).min(Duration::from_millis(500))),
        );
        return Ok(None);
    }
    Ok(Some(n + 1))
}

struct Status {
    /// The lock object last created by this holder.
    n: u64,
    /// When the lease runs out, by this machine's monotonic clock (measured
    /// from before the request that made it).
    until: Instant,
    /// Why the lock was lost, if it was.
    lost: Option<String>,
    /// Names made by this holder (removed once released).
    made: Vec<u64>,
}

/// A held lease, renewed by a thread until dropped.
pub(crate) struct Lease {
    remote: Arc<Remote>,
    owner: String,
    time: Duration,
    status: Mutex<Status>,
    stop: (Mutex<bool>, Condvar),
    renewer: Mutex<Option<JoinHandle<()>>>,
    /// Older names seen when it was taken (removed once released).
    older: Vec<u64>,
}

impl Lease {
    /// Takes the lock, waiting while another holds an unexpired lease.
    pub(crate) fn acquire(remote: Arc<Remote>, time: Duration) -> Result<Arc<Self>, StorageError> {
        let owner = owner();
        loop {
            let names = lock_names(&remote)?;
            let Some(next) = next_free(&remote, &names)? else {
                continue;
            };
            let started = Instant::now();
            let record = LeaseRecord {
                version: LEASE_VERSION,
                owner: owner.clone(),
                state: LeaseState::Held,
                expires: expiry(time),
            };
            if remote.put_new(&lock_name(next), record.bytes())? {
                return Self::start(remote, owner, time, next, started + time, names);
            }
            // Another writer took that name first: look again.
        }
    }

    /// The lease held by having created `lock/<n>`, until `until`; its
    /// renewing thread started.
    fn start(
        remote: Arc<Remote>,
        owner: String,
        time: Duration,
        n: u64,
        until: Instant,
        older: Vec<u64>,
    ) -> Result<Arc<Self>, StorageError> {
        let lease = Arc::new(Self {
            remote,
            owner,
            time,
            status: Mutex::new(Status {
                n,
                until,
                lost: None,
                made: vec![n],
            }),
            stop: (Mutex::new(false), Condvar::new()),
            renewer: Mutex::new(None),
            older,
        });
        let renewing = lease.clone();
        let handle = std::thread::Builder::new()
            .name("docseal-lease".into())
            .spawn(move || renewing.renew_until_stopped())
            .map_err(|e| StorageError::Lock {
                location: lease.remote.url(LOCK_DIR),
                reason: e.to_string(),
            })?;
        *lease.renewer.lock().unwrap_or_else(|e| e.into_inner()) = Some(handle);
        Ok(lease)
    }

    fn status(&self) -> std::sync::MutexGuard<'_, Status> {
        self.status.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Whether the lease still holds, with a margin of a tenth of its time
    /// for the request that relies on it.
    pub(crate) fn check(&self) -> Result<(), StorageError> {
        let status = self.status();
        let reason = match &status.lost {
            Some(why) => why.clone(),
            None if Instant::now() + self.time / 10 >= status.until => {
                "the lease ran out before it could be renewed".into()
            }
            None => return Ok(()),
        };
        Err(StorageError::Lock {
            location: self.remote.url(&lock_name(status.n)),
            reason: format!("this writer no longer holds the archive's lock: {reason}"),
        })
    }

    fn renew_until_stopped(&self) {
        let (stopped, wake) = &self.stop;
        loop {
            let guard = stopped.lock().unwrap_or_else(|e| e.into_inner());
            let (guard, _) = wake
                .wait_timeout_while(guard, self.time / 3, |s| !*s)
                .unwrap_or_else(|e| e.into_inner());
            if *guard {
                return;
            }
            drop(guard);
            let next = self.status().n + 1;
            let started = Instant::now();
            let record = LeaseRecord {
                version: LEASE_VERSION,
                owner: self.owner.clone(),
                state: LeaseState::Held,
                expires: expiry(self.time),
            };
            match self.remote.put_new(&lock_name(next), record.bytes()) {
                Ok(true) => {
                    let mut status = self.status();
                    status.n = next;
                    status.until = started + self.time;
                    status.made.push(next);
                }
                Ok(false) => {
                    self.status().lost =
                        Some(format!("{} was taken by another writer", lock_name(next)));
                    return;
                }
                // Unreachable for now: tried again until the lease runs out.
                Err(_) => {}
            }
        }
    }

    /// Stops renewing and gives the lock up; then removes the older lock
    /// objects (best effort: a bucket under retention keeps them).
    fn release(&self) {
        {
            let (stopped, wake) = &self.stop;
            *stopped.lock().unwrap_or_else(|e| e.into_inner()) = true;
            wake.notify_all();
        }
        if let Some(handle) = self
            .renewer
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .take()
        {
            let _ = handle.join();
        }
        let (n, lost, made) = {
            let status = self.status();
            (status.n, status.lost.is_some(), status.made.clone())
        };
        if lost {
            return;
        }
        let record = LeaseRecord {
            version: LEASE_VERSION,
            owner: self.owner.clone(),
            state: LeaseState::Released,
            expires: UtcTime::now(),
        };
        if self
            .remote
            .put_new(&lock_name(n + 1), record.bytes())
            .unwrap_or(false)
        {
            for old in self.older.iter().chain(&made) {
                let _ = self.remote.delete(&lock_name(*old));
            }
        }
    }
}

fn expiry(time: Duration) -> UtcTime {
    UtcTime::from_unix(UtcTime::now().unix() + time.as_secs() as i64)
        .unwrap_or_else(|_| UtcTime::now())
}

/// What a [`super::WriteLock`] keeps: the lease, released when dropped.
pub(crate) struct Held {
    pub(crate) lease: Arc<Lease>,
    pub(crate) slot: Arc<Mutex<Option<Arc<Lease>>>>,
}

impl Drop for Held {
    fn drop(&mut self) {
        self.slot.lock().unwrap_or_else(|e| e.into_inner()).take();
        self.lease.release();
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn lock_objects_are_pinned() {
        let record = LeaseRecord {
            version: 1,
            owner: "node-a/4242/0a1b2c3d".into(),
            state: LeaseState::Held,
            expires: UtcTime::parse_strict("2026-12-01T09:00:30Z").unwrap(),
        };
        let bytes = record.bytes();
        assert_eq!(
            String::from_utf8(bytes.clone()).unwrap(),
            "{\"expires\":\"2026-12-01T09:00:30Z\",\"owner\":\"node-a/4242/0a1b2c3d\",\"state\":\"held\",\"version\":1}\n"
        );
        assert_eq!(LeaseRecord::parse(&bytes), Some(record));
        assert_eq!(lock_name(7), "lock/00000000000000000007");
        assert_eq!(parse_lock_name("lock/00000000000000000007"), Some(7));
        for bad in [
            "lock/7",
            "lock/0000000000000000000x",
            "lock/00000000000000000007.tmp",
        ] {
            assert_eq!(parse_lock_name(bad), None, "{bad}");
        }
        // Another version, or another spelling, is refused.
        let v2 = String::from_utf8(bytes)
            .unwrap()
            .replace("\"version\":1", "\"version\":2");
        assert_eq!(LeaseRecord::parse(v2.as_bytes()), None);
        assert_eq!(
            LeaseRecord::parse(b"{\"version\":1,\"owner\":\"a\",\"state\":\"held\",\"expires\":\"2026-12-01T09:00:30Z\"}\n"),
            None
        );
    }
}
