//! Shared results in D1: the same table as the native worker's SQLite
//! (`doorway_api::results::SCHEMA`), created on first use.

use std::future::Future;
use std::sync::atomic::{AtomicBool, Ordering};

use doorway_api::results::{id_from, ResultStore, StoreFailure, Stored, ID_BYTES, SCHEMA};
use worker::send::{SendFuture, SendWrapper};
use worker::wasm_bindgen::JsValue;
use worker::D1Database;

/// Whether this isolate has made sure the table exists.
static SCHEMA_READY: AtomicBool = AtomicBool::new(false);

pub struct D1Results {
    db: SendWrapper<D1Database>,
    ttl_secs: u64,
}

impl D1Results {
    pub fn new(db: D1Database, ttl_secs: u64) -> D1Results {
        D1Results {
            db: SendWrapper(db),
            ttl_secs,
        }
    }

    async fn ready(&self) -> Result<&D1Database, StoreFailure> {
        if !SCHEMA_READY.load(Ordering::Relaxed) {
            // exec takes one statement a line.
            self.db
                .0
                .exec(&SCHEMA.replace('\n', " ").replace("; ", ";\n"))
                .await
                .map_err(failed)?;
            SCHEMA_READY.store(true, Ordering::Relaxed);
        }
        Ok(&self.db.0)
    }
}

fn failed(error: worker::Error) -> StoreFailure {
    StoreFailure::Failed(error.to_string())
}

/// D1 binds numbers as JavaScript numbers: Unix seconds fit exactly.
fn number(seconds: u64) -> JsValue {
    JsValue::from_f64(seconds as f64)
}

impl ResultStore for D1Results {
    fn ttl_secs(&self) -> u64 {
        self.ttl_secs
    }

    fn insert(
        &self,
        json: String,
        now: u64,
    ) -> impl Future<Output = Result<(String, Stored), StoreFailure>> + Send {
        SendFuture::new(async move {
            let db = self.ready().await?;
            let mut random = [0u8; ID_BYTES];
            getrandom::getrandom(&mut random).map_err(|e| StoreFailure::Failed(e.to_string()))?;
            let id = id_from(random);
            let stored = Stored {
                json,
                created_at: now,
                expires_at: now + self.ttl_secs,
            };
            db.prepare("DELETE FROM results WHERE expires_at <= ?1")
                .bind(&[number(now)])
                .map_err(failed)?
                .run()
                .await
                .map_err(failed)?;
            db.prepare(
                "INSERT INTO results (id, created_at, expires_at, json) VALUES (?1, ?2, ?3, ?4)",
            )
            .bind(&[
                JsValue::from_str(&id),
                number(stored.created_at),
                number(stored.expires_at),
                JsValue::from_str(&stored.json),
            ])
            .map_err(failed)?
            .run()
            .await
            .map_err(failed)?;
            Ok((id, stored))
        })
    }

    fn get(
        &self,
        id: String,
        now: u64,
    ) -> impl Future<Output = Result<Option<Stored>, StoreFailure>> + Send {
        SendFuture::new(async move {
            #[derive(serde::Deserialize)]
            struct Row {
                json: String,
                created_at: f64,
                expires_at: f64,
            }
            let db = self.ready().await?;
            let row: Option<Row> = db
                .prepare(
                    "SELECT json, created_at, expires_at FROM results WHERE id = ?1 AND expires_at > ?2",
                )
                .bind(&[JsValue::from_str(&id), number(now)])
                .map_err(failed)?
                .first(None)
                .await
                .map_err(failed)?;
            Ok(row.map(|row| Stored {
                json: row.json,
                created_at: row.created_at as u64,
                expires_at: row.expires_at as u64,
            }))
        })
    }
}
