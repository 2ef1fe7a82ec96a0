//! Starting and stopping the parts of a process: the HTTP API and/or the worker, on an
//! already migrated database. `serve` runs both; `api` and `worker` run one each, so they
//! scale out as separate processes on one PostgreSQL.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use sqlx::PgPool;
use sqlx::postgres::PgPoolOptions;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use errand_core::Core;
use errand_core::config::Settings;
use errand_core::events::hub::Hub;
use errand_core::runners::versions::VersionCache;
use errand_http::app::{AppState, Application, StreamSettings};
use errand_http::auth::guard::Auth;
use errand_worker::{self as worker, Runtime};

#[derive(Debug, Clone, Copy)]
pub struct Mode {
    pub api: bool,
    pub worker: bool,
}

impl Mode {
    pub const ALL: Mode = Mode {
        api: true,
        worker: true,
    };
}

/// The running parts of a process.
pub struct Running {
    /// The HTTP port, when the API runs.
    pub port: Option<u16>,
    shutdown: CancellationToken,
    server: Option<(
        actix_web::dev::ServerHandle,
        JoinHandle<std::io::Result<()>>,
    )>,
    worker: Option<JoinHandle<anyhow::Result<()>>>,
    /// The event hub, the worker's listener and the housekeeping sweep.
    background: Vec<JoinHandle<()>>,
}

/// A pool of its own on the same database, connected lazily. The API gets one because
/// actix-web runs handlers on its worker threads' runtimes, and a connection opened there
/// breaks when the server stops; kept apart, such connections can never reach the worker
/// (whose LISTEN connection would otherwise fail at shutdown). The event hub gets a small
/// one for its listening connection and its reads.
fn own_pool(pool: &PgPool, max_connections: u32) -> PgPool {
    PgPoolOptions::new()
        .max_connections(max_connections)
        .acquire_timeout(pool.options().get_acquire_timeout())
        .connect_lazy_with((*pool.connect_options()).clone())
}

/// The hub's listening connection, and reads of new events.
const HUB_CONNECTIONS: u32 = 3;

/// Starts the parts `mode` asks for. `worker_name` must be unique among live workers.
///
/// What can refuse to start (the API's address, authentication's checks) is done before
/// anything runs; a part that fails to start later stops those already started, so a
/// failed start never leaves a worker or a sweep running.
pub async fn start(
    settings: &Settings,
    pool: PgPool,
    mode: Mode,
    worker_name: String,
) -> anyhow::Result<Running> {
    let core = Core::build(settings, pool.clone()).await?;
    let api = match mode.api {
        true => Some(prepare_api(settings, &pool).await?),
        false => None,
    };
    let mut running = Running {
        port: None,
        shutdown: CancellationToken::new(),
        server: None,
        worker: None,
        background: Vec::new(),
    };
    // The histograms' samples are folded into their buckets every few seconds, scraped or
    // not, so memory stays bounded.
    let meters = core.meters.clone();
    running
        .background
        .push(tokio::spawn(meters.keep_up(running.shutdown.clone())));
    let worker_alive = mode.worker.then(|| Arc::new(AtomicBool::new(true)));
    if mode.worker {
        running.start_worker(settings, &core, worker_name, worker_alive.clone())?;
    }
    if let Some((listener, api_pool, auth)) = api {
        let parts = ApiParts {
            listener,
            pool: api_pool,
            hub_pool: own_pool(&pool, HUB_CONNECTIONS),
            auth,
            worker_alive,
        };
        if let Err(e) = running.start_api(settings, parts, &core).await {
            // Stop what already runs; the start's error is the one to report.
            let _ = running.stop().await;
            return Err(e);
        }
    }
    Ok(running)
}

/// What can refuse an API's start: its address, and authentication's checks.
async fn prepare_api(
    settings: &Settings,
    pool: &PgPool,
) -> anyhow::Result<(std::net::TcpListener, PgPool, Arc<Auth>)> {
    let listener = Application::bind(&settings.server)?;
    let api_pool = own_pool(pool, settings.api_connections());
    match Auth::new(&api_pool, settings).await {
        Ok(auth) => Ok((listener, api_pool, Arc::new(auth))),
        Err(e) => {
            // Closed before the database may be stopped, so no connection is cut under it.
            api_pool.close().await;
            Err(e)
        }
    }
}

/// What the API was given before anything started.
struct ApiParts {
    listener: std::net::TcpListener,
    pool: PgPool,
    hub_pool: PgPool,
    auth: Arc<Auth>,
    worker_alive: Option<Arc<AtomicBool>>,
}

impl Running {
    /// The housekeeping sweep, the worker's listener and the worker.
    fn start_worker(
        &mut self,
        settings: &Settings,
        core: &Core,
        worker_name: String,
        alive: Option<Arc<AtomicBool>>,
    ) -> anyhow::Result<()> {
        let shutdown = &self.shutdown;
        let pool = &core.pool;
        let sweeper = errand_core::housekeeping::Sweeper {
            pool: pool.clone(),
            retention: settings.retention.clone(),
            events_days: settings.events.retention_days,
        };
        let dispatcher = errand_core::queues::dispatch::Dispatcher {
            core: core.clone(),
            settings: settings.queues.clone(),
        };
        let (signals, listening) = worker::Signals::start(pool.clone(), shutdown.clone());
        self.background.push(listening);
        let rt = Arc::new(Runtime {
            core: core.clone(),
            runners: VersionCache::new(settings.limits.cache_entries),
            settings: settings.worker.clone(),
            events: settings.events.clone(),
            limits: settings.limits.clone(),
            owner: worker_name,
            signals,
        });
        let grace = Duration::from_secs(settings.server.shutdown_grace_seconds);
        let scheduler = errand_core::schedules::firing::Scheduler { core: core.clone() };
        let sender = errand_core::webhooks::sending::Sender::new(
            core.pool.clone(),
            &settings.fetch,
            &settings.webhooks,
            core.meters.clone(),
        )?;
        let periodic = worker::Periodic {
            sweeper,
            dispatcher,
            scheduler,
            sender,
            deliveries_every: Duration::from_millis(settings.webhooks.tick_interval_ms),
        };
        let run = worker::run(rt, periodic, shutdown.clone(), grace);
        self.worker = Some(tokio::spawn(async move {
            let result = run.await;
            // Cleared when the worker stops, so readiness reports it.
            if let Some(alive) = alive {
                alive.store(false, Ordering::SeqCst);
            }
            result
        }));
        Ok(())
    }

    /// The event hub and the HTTP server.
    async fn start_api(
        &mut self,
        settings: &Settings,
        parts: ApiParts,
        core: &Core,
    ) -> anyhow::Result<()> {
        let (hub, hub_task) = Hub::start(
            parts.hub_pool,
            settings.events.subscriber_buffer,
            Duration::from_secs(settings.events.heartbeat_seconds),
            errand_core::tasks::model::TaskStatus::settled_names(),
            self.shutdown.clone(),
        )
        .await?;
        self.background.push(hub_task);
        let state = AppState {
            auth: parts.auth,
            quotas: settings.quotas.clone(),
            core: core.on_pool(parts.pool),
            hub,
            streams: StreamSettings::from(settings),
            worker_alive: parts.worker_alive,
            retention_days: settings.retention.tasks_days,
        };
        let app = Application::build(state, settings, parts.listener)?;
        self.port = Some(app.port());
        let server = app.into_server();
        self.server = Some((server.handle(), tokio::spawn(server)));
        Ok(())
    }

    /// A token that stops everything when cancelled (e.g. by a signal).
    pub fn shutdown_token(&self) -> CancellationToken {
        self.shutdown.clone()
    }

    /// Stops accepting requests, finishes in-flight ones and running tasks (up to the grace
    /// period), and returns the first error any part ended with.
    pub async fn stop(self) -> anyhow::Result<()> {
        self.shutdown.cancel();
        let mut result = Ok(());
        // The hub stops first, which ends open event streams and waits, so the server's
        // graceful stop is not held up by them.
        for task in self.background {
            let _ = task.await;
        }
        if let Some((handle, join)) = self.server {
            handle.stop(true).await;
            if let Ok(Err(e)) = join.await {
                result = Err(e.into());
            }
        }
        if let Some(worker) = self.worker {
            match worker.await {
                Ok(Err(e)) => result = result.and(Err(e)),
                Err(e) => result = result.and(Err(e.into())),
                Ok(Ok(())) => {}
            }
        }
        result
    }

    /// Waits until the shutdown token fires or a part stops by itself, then stops the rest.
    /// A part that stopped on its own is an error, so the process exits non-zero and a
    /// supervisor (Docker, systemd) restarts it rather than leave it idle.
    pub async fn run_until_shutdown(mut self) -> anyhow::Result<()> {
        let token = self.shutdown.clone();
        let server = self.server.as_mut().map(|(_, join)| join);
        let worker = self.worker.as_mut();
        let stopped = tokio::select! {
            // A part that ends because of the shutdown ended as asked.
            biased;
            () = token.cancelled() => None,
            result = join_or_pending(server) => {
                Some(Part::Server(anyhow::anyhow!("HTTP server stopped unexpectedly: {result:?}")))
            }
            result = join_or_pending(worker) => {
                let why = match result {
                    Ok(Ok(())) => "it ended".to_owned(),
                    Ok(Err(e)) => format!("{e:#}"),
                    Err(e) => format!("it panicked: {e}"),
                };
                Some(Part::Worker(anyhow::anyhow!("worker stopped unexpectedly: {why}")))
            }
        };
        // The part that ended is not awaited again by `stop`.
        let failure = match stopped {
            None => None,
            Some(Part::Server(e)) => {
                self.server = None;
                Some(e)
            }
            Some(Part::Worker(e)) => {
                self.worker = None;
                Some(e)
            }
        }
        .filter(|_| !token.is_cancelled());
        if let Some(e) = &failure {
            tracing::error!("{e:#}; shutting down");
        }
        let stopped = self.stop().await;
        match failure {
            Some(e) => Err(e),
            None => stopped,
        }
    }
}

/// Which part stopped by itself.
enum Part {
    Server(anyhow::Error),
    Worker(anyhow::Error),
}

/// Awaits a part's task, or never when the part does not run here.
async fn join_or_pending<T>(join: Option<&mut JoinHandle<T>>) -> Result<T, tokio::task::JoinError> {
    match join {
        Some(join) => join.await,
        None => std::future::pending().await,
    }
}

/// Cancels `token` on SIGINT (Ctrl-C) or SIGTERM.
pub fn cancel_on_signal(token: CancellationToken) -> anyhow::Result<()> {
    use tokio::signal::unix::{SignalKind, signal};
    let mut term = signal(SignalKind::terminate())?;
    let mut int = signal(SignalKind::interrupt())?;
    tokio::spawn(async move {
        tokio::select! {
            _ = term.recv() => tracing::info!("SIGTERM: shutting down"),
            _ = int.recv() => tracing::info!("SIGINT: shutting down"),
        }
        token.cancel();
    });
    Ok(())
}

/// Raises the soft limit on open files to the hard limit, so long-lived connections (event
/// streams, waits) are bounded by the system, not by the conservative default soft limit.
pub fn raise_open_files_limit() {
    use nix::sys::resource::{Resource, getrlimit, setrlimit};
    if let Ok((soft, hard)) = getrlimit(Resource::RLIMIT_NOFILE)
        && soft < hard
        && let Err(e) = setrlimit(Resource::RLIMIT_NOFILE, hard, hard)
    {
        eprintln!("errand: cannot raise the open-files limit from {soft} to {hard}: {e}");
    }
}
