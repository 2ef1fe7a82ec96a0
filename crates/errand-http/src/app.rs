//! The HTTP application: one route table, body limits and error mapping, request ids,
//! the OpenAPI document and its docs page. `Application::build` binds the listener (port 0
//! picks a free one) and reports the real port.

use std::net::TcpListener;
use std::sync::Arc;
use std::time::Duration;

use actix_cors::Cors;
use actix_web::body::MessageBody;
use actix_web::dev::{Server, ServiceRequest, ServiceResponse};
use actix_web::error::{PathError, QueryPayloadError};
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::middleware::{Condition, Next, from_fn};
use actix_web::{App, HttpMessage, HttpRequest, HttpResponse, HttpServer, get, web};
use tracing_actix_web::{RequestId, TracingLogger};
use utoipa::OpenApi;
use utoipa_actix_web::AppExt;
use utoipa_actix_web::service_config::ServiceConfig;
use utoipa_swagger_ui::SwaggerUi;

use crate::auth::guard::Auth;
use crate::body::BodyConfig;
use crate::error::{ApiError, ErrorCode};
use crate::openapi::{BaseDoc, Contract};
use crate::{
    auth, files, health, llm, projects, queues, runners, schedules, tasks, threads, tools,
    triggers, webhooks,
};
use errand_core::Core;
use errand_core::config::{QuotaSettings, Settings};
use errand_core::events::hub::Hub;

/// What handlers share. Cheap to clone.
#[derive(Clone)]
pub struct AppState {
    /// The domain's state, on the API's own pool.
    pub core: Core,
    /// Live task events of this process.
    pub hub: Hub,
    pub streams: StreamSettings,
    /// Whether this process's worker still runs (`None`: no worker here).
    pub worker_alive: Option<Arc<std::sync::atomic::AtomicBool>>,
    /// Keys, open mode and request rates.
    pub auth: Arc<Auth>,
    pub quotas: QuotaSettings,
    /// `retention.tasks_days`: how long a finished task stays (MCP tasks' `ttlMs`).
    pub retention_days: Option<u32>,
}

impl AppState {
    /// Submits tasks to `project` with this server's settings.
    pub fn submitter(
        &self,
        project: errand_core::projects::ProjectId,
    ) -> errand_core::tasks::submit::Submitter<'_> {
        self.core.submitter(project)
    }
}

/// How waiting requests and event streams behave.
#[derive(Debug, Clone, Copy)]
pub struct StreamSettings {
    pub heartbeat: Duration,
    /// The longest `wait` a request may ask for.
    pub max_wait: Duration,
    /// Bytes of event or step data in one page (`limits.page_bytes`).
    pub page_bytes: usize,
}

impl From<&Settings> for StreamSettings {
    fn from(s: &Settings) -> Self {
        Self {
            heartbeat: Duration::from_secs(s.events.heartbeat_seconds),
            max_wait: Duration::from_secs(s.server.max_wait_seconds),
            page_bytes: s.limits.page_bytes,
        }
    }
}

/// Registers every documented route.
fn configure(cfg: &mut ServiceConfig) {
    cfg.service(health::healthz)
        .service(health::readyz)
        // Before `/v1`, outside its guard: a sender posts without a key, and the trigger's
        // signature decides. Only this handler is reachable there.
        .service(utoipa_actix_web::scope("/v1/hooks").configure(triggers::configure_hooks))
        .service(
            // Everything the router sends into `/v1` is authenticated (an unknown `/v1`
            // path too); each handler's `Caller` then checks its route's scope.
            utoipa_actix_web::scope("/v1")
                .wrap(from_fn(auth::guard::guard))
                .configure(runners::configure)
                .configure(tasks::configure)
                .configure(threads::configure)
                .configure(tools::configure)
                .configure(files::configure)
                .configure(queues::configure)
                .configure(schedules::configure)
                .configure(triggers::configure)
                .configure(webhooks::configure)
                .configure(llm::configure)
                .configure(projects::configure)
                .configure(auth::configure),
        );
}

/// The OpenAPI document, generated from the handlers, for default settings (the one
/// committed under `openapi/`).
pub fn openapi() -> utoipa::openapi::OpenApi {
    openapi_for(&Contract::default())
}

/// The document as a server with these settings enforces it.
pub fn openapi_for(contract: &Contract) -> utoipa::openapi::OpenApi {
    let mut doc = App::new()
        .into_utoipa_app()
        .openapi(BaseDoc::openapi())
        .configure(configure)
        .split_for_parts()
        .1;
    contract.apply(&mut doc);
    doc
}

pub struct Application {
    port: u16,
    server: Server,
}

impl Application {
    /// Binds the API's address (port 0 picks a free one): the first thing an API process
    /// does, so a taken port or a refused address stops it before anything else runs.
    pub fn bind(settings: &errand_core::config::ServerSettings) -> anyhow::Result<TcpListener> {
        TcpListener::bind((settings.bind.as_str(), settings.port)).map_err(|e| {
            anyhow::anyhow!("cannot listen on {}:{}: {e}", settings.bind, settings.port)
        })
    }

    pub fn build(state: AppState, all: &Settings, listener: TcpListener) -> anyhow::Result<Self> {
        let settings = &all.server;
        let port = listener.local_addr()?.port();
        let doc = web::Data::new(openapi_for(&Contract::from(all)));
        let limit = settings.body_limit;
        let mcp = all
            .mcp
            .enabled
            .then(|| web::Data::new(crate::mcp::adapter::service(state.clone(), &all.mcp, limit)));
        let mcp_origins = all.mcp.allowed_origins.clone();
        let metrics_public = all.metrics.public;
        let state = web::Data::new(state);
        let max_violations = state.core.schemas.max_violations();
        let origins = settings.cors_allowed_origins.clone();
        let server = HttpServer::new(move || {
            let (app, _) = App::new()
                .into_utoipa_app()
                .openapi(BaseDoc::openapi())
                .app_data(state.clone())
                .app_data(BodyConfig {
                    limit,
                    max_violations,
                })
                .app_data(web::QueryConfig::default().error_handler(query_error))
                .app_data(web::PathConfig::default().error_handler(path_error))
                .configure(configure)
                .split_for_parts();
            let app = match &mcp {
                Some(mcp) => app.service(
                    web::resource(crate::mcp::PATH)
                        .wrap(from_fn(auth::guard::guard))
                        // Outside the guard: a preflight carries no credentials.
                        .wrap(crate::mcp::cors::cors(&mcp_origins))
                        .app_data(mcp.clone())
                        .app_data(web::PayloadConfig::new(limit))
                        .route(web::route().to(crate::mcp::adapter::serve)),
                ),
                None => app,
            };
            let metrics = web::resource(crate::metrics::PATH)
                .default_service(web::to(crate::error::get_only));
            let app = match metrics_public {
                true => app.service(metrics.route(web::get().to(crate::metrics::public))),
                false => app.service(
                    metrics
                        .wrap(from_fn(auth::guard::guard))
                        .route(web::get().to(crate::metrics::guarded)),
                ),
            };
            app.app_data(doc.clone())
                .service(openapi_json)
                .configure(docs)
                .configure(crate::dashboard::configure)
                .default_service(web::to(not_found))
                .wrap(from_fn(request_id_header))
                .wrap(from_fn(crate::normalize::normalize_path))
                .wrap(Condition::new(!origins.is_empty(), cors(&origins)))
                .wrap(TracingLogger::default())
        })
        .disable_signals()
        .shutdown_timeout(settings.shutdown_grace_seconds)
        .listen(listener)?
        .run();
        Ok(Self { port, server })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    pub fn into_server(self) -> Server {
        self.server
    }
}

/// Lets browser apps on the allowed origins call the API, `EventSource` included.
/// `/docs`: Swagger UI, bundled into the binary, so the page needs nothing from the
/// network (it works on an offline or air-gapped host).
fn docs(cfg: &mut web::ServiceConfig) {
    cfg.route(
        "/docs",
        web::get().to(|| async {
            HttpResponse::PermanentRedirect()
                .insert_header((actix_web::http::header::LOCATION, "/docs/"))
                .finish()
        }),
    )
    .service(
        SwaggerUi::new("/docs/{_:.*}")
            // No validator badge: it would call a public server.
            .config(utoipa_swagger_ui::Config::from("/openapi.json").validator_url("none")),
    );
}

fn cors(origins: &[String]) -> Cors {
    let mut cors = Cors::default()
        .allowed_methods(["GET", "POST", "PUT", "DELETE"])
        .allowed_headers([
            "accept",
            "authorization",
            "cache-control",
            "content-type",
            "idempotency-key",
            "last-event-id",
            "prefer",
            "mcp-protocol-version",
            "mcp-method",
            "mcp-name",
            "mcp-session-id",
        ])
        .expose_headers([
            "location",
            "x-request-id",
            "idempotent-replayed",
            "preference-applied",
        ])
        .max_age(3600);
    if origins.iter().any(|o| o == "*") {
        cors = cors.allow_any_origin().send_wildcard();
    } else {
        for origin in origins {
            cors = cors.allowed_origin(origin);
        }
    }
    cors
}

fn query_error(err: QueryPayloadError, _req: &HttpRequest) -> actix_web::Error {
    ApiError::bad_request(format!("invalid query string: {err}")).into()
}

fn path_error(err: PathError, _req: &HttpRequest) -> actix_web::Error {
    ApiError::bad_request(format!("invalid path: {err}")).into()
}

/// No route matched: 405 with `Allow` when the path is in the document under other
/// methods, else 404.
async fn not_found(
    req: HttpRequest,
    doc: web::Data<utoipa::openapi::OpenApi>,
) -> Result<HttpResponse, ApiError> {
    // The path as the router saw it (unreserved characters decoded).
    let path = req.match_info().as_str();
    let allowed = allowed_methods(&doc, path);
    if allowed.is_empty() {
        return Err(ApiError::new(
            ErrorCode::NotFound,
            format!("no route {path}"),
        ));
    }
    let allow = allowed.join(", ");
    Ok(crate::error::method_not_allowed(
        req.method().as_str(),
        path,
        &allow,
    ))
}

/// The methods the document lists for the path template `path` matches.
fn allowed_methods(doc: &utoipa::openapi::OpenApi, path: &str) -> Vec<&'static str> {
    let segments: Vec<&str> = path.split('/').collect();
    let Some(item) = doc.paths.paths.iter().find_map(|(template, item)| {
        let parts: Vec<&str> = template.split('/').collect();
        let matches = parts.len() == segments.len()
            && parts
                .iter()
                .zip(&segments)
                .all(|(t, s)| t.starts_with('{') || t == s);
        matches.then_some(item)
    }) else {
        return Vec::new();
    };
    let mut allowed = Vec::new();
    for (method, op) in [
        ("GET", &item.get),
        ("POST", &item.post),
        ("PUT", &item.put),
        ("DELETE", &item.delete),
        ("PATCH", &item.patch),
    ] {
        if op.is_some() {
            allowed.push(method);
        }
    }
    allowed
}

/// The OpenAPI document of this server.
#[get("/openapi.json")]
async fn openapi_json(doc: web::Data<utoipa::openapi::OpenApi>) -> HttpResponse {
    HttpResponse::Ok().json(doc.get_ref())
}

/// Returns the request id the tracing span carries as `x-request-id`, so a client can
/// quote it when reporting a problem.
async fn request_id_header(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let id = req.extensions().get::<RequestId>().map(|id| id.to_string());
    let mut res = next.call(req).await?;
    if let Some(id) = id.and_then(|id| HeaderValue::from_str(&id).ok()) {
        res.headers_mut()
            .insert(HeaderName::from_static("x-request-id"), id);
    }
    Ok(res)
}
