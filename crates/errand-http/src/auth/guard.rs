//! The guard wrapped around the `/v1` scope and `/mcp`: finds the caller (a key, or open
//! mode) and checks the key's request rate. The scope is checked by the `Caller` extractor
//! once the route is matched. Routes outside (`/healthz`, `/readyz`, `/openapi.json`,
//! `/docs`) are not wrapped, so they stay open.

use std::net::IpAddr;
use std::time::{Duration, Instant};

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{AUTHORIZATION, HeaderName, HeaderValue};
use actix_web::middleware::Next;
use actix_web::{HttpMessage, ResponseError, web};
use chrono::Utc;
use sqlx::PgPool;
use uuid::Uuid;

use super::limiter::{Limiter, RateState};
use super::lookups::{Before, LookupGuard};
use super::open::OpenMode;
use super::{Authenticated, Caller, Scope};
use crate::app::AppState;
use crate::error::{ApiError, ErrorCode};
use errand_core::cache::BoundedCache;
use errand_core::config::Settings;
use errand_core::keys::{self, KeyHash, KeyRecord};
use errand_core::projects::{self, ProjectId};

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
    /// What unknown tokens may cost.
    lookups: LookupGuard,
}

impl Auth {
    /// Prepares authentication for an API process: seeds `ERRAND_ADMIN_KEY` (retiring its
    /// earlier values), and refuses to start in an open mode that could be reached from
    /// elsewhere: a non-loopback address (unless `auth.insecure_no_auth`), or CORS for any
    /// origin.
    pub async fn new(pool: &PgPool, settings: &Settings) -> anyhow::Result<Self> {
        let default = projects::store::ensure(pool, projects::DEFAULT_PROJECT).await?;
        let default = ProjectId(default.id);
        if let Some(plaintext) = &settings.auth.admin_key {
            seed_admin_key(pool, default, plaintext).await?;
        }
        if !keys::ever_existed(pool).await? {
            check_open_mode(settings)?;
        }
        Ok(Self {
            open: OpenMode::new(&settings.server.bind, settings.auth.insecure_no_auth),
            limiter: Limiter::new(&settings.quotas),
            lookups: LookupGuard::new(&settings.auth),
            default_project: default,
            cache: BoundedCache::new(CACHED_KEYS),
            cache_for: Duration::from_secs(settings.auth.key_cache_seconds),
            touched: BoundedCache::new(CACHED_KEYS),
        })
    }

    /// A key was revoked in this process: it stops working at once.
    pub fn forget(&self, hash: &KeyHash) {
        self.cache.remove(hash);
    }

    async fn record(
        &self,
        pool: &PgPool,
        hash: &KeyHash,
        address: Option<IpAddr>,
    ) -> Result<Option<KeyRecord>, ApiError> {
        if let Some((record, at)) = self.cache.get(hash)
            && at.elapsed() < self.cache_for
        {
            return Ok(Some(record));
        }
        match self.lookups.before(hash, address) {
            Before::Lookup => {}
            Before::Unknown => return Ok(None),
            Before::OverBudget(refusal) => {
                if !self.lookups.is_live(pool, hash).await? {
                    return Err(refusal);
                }
            }
        }
        let found = keys::lookup(pool, hash).await?;
        self.lookups.after(hash, found.is_some());
        self.cache.remove(hash);
        if let Some(record) = &found {
            self.cache.insert(*hash, (record.clone(), Instant::now()));
        }
        Ok(found)
    }

    /// The caller a request's credentials (or their absence) stand for.
    async fn caller(&self, pool: &PgPool, req: &ServiceRequest) -> Result<Caller, ApiError> {
        if req.headers().get_all(AUTHORIZATION).nth(1).is_some() {
            // Which one would count is a guess a proxy and Errand could make differently.
            return Err(unauthenticated(
                "send one Authorization header, not several",
            ));
        }
        let Some(header) = req.headers().get(AUTHORIZATION) else {
            if !self.open.active(pool).await? {
                return Err(unauthenticated(
                    "send an API key: `Authorization: Bearer <key>`",
                ));
            }
            if let Some(why) = self.open.refusal(req.method(), req.uri(), req.headers()) {
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
        let address = req.peer_addr().map(|a| a.ip());
        let record = self
            .record(pool, &hash, address)
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

/// Stores `ERRAND_ADMIN_KEY` (its hash) and revokes the keys of its earlier values, so
/// rotating the variable retires the old key at this start.
async fn seed_admin_key(pool: &PgPool, project: ProjectId, plaintext: &str) -> anyhow::Result<()> {
    let seed = keys::NewKey {
        project,
        name: "ERRAND_ADMIN_KEY",
        scopes: &[Scope::Admin],
        expires_at: None,
        seeded: true,
    };
    if keys::insert(pool, &seed, plaintext).await?.is_some() {
        tracing::info!("stored the admin key of ERRAND_ADMIN_KEY (its hash only)");
    }
    let retired = keys::retire_seeded(pool, &keys::hash(plaintext)).await?;
    if retired > 0 {
        tracing::warn!("revoked {retired} key(s) of earlier values of ERRAND_ADMIN_KEY");
    }
    Ok(())
}

/// Open mode (no key has ever existed) is allowed on loopback, or anywhere with
/// `auth.insecure_no_auth`, but never with CORS for any origin: any web page could then
/// read the server's data. Each start in open mode says so, with the address.
fn check_open_mode(settings: &Settings) -> anyhow::Result<()> {
    let bind = &settings.server.bind;
    let port = settings.server.port;
    let loopback = super::open::is_loopback_host(bind);
    if !loopback && !settings.auth.insecure_no_auth {
        anyhow::bail!(
            "refusing to serve {bind} without authentication: no API key exists. Either \
             create one (`errand keys create --project default --scope admin`, or set \
             ERRAND_ADMIN_KEY), or pass --insecure-no-auth to serve this address open"
        );
    }
    if settings
        .server
        .cors_allowed_origins
        .iter()
        .any(|o| o == "*")
    {
        anyhow::bail!(
            "refusing to serve in open mode with server.cors_allowed_origins = [\"*\"]: any web \
             page could read this server's data. Name the allowed origins, or create an API key \
             first (ERRAND_ADMIN_KEY, or `errand keys create --project default --scope admin`)"
        );
    }
    let reach = if loopback {
        "from this machine only"
    } else {
        "from anywhere that reaches it: --insecure-no-auth"
    };
    tracing::warn!(
        "open mode on {bind}:{port}: no API key has ever existed, so requests need none and \
         run in the `default` project ({reach}); create a key to end open mode for good"
    );
    Ok(())
}

fn unauthenticated(detail: &str) -> ApiError {
    ApiError::new(ErrorCode::Unauthenticated, detail)
}

/// The middleware (`from_fn`), wrapped around the routes that need a caller.
pub async fn guard(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let Some(state) = req.app_data::<web::Data<AppState>>().cloned() else {
        return Err(ApiError::new(ErrorCode::InternalError, "no application state").into());
    };
    let auth = &state.auth;
    let caller = match auth.caller(&state.core.pool, &req).await {
        Ok(caller) => caller,
        Err(e) => return Ok(refuse(req, &e, None)),
    };
    let rate = match auth.limiter.check(caller.limit_key()) {
        Ok(rate) => rate,
        Err((e, rate)) => return Ok(refuse(req, &e, Some(rate))),
    };
    req.extensions_mut().insert(Authenticated(caller));
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
