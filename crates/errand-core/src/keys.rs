//! API keys: `ek_live_` and 64 hex digits (256 random bits). Only the SHA-256 of a key is
//! stored — a key this random needs no slow hash — and a few of its first characters
//! (`prefix`, never more than 8 of its secret part) so a person can tell keys apart. The
//! plaintext is shown once, when the key is made.

use crate::page::named_page;
use std::collections::HashSet;

use chrono::{DateTime, Utc};
use serde::Serialize;
use sha2::{Digest, Sha256};
use sqlx::PgExecutor;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::projects::ProjectId;
use serde::Deserialize;

/// What a key may do. Each scope includes the ones before it.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, ToSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Scope {
    /// `GET` and event streams.
    Read,
    /// Create, replace and delete runners; submit and cancel tasks.
    Write,
    /// Manage the project's API keys (and, for the `default` project's admin keys, every
    /// project).
    Admin,
}

impl Scope {
    pub const ALL: [Scope; 3] = [Scope::Read, Scope::Write, Scope::Admin];

    pub fn as_str(self) -> &'static str {
        match self {
            Scope::Read => "read",
            Scope::Write => "write",
            Scope::Admin => "admin",
        }
    }

    pub fn parse(s: &str) -> Option<Scope> {
        Scope::ALL.into_iter().find(|x| x.as_str() == s)
    }
}

pub const KEY_PREFIX: &str = "ek_live_";
/// Characters of a key's secret part kept in the clear to identify it.
const SHOWN_SECRET: usize = 8;

pub type KeyHash = [u8; 32];

/// A new random key.
pub fn generate() -> anyhow::Result<String> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| anyhow::anyhow!("no randomness: {e}"))?;
    Ok(format!("{KEY_PREFIX}{}", hex::encode(bytes)))
}

/// What lists show of `plaintext`: `ek_live_` and the first 8 characters after it, or the
/// first 8 characters of a key of another form (`ERRAND_ADMIN_KEY`'s value, which is all
/// secret).
pub fn shown_prefix(plaintext: &str) -> String {
    let (public, secret) = match plaintext.strip_prefix(KEY_PREFIX) {
        Some(secret) => (KEY_PREFIX, secret),
        None => ("", plaintext),
    };
    let shown: String = secret.chars().take(SHOWN_SECRET).collect();
    format!("{public}{shown}")
}

pub fn hash(key: &str) -> KeyHash {
    Sha256::digest(key.as_bytes()).into()
}

/// Equal hashes, compared in time independent of where they differ.
pub fn same(a: &KeyHash, b: &KeyHash) -> bool {
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// What `/v1/api-keys` shows of a key (never the key itself, but at creation).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ApiKey {
    pub id: Uuid,
    /// The project's name.
    pub project: String,
    pub name: String,
    /// The key's first characters, to tell keys apart.
    pub prefix: String,
    pub scopes: Vec<Scope>,
    pub expires_at: Option<DateTime<Utc>>,
    /// When the key was last used, to the minute.
    pub last_used_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

named_page!(ApiKeyPage = CursorPage<ApiKey>, about: None, cursor: Some("Pass as `cursor` for the next page; `null` on the last."));

/// What authentication needs of a key.
#[derive(Debug, Clone)]
pub struct KeyRecord {
    pub id: Uuid,
    pub hash: KeyHash,
    pub project: ProjectId,
    pub project_name: String,
    pub scope: Scope,
    pub expires_at: Option<DateTime<Utc>>,
    pub revoked: bool,
}

#[derive(sqlx::FromRow)]
struct KeyRow {
    id: Uuid,
    project_id: ProjectId,
    project: String,
    name: String,
    prefix: String,
    hash: Vec<u8>,
    scopes: Vec<String>,
    expires_at: Option<DateTime<Utc>>,
    last_used_at: Option<DateTime<Utc>>,
    revoked_at: Option<DateTime<Utc>>,
    created_at: DateTime<Utc>,
}

const SELECT: &str = "SELECT k.id, k.project_id, p.name AS project, k.name, k.prefix, k.hash,
    k.scopes, k.expires_at, k.last_used_at, k.revoked_at, k.created_at
    FROM api_keys k JOIN projects p ON p.id = k.project_id";

impl KeyRow {
    fn scopes(&self) -> Vec<Scope> {
        self.scopes.iter().filter_map(|s| Scope::parse(s)).collect()
    }

    /// The stored hash (always 32 bytes: the column is only written by `insert`).
    fn stored_hash(&self) -> KeyHash {
        self.hash.as_slice().try_into().unwrap_or([0u8; 32])
    }

    fn view(self) -> ApiKey {
        ApiKey {
            scopes: self.scopes(),
            id: self.id,
            project: self.project,
            name: self.name,
            prefix: self.prefix,
            expires_at: self.expires_at,
            last_used_at: self.last_used_at,
            revoked_at: self.revoked_at,
            created_at: self.created_at,
        }
    }

    fn record(self) -> KeyRecord {
        let hash = self.stored_hash();
        KeyRecord {
            scope: self.scopes().into_iter().max().unwrap_or(Scope::Read),
            id: self.id,
            hash,
            project: self.project_id,
            project_name: self.project,
            expires_at: self.expires_at,
            revoked: self.revoked_at.is_some(),
        }
    }
}

/// A key to make.
pub struct NewKey<'a> {
    pub project: ProjectId,
    pub name: &'a str,
    pub scopes: &'a [Scope],
    pub expires_at: Option<DateTime<Utc>>,
    /// Seeded from `ERRAND_ADMIN_KEY` (a later value retires it).
    pub seeded: bool,
}

/// Stores `plaintext` (already generated) as a key; returns what lists show of it, or
/// `None` when that key is stored already.
pub async fn insert(
    db: impl PgExecutor<'_>,
    key: &NewKey<'_>,
    plaintext: &str,
) -> sqlx::Result<Option<ApiKey>> {
    let mut scopes: Vec<&str> = key.scopes.iter().map(|s| s.as_str()).collect();
    scopes.sort_unstable();
    scopes.dedup();
    let row: Option<KeyRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "WITH k AS (
            INSERT INTO api_keys (id, project_id, name, prefix, hash, scopes, expires_at, seeded)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (hash) DO NOTHING RETURNING *)
         {} ",
        SELECT.replace("FROM api_keys k", "FROM k")
    )))
    .bind(Uuid::now_v7())
    .bind(key.project)
    .bind(key.name)
    .bind(shown_prefix(plaintext))
    .bind(hash(plaintext).as_slice())
    .bind(&scopes)
    .bind(key.expires_at)
    .bind(key.seeded)
    .fetch_optional(db)
    .await?;
    Ok(row.map(KeyRow::view))
}

/// The key with this hash, revoked or not.
pub async fn lookup(db: impl PgExecutor<'_>, hash: &KeyHash) -> sqlx::Result<Option<KeyRecord>> {
    let row: Option<KeyRow> =
        sqlx::query_as(sqlx::AssertSqlSafe(format!("{SELECT} WHERE k.hash = $1")))
            .bind(hash.as_slice())
            .fetch_optional(db)
            .await?;
    Ok(row.map(KeyRow::record))
}

/// A project's keys by id (a page after `after`).
pub async fn list(
    db: impl PgExecutor<'_>,
    project: ProjectId,
    after: Option<Uuid>,
    limit: i64,
) -> sqlx::Result<Vec<ApiKey>> {
    let rows: Vec<KeyRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{SELECT} WHERE k.project_id = $1 AND ($2::uuid IS NULL OR k.id > $2)
         ORDER BY k.id LIMIT $3"
    )))
    .bind(project)
    .bind(after)
    .bind(limit)
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(KeyRow::view).collect())
}

/// Revokes a key of `project` (`None`: of any project); the key and its hash, if found.
pub async fn revoke(
    db: impl PgExecutor<'_>,
    project: Option<ProjectId>,
    id: Uuid,
) -> sqlx::Result<Option<(ApiKey, KeyHash)>> {
    let row: Option<KeyRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "WITH k AS (
            UPDATE api_keys SET revoked_at = coalesce(revoked_at, now())
            WHERE id = $1 AND ($2::uuid IS NULL OR project_id = $2) RETURNING *)
         {}",
        SELECT.replace("FROM api_keys k", "FROM k")
    )))
    .bind(id)
    .bind(project)
    .fetch_optional(db)
    .await?;
    Ok(row.map(|r| {
        let hash = r.stored_hash();
        (r.view(), hash)
    }))
}

/// Whether a key has ever existed, even if every key has since been deleted: open mode
/// ends with the first key, for good (a trigger notes it in `auth_state`).
pub async fn ever_existed(db: impl PgExecutor<'_>) -> sqlx::Result<bool> {
    sqlx::query_scalar("SELECT first_key_at IS NOT NULL FROM auth_state")
        .fetch_optional(db)
        .await
        .map(|found| found.unwrap_or(false))
}

/// The hashes of every key not revoked (expired ones included: they answer 401 as usual).
/// Bounded by `quotas.max_projects` × `quotas.project_max_keys`.
pub async fn live_hashes(db: impl PgExecutor<'_>) -> sqlx::Result<HashSet<KeyHash>> {
    let rows: Vec<Vec<u8>> =
        sqlx::query_scalar("SELECT hash FROM api_keys WHERE revoked_at IS NULL")
            .fetch_all(db)
            .await?;
    Ok(rows
        .into_iter()
        .filter_map(|h| KeyHash::try_from(h.as_slice()).ok())
        .collect())
}

/// Revokes the keys seeded from earlier values of `ERRAND_ADMIN_KEY`, all but `current`;
/// returns how many.
pub async fn retire_seeded(db: impl PgExecutor<'_>, current: &KeyHash) -> sqlx::Result<u64> {
    sqlx::query(
        "UPDATE api_keys SET revoked_at = now()
         WHERE seeded AND hash <> $1 AND revoked_at IS NULL",
    )
    .bind(current.as_slice())
    .execute(db)
    .await
    .map(|done| done.rows_affected())
}

pub async fn count_in(db: impl PgExecutor<'_>, project: ProjectId) -> sqlx::Result<i64> {
    sqlx::query_scalar("SELECT count(*) FROM api_keys WHERE project_id = $1")
        .bind(project)
        .fetch_one(db)
        .await
}

/// Notes that a key was used (called at most once a minute per key and process).
pub async fn touch(db: impl PgExecutor<'_>, id: Uuid) -> sqlx::Result<()> {
    sqlx::query("UPDATE api_keys SET last_used_at = now() WHERE id = $1")
        .bind(id)
        .execute(db)
        .await
        .map(|_| ())
}

#[cfg(test)]
mod tests {
    use super::shown_prefix;

    #[test]
    fn a_prefix_shows_at_most_eight_secret_characters() {
        assert_eq!(
            shown_prefix("ek_live_0123456789abcdef0123456789abcdef"),
            "ek_live_01234567"
        );
        assert_eq!(
            shown_prefix("0123456789abcdefghijklmnopqrstuvwxyz"),
            "01234567"
        );
        assert_eq!(shown_prefix("short"), "short");
    }
}
