//! Shared results, kept in SQLite (a file in the data folder): short
//! unguessable ids, an expiry, and durability across crashes (WAL,
//! synchronous=FULL: a result acknowledged with 201 survives `kill -9`).

use std::path::Path;
use std::sync::{Arc, Mutex};

use rusqlite::{params, Connection, OptionalExtension};

use doorway_api::results::{id_from, ResultStore, StoreFailure, ID_BYTES, SCHEMA};
pub use doorway_api::results::{is_valid_id, Stored};

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("the result store at {path} cannot be opened: {reason}")]
    Open { path: String, reason: String },
    #[error("the result store failed: {0}")]
    Sql(#[from] rusqlite::Error),
    #[error("no random numbers for a result id")]
    Random,
    #[error("the result store's lock was poisoned by an earlier panic")]
    Poisoned,
    #[error("the result store is full ({results} results, {bytes} bytes)")]
    Full { results: u64, bytes: u64 },
}

/// How long results are kept and how much may be kept at once: the disk a
/// server gives to sharing is bounded, whoever shares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StoreLimits {
    pub ttl_secs: u64,
    /// The results' JSON bytes together (the file adds indexes and the WAL).
    pub max_bytes: u64,
    pub max_results: u64,
}

impl StoreLimits {
    /// Kept `ttl_secs`, and room enough never to be full: for tests.
    pub fn keep_for(ttl_secs: u64) -> StoreLimits {
        StoreLimits {
            ttl_secs,
            max_bytes: u64::MAX,
            max_results: u64::MAX,
        }
    }
}

/// What the store holds now, kept in step with every insert and expiry so
/// the cap costs no table scan.
#[derive(Debug, Default, Clone, Copy)]
struct Usage {
    results: u64,
    bytes: u64,
}

/// Cheap to clone: the clones share one connection.
#[derive(Clone)]
pub struct Store {
    connection: Arc<Mutex<(Connection, Usage)>>,
    limits: StoreLimits,
}

impl Store {
    pub fn open(path: &Path, limits: StoreLimits) -> Result<Store, StoreError> {
        let open_error = |reason: String| StoreError::Open {
            path: path.display().to_string(),
            reason,
        };
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| open_error(e.to_string()))?;
        }
        let connection = Connection::open(path).map_err(|e| open_error(e.to_string()))?;
        connection
            .execute_batch(
                "PRAGMA journal_mode = WAL;
                 PRAGMA synchronous = FULL;
                 PRAGMA busy_timeout = 5000;",
            )
            .and_then(|()| connection.execute_batch(SCHEMA))
            .map_err(|e| open_error(e.to_string()))?;
        let usage = connection
            .query_row(
                "SELECT COUNT(*), COALESCE(SUM(LENGTH(CAST(json AS BLOB))), 0) FROM results",
                [],
                |row| {
                    Ok(Usage {
                        results: row.get::<_, i64>(0)?.max(0) as u64,
                        bytes: row.get::<_, i64>(1)?.max(0) as u64,
                    })
                },
            )
            .map_err(|e| open_error(e.to_string()))?;
        Ok(Store {
            connection: Arc::new(Mutex::new((connection, usage))),
            limits,
        })
    }

    pub fn ttl_secs(&self) -> u64 {
        self.limits.ttl_secs
    }

    /// How many results the store holds now, and their JSON bytes.
    pub fn usage(&self) -> (u64, u64) {
        let guard = self.connection.lock().unwrap_or_else(|p| p.into_inner());
        (guard.1.results, guard.1.bytes)
    }

    /// Stores `json` and returns its new id. Expired results go at the same
    /// time; when the store is still full, nothing is evicted: the result is
    /// refused ([`StoreError::Full`]) and links already given out stay valid.
    pub fn insert(&self, json: &str, now: u64) -> Result<(String, Stored), StoreError> {
        let id = new_id()?;
        let stored = Stored {
            json: json.to_owned(),
            created_at: now,
            expires_at: now + self.limits.ttl_secs,
        };
        let mut guard = self.connection.lock().map_err(|_| StoreError::Poisoned)?;
        let (connection, usage) = &mut *guard;
        let expired = connection.query_row(
            "SELECT COUNT(*), COALESCE(SUM(LENGTH(CAST(json AS BLOB))), 0) FROM results WHERE expires_at <= ?1",
            params![sql_time(now)],
            |row| Ok((row.get::<_, i64>(0)?.max(0) as u64, row.get::<_, i64>(1)?.max(0) as u64)),
        )?;
        if expired.0 > 0 {
            connection.execute(
                "DELETE FROM results WHERE expires_at <= ?1",
                params![sql_time(now)],
            )?;
            usage.results = usage.results.saturating_sub(expired.0);
            usage.bytes = usage.bytes.saturating_sub(expired.1);
        }
        let bytes = json.len() as u64;
        if usage.results >= self.limits.max_results
            || usage.bytes.saturating_add(bytes) > self.limits.max_bytes
        {
            return Err(StoreError::Full {
                results: usage.results,
                bytes: usage.bytes,
            });
        }
        connection.execute(
            "INSERT INTO results (id, created_at, expires_at, json) VALUES (?1, ?2, ?3, ?4)",
            params![
                id,
                sql_time(stored.created_at),
                sql_time(stored.expires_at),
                stored.json
            ],
        )?;
        usage.results += 1;
        usage.bytes += bytes;
        Ok((id, stored))
    }

    /// The result, unless it does not exist or has expired.
    pub fn get(&self, id: &str, now: u64) -> Result<Option<Stored>, StoreError> {
        let guard = self.connection.lock().map_err(|_| StoreError::Poisoned)?;
        let stored = guard
            .0
            .query_row(
                "SELECT json, created_at, expires_at FROM results WHERE id = ?1 AND expires_at > ?2",
                params![id, sql_time(now)],
                |row| {
                    Ok(Stored {
                        json: row.get(0)?,
                        created_at: row.get::<_, i64>(1)?.max(0) as u64,
                        expires_at: row.get::<_, i64>(2)?.max(0) as u64,
                    })
                },
            )
            .optional()?;
        Ok(stored)
    }
}

/// SQLite integers are signed; Unix seconds fit with room to spare.
fn sql_time(seconds: u64) -> i64 {
    i64::try_from(seconds).unwrap_or(i64::MAX)
}

fn new_id() -> Result<String, StoreError> {
    use ring::rand::SecureRandom;
    let mut bytes = [0u8; ID_BYTES];
    ring::rand::SystemRandom::new()
        .fill(&mut bytes)
        .map_err(|_| StoreError::Random)?;
    Ok(id_from(bytes))
}

/// The shared routes' view: the same calls, off the async threads (SQLite
/// waits for the disk: `synchronous = FULL`).
impl ResultStore for Store {
    fn ttl_secs(&self) -> u64 {
        self.limits.ttl_secs
    }

    async fn insert(&self, json: String, now: u64) -> Result<(String, Stored), StoreFailure> {
        let store = self.clone();
        tokio::task::spawn_blocking(move || Store::insert(&store, &json, now))
            .await
            .map_err(|e| StoreFailure::Failed(e.to_string()))?
            .map_err(StoreFailure::from)
    }

    async fn get(&self, id: String, now: u64) -> Result<Option<Stored>, StoreFailure> {
        let store = self.clone();
        tokio::task::spawn_blocking(move || Store::get(&store, &id, now))
            .await
            .map_err(|e| StoreFailure::Failed(e.to_string()))?
            .map_err(StoreFailure::from)
    }
}

impl From<StoreError> for StoreFailure {
    fn from(error: StoreError) -> StoreFailure {
        match error {
            StoreError::Full { results, bytes } => StoreFailure::Full { results, bytes },
            // StoreFailure says "the result store failed" itself.
            StoreError::Sql(error) => StoreFailure::Failed(error.to_string()),
            error => StoreFailure::Failed(error.to_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp_store(ttl: u64) -> (Store, std::path::PathBuf) {
        static N: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
        let n = N.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let dir = std::env::temp_dir().join(format!("doorway-store-{}-{n}", std::process::id()));
        let store = Store::open(&dir.join("results.sqlite"), StoreLimits::keep_for(ttl)).unwrap();
        (store, dir)
    }

    #[test]
    fn a_full_store_refuses_new_results_and_keeps_the_old_ones() {
        let dir = std::env::temp_dir().join(format!("doorway-store-full-{}", std::process::id()));
        let path = dir.join("results.sqlite");
        let limits = StoreLimits {
            ttl_secs: 100,
            max_bytes: 10,
            max_results: 2,
        };
        let store = Store::open(&path, limits).unwrap();
        let (first, _) = store.insert("{}", 1000).unwrap();
        store.insert("{}", 1000).unwrap();
        assert!(matches!(
            store.insert("{}", 1001),
            Err(StoreError::Full { results: 2, .. })
        ));
        assert!(
            store.get(&first, 1001).unwrap().is_some(),
            "nothing evicted"
        );
        // Reopened, the store still knows it is full.
        drop(store);
        let store = Store::open(&path, limits).unwrap();
        assert!(store.insert("{}", 1001).is_err());
        // Expiry makes room again; the byte cap counts too.
        store.insert("{}", 1100).unwrap();
        assert!(matches!(
            store.insert("{\"much\":1}", 1100),
            Err(StoreError::Full { .. })
        ));
        std::fs::remove_dir_all(dir).ok();
    }

    #[test]
    fn stores_and_returns_results_under_unguessable_ids() {
        let (store, dir) = temp_store(100);
        let (id, stored) = store.insert(r#"{"a":1}"#, 1000).unwrap();
        assert!(is_valid_id(&id), "{id}");
        assert_eq!(stored.expires_at, 1100);
        assert_eq!(store.get(&id, 1050).unwrap(), Some(stored));
        let (other, _) = store.insert("{}", 1000).unwrap();
        assert_ne!(id, other);
        assert_eq!(store.get("AAAAAAAAAAAAAAAA", 1050).unwrap(), None);
        std::fs::remove_dir_all(dir).ok();
    }

    #[test]
    fn results_expire() {
        let (store, dir) = temp_store(100);
        let (id, _) = store.insert("{}", 1000).unwrap();
        assert!(store.get(&id, 1099).unwrap().is_some());
        assert_eq!(store.get(&id, 1100).unwrap(), None);
        // A later insert removes it for good.
        store.insert("{}", 2000).unwrap();
        let count: u32 = store
            .connection
            .lock()
            .unwrap()
            .0
            .query_row("SELECT COUNT(*) FROM results", [], |r| r.get(0))
            .unwrap();
        assert_eq!(count, 1);
        std::fs::remove_dir_all(dir).ok();
    }
}
