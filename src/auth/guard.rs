//! The guard in front of every `/v1` route: finds the caller (a key, or open mode), checks
//! the scope the operation needs and the key's request rate, and hands the handler a
//! `Caller`. Everything else (`/healthz`, `/readyz`, `/openapi.json`, `/docs`) stays open.

use std::time::{Duration, Instant};

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{AUTHORIZATION, HeaderName, HeaderValue};
use actix_web::middleware::Next;
use actix_web::{HttpMessage, ResponseError, web};
use chrono::Utc;
use sqlx::PgPool;
use uuid::Uuid;

use super::keys::{self, KeyHash, KeyRecord};
use super::limiter::{Limiter, RateState};
use super::open::OpenMode;
use super::{Caller, Scope, required_scope};
use crate::app::AppState;
use crate::cache::BoundedCache;
use crate::config::Settings;
use crate::error::{ApiError, ErrorCode};
use crate::projects::{self, ProjectId};

/// Keys whose lookups are kept (the rest are looked up again).
const CACHED_KEYS: usize = 4096;
/// `last_used_at` is written at most this often per key and process.
const TOUCH_EVERY: Duration = Duration::from_secs(60);

pub struct Auth {
    pub open: OpenMode,
    pub limiter: Limiter,
    /// The `default` project, which open mode works in.
    default_project: ProjectId,
    cache: BoundedCache<KeyHash, (KeyRecord, Instant)>,
    cache_for: Duration,
    touched: BoundedCache<Uuid, Instant>,
}

impl Auth {
    /// Prepares authentication for an API process: seeds `ERRAND_ADMIN_KEY`, and refuses a
    /// non-loopback address while no key exists (unless `auth.insecure_no_auth`).
    pub async fn new(pool: &PgPool, settings: &Settings) -> anyhow::Result<Self> {
        let default = projects::store::ensure(pool, projects::DEFAULT_PROJECT).await?;
        if let Some(plaintext) = &settings.auth.admin_key {
            let seed = keys::NewKey {
                project: ProjectId(default.id),
                name: "ERRAND_ADMIN_KEY",
                scopes: &[Scope::Admin],
                expires_at: None,
            };
            if keys::insert(pool, &seed, plaintext).await?.is_some() {
                tracing::info!("stored the admin key of ERRAND_ADMIN_KEY (its hash only)");
            }
        }
        let bind = &settings.server.bind;
        let loopback = super::open::is_loopback_host(bind);
        let any_key = keys::any(pool).await?;
        if !any_key && !loopback && !settings.auth.insecure_no_auth {
            anyhow::bail!(
                "refusing to serve {bind} without authentication: no API key exists. Either                  create one (`errand keys create --project default --scope admin`, or set                  ERRAND_ADMIN_KEY), or pass --insecure-no-auth to serve this address open"
            );
        }
        if !any_key {
            tracing::warn!(
                "open mode: no API key exists, so requests need none and run in the `default` project{}; create a key to end it",
                if loopback {
                    " (from this machine only)"
                } else {
                    " (--insecure-no-auth)"
                }
            );
        }
        Ok(Self {
            open: OpenMode::new(&settings.server.bind, settings.auth.insecure_no_auth),
            limiter: Limiter::new(&settings.quotas),
            default_project: ProjectId(default.id),
            cache: BoundedCache::new(CACHED_KEYS),
            cache_for: Duration::from_secs(settings.auth.key_cache_seconds),
            touched: BoundedCache::new(CACHED_KEYS),
        })
    }

    /// A key was revoked in this process: it stops working at once.
    pub fn forget(&self, hash: &KeyHash) {
        self.cache.remove(hash);
    }

    async fn record(&self, pool: &PgPool, hash: &KeyHash) -> Result<Option<KeyRecord>, ApiError> {
        if let Some((record, at)) = self.cache.get(hash)
            && at.elapsed() < self.cache_for
        {
            return Ok(Some(record));
        }
        let found = keys::lookup(pool, hash).await?;
        self.cache.remove(hash);
        if let Some(record) = &found {
            self.cache.insert(*hash, (record.clone(), Instant::now()));
        }
        Ok(found)
    }

    /// The caller a request's credentials (or their absence) stand for.
    async fn caller(&self, pool: &PgPool, req: &ServiceRequest) -> Result<Caller, ApiError> {
        let Some(header) = req.headers().get(AUTHORIZATION) else {
            if !self.open.active(pool).await? {
                return Err(unauthenticated(
                    "send an API key: `Authorization: Bearer <key>`",
                ));
            }
            if let Some(why) = self.open.refusal(req.method(), req.headers()) {
                return Err(ApiError::new(ErrorCode::Forbidden, why));
            }
            return Ok(Caller {
                project: self.default_project,
                project_name: projects::DEFAULT_PROJECT.to_owned(),
                key: None,
                scope: Scope::Admin,
            });
        };
        let text = header.to_str().unwrap_or_default();
        let Some(key) = text
            .split_once(' ')
            .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
            .map(|(_, key)| key.trim())
        else {
            return Err(unauthenticated(
                "the Authorization header must be `Bearer <key>`",
            ));
        };
        let hash = keys::hash(key);
        let record = self
            .record(pool, &hash)
            .await?
            .filter(|r| keys::same(&r.hash, &hash))
            .ok_or_else(|| unauthenticated("the API key is not known"))?;
        if record.revoked {
            return Err(unauthenticated("the API key was revoked"));
        }
        if record.expires_at.is_some_and(|at| at <= Utc::now()) {
            return Err(unauthenticated("the API key has expired"));
        }
        self.touch(pool, record.id);
        Ok(Caller {
            project: record.project,
            project_name: record.project_name,
            key: Some(record.id),
            scope: record.scope,
        })
    }

    /// Notes the key's use, at most once a minute, off the request's path.
    fn touch(&self, pool: &PgPool, id: Uuid) {
        if self
            .touched
            .get(&id)
            .is_some_and(|at| at.elapsed() < TOUCH_EVERY)
        {
            return;
        }
        self.touched.remove(&id);
        self.touched.insert(id, Instant::now());
        let pool = pool.clone();
        tokio::spawn(async move {
            if let Err(e) = keys::touch(&pool, id).await {
                tracing::warn!(key = %id, "could not note the key's use: {e}");
            }
        });
    }
}

fn unauthenticated(detail: &str) -> ApiError {
    ApiError::new(ErrorCode::Unauthenticated, detail)
}

/// Whether the guard covers this path.
fn guarded(path: &str) -> bool {
    path == "/v1" || path.starts_with("/v1/") || path == crate::mcp::PATH
}

/// The middleware (`from_fn`).
pub async fn guard(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    if !guarded(req.path()) {
        return Ok(next.call(req).await?.map_into_boxed_body());
    }
    let Some(state) = req.app_data::<web::Data<AppState>>().cloned() else {
        return Err(ApiError::new(ErrorCode::InternalError, "no application state").into());
    };
    let auth = &state.auth;
    let caller = match auth.caller(&state.pool, &req).await {
        Ok(caller) => caller,
        Err(e) => return Ok(refuse(req, &e, None)),
    };
    let needed = required_scope(req.method(), req.path());
    if caller.scope < needed {
        let e = ApiError::new(
            ErrorCode::Forbidden,
            format!(
                "this operation needs the `{}` scope; the key has `{}`",
                needed.as_str(),
                caller.scope.as_str()
            ),
        );
        return Ok(refuse(req, &e, None));
    }
    let rate = match auth.limiter.check(caller.limit_key()) {
        Ok(rate) => rate,
        Err((e, rate)) => return Ok(refuse(req, &e, Some(rate))),
    };
    req.extensions_mut().insert(caller);
    let mut res = next.call(req).await?.map_into_boxed_body();
    rate_headers(res.headers_mut(), &rate);
    Ok(res)
}

fn refuse(req: ServiceRequest, e: &ApiError, rate: Option<RateState>) -> ServiceResponse<BoxBody> {
    let mut response = e.error_response();
    if let Some(rate) = rate {
        rate_headers(response.headers_mut(), &rate);
    }
    req.into_response(response)
}

fn rate_headers(headers: &mut actix_web::http::header::HeaderMap, rate: &RateState) {
    for (name, value) in rate.headers() {
        if let Ok(value) = HeaderValue::from_str(&value) {
            headers.insert(HeaderName::from_static(name), value);
        }
    }
}
