//! Connection pool, migrations and the managed local PostgreSQL.

mod keeper;
pub mod local;
pub mod lock;

use std::str::FromStr;
use std::time::Duration;

use anyhow::Context;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{Connection, PgPool};

use crate::config::DatabaseSettings;

pub use local::LocalPostgres;
pub use lock::Access;

/// Errand's schema.
pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("../../migrations");

/// Where the database is: an external URL, or the private server this process started.
pub struct Database {
    pub pool: PgPool,
    /// Kept so shutdown can stop it; `None` with an external `DATABASE_URL`.
    pub local: Option<LocalPostgres>,
}

impl Database {
    /// Connects to `url`, or starts (`Access::Own`) or shares (`Access::Share`) the managed
    /// server when none is configured.
    /// `size` is the pool's size.
    pub async fn open(
        settings: &DatabaseSettings,
        access: Access,
        size: u32,
    ) -> anyhow::Result<Self> {
        match &settings.url {
            Some(url) => {
                let options = PgConnectOptions::from_str(url).context("invalid DATABASE_URL")?;
                let pool = pool(options, size, EXTERNAL_PATIENCE).await?;
                Ok(Self { pool, local: None })
            }
            None => {
                let dir = settings.data_dir.clone();
                let local = tokio::task::spawn_blocking(move || LocalPostgres::start(&dir, access))
                    .await
                    .context("local PostgreSQL start-up panicked")??;
                let pool = pool(local.connect_options("postgres"), 2, LOCAL_PATIENCE).await;
                let pool = match pool {
                    Ok(pool) => pool,
                    Err(e) => {
                        local.stop();
                        return Err(e);
                    }
                };
                ensure_database(&pool, "errand").await?;
                pool.close().await;
                let pool = pool_for(&local, "errand", size).await?;
                Ok(Self {
                    pool,
                    local: Some(local),
                })
            }
        }
    }

    pub async fn close(self) {
        self.pool.close().await;
        if let Some(local) = self.local {
            let _ = tokio::task::spawn_blocking(move || local.stop()).await;
        }
    }
}

/// How long to keep trying a configured database that refuses connections: a start-up
/// failure must be reported within seconds, not hang.
const EXTERNAL_PATIENCE: Duration = Duration::from_secs(3);
/// How long the managed server, started a moment ago, may take to accept connections.
const LOCAL_PATIENCE: Duration = Duration::from_secs(10);

/// A pool on a database of the managed server.
pub async fn pool_for(local: &LocalPostgres, db: &str, max: u32) -> anyhow::Result<PgPool> {
    pool(local.connect_options(db), max, LOCAL_PATIENCE).await
}

/// Connects, retrying refused connections and a server still starting up for `patience`.
async fn pool(options: PgConnectOptions, max: u32, patience: Duration) -> anyhow::Result<PgPool> {
    let deadline = tokio::time::Instant::now() + patience;
    let mut last_error = None;
    loop {
        // One connection first: the pool's own connect retries refused connections
        // silently until its timeout, hiding why.
        let attempt = sqlx::PgConnection::connect_with(&options);
        // An address that never answers is given up on at the deadline too.
        let Ok(result) = tokio::time::timeout_at(deadline, attempt).await else {
            break;
        };
        match result {
            Ok(first) => {
                let _ = first.close().await;
                return PgPoolOptions::new()
                    .max_connections(max)
                    .acquire_timeout(Duration::from_secs(10))
                    .connect_with(options)
                    .await
                    .context("cannot connect to PostgreSQL");
            }
            Err(e @ sqlx::Error::Io(_)) => last_error = Some(e),
            Err(sqlx::Error::Database(e)) if e.code().as_deref() == Some("57P03") => {
                last_error = Some(sqlx::Error::Database(e));
            }
            Err(e) => return Err(e).context("cannot connect to PostgreSQL"),
        }
        if tokio::time::Instant::now() + Duration::from_millis(100) >= deadline {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let why = last_error.map_or_else(
        || anyhow::anyhow!("no answer within {} s", patience.as_secs()),
        anyhow::Error::from,
    );
    Err(why).context("cannot connect to PostgreSQL")
}

/// Creates the database if it does not exist (used for `errand` and per-test databases).
pub async fn ensure_database(pool: &PgPool, name: &str) -> anyhow::Result<()> {
    let exists: bool =
        sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)")
            .bind(name)
            .fetch_one(pool)
            .await?;
    if !exists {
        // Identifiers cannot be bound; the name is quoted.
        let sql = format!("CREATE DATABASE \"{}\"", name.replace('"', "\"\""));
        match sqlx::raw_sql(sqlx::AssertSqlSafe(sql)).execute(pool).await {
            Ok(_) => {}
            // Another process created it between the check and the create.
            Err(sqlx::Error::Database(e)) if e.code().as_deref() == Some("42P04") => {}
            Err(e) => return Err(e.into()),
        }
    }
    Ok(())
}

/// Lets the current transaction commit without waiting for its WAL flush. Only for writes
/// whose loss in a database crash is harmless: progress events (replayed or superseded when
/// the attempt re-runs) and the claim of an attempt (lost, the job is simply delivered
/// again). A later durable commit flushes the WAL up to it, so nothing that depends on such
/// a write can survive without it; a seq counter bumped in the same transaction stays
/// gapless.
pub async fn relax_durability(conn: &mut sqlx::PgConnection) -> sqlx::Result<()> {
    sqlx::query("SET LOCAL synchronous_commit = off")
        .execute(conn)
        .await
        .map(|_| ())
}

/// Applies Errand's migrations.
pub async fn migrate(pool: &PgPool) -> anyhow::Result<()> {
    MIGRATOR
        .run(pool)
        .await
        .context("Errand migrations failed")?;
    Ok(())
}

/// Whether every migration this binary knows has been applied.
pub async fn migrations_applied(pool: &PgPool) -> anyhow::Result<bool> {
    let latest = MIGRATOR.iter().map(|m| m.version).max().unwrap_or(0);
    let applied: Option<i64> = sqlx::query_scalar(
        "SELECT max(version) FROM _sqlx_migrations WHERE success AND version = $1",
    )
    .bind(latest)
    .fetch_one(pool)
    .await?;
    Ok(applied == Some(latest))
}
