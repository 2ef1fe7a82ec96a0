//! `errand bench`: measures the service as shipped, on a throwaway managed PostgreSQL
//! (fsync on) or `DATABASE_URL`. Errand runs as child processes of this binary, so the
//! figures include HTTP, the queue and the database, and its memory is measured apart
//! from the load generator's.
//!
//! 1. Submit -> succeeded: `mock` tasks through `POST …/tasks?wait=`, at each concurrency
//!    level; throughput, latency, pickup latency (queued -> started, from the event log)
//!    and the database transactions and WAL flushes each task costs.
//! 2. SSE fan-out: N streams on one task of one `errand api`; events are appended straight
//!    to the log and timed from their commit to each client.
//! 3. Unknown tokens: a real key's latency while random bearer tokens flood `errand api`.
//! 4. A thread's turns: how soon a queued task starts once its predecessor on the thread
//!    ends; and on a thread of 100,000 messages, how soon a task's model call follows its
//!    claim.

mod auth;
mod backlog;
mod fanout;
mod setup;
mod stats;
mod tasks;
mod threads;

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::Context;
use sqlx::PgPool;

use errand_core::db::{self, LocalPostgres};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Part {
    All,
    /// Submit -> succeeded only.
    Tasks,
    /// A new thread and a task on it -> succeeded only.
    ThreadTasks,
    /// A task whose model calls a tool -> succeeded only.
    ToolTasks,
    /// SSE fan-out only.
    Fanout,
    /// A real key's latency under a flood of unknown tokens only.
    Auth,
    /// A thread's turns only.
    Threads,
}

#[derive(Debug, Clone, clap::Args)]
pub struct BenchArgs {
    /// Which benchmarks to run.
    #[arg(long, value_enum, default_value_t = Part::All)]
    pub part: Part,
    /// Tasks per concurrency level.
    #[arg(long, default_value_t = 2000)]
    pub tasks: usize,
    /// Concurrency levels of the submit benchmark.
    #[arg(long, value_delimiter = ',', default_value = "1,16,64")]
    pub concurrency: Vec<usize>,
    /// Numbers of concurrent SSE streams of the fan-out benchmark.
    #[arg(long, value_delimiter = ',', default_value = "1000,10000")]
    pub streams: Vec<usize>,
    /// Events appended in each fan-out run.
    #[arg(long, default_value_t = 50)]
    pub events: usize,
    /// Pause between appended events, in milliseconds.
    #[arg(long, default_value_t = 20)]
    pub interval_ms: u64,
    /// Tasks one worker runs at once (`worker.concurrency`).
    #[arg(long, default_value_t = 64)]
    pub worker_concurrency: usize,
    /// Random bearer tokens sent in the unknown-tokens benchmark.
    #[arg(long, default_value_t = 3000)]
    pub bad_tokens: usize,
    /// Random bearer tokens sent per second in the unknown-tokens benchmark.
    #[arg(long, default_value_t = 1000)]
    pub bad_token_rate: u32,
    /// Tasks queued on one thread in the thread benchmark.
    #[arg(long, default_value_t = 200)]
    pub turns: usize,
    /// Messages of the long thread in the thread benchmark (0: none).
    #[arg(long, default_value_t = 100_000)]
    pub thread_messages: usize,
    /// Tasks queued behind a waiting task on one thread in the thread benchmark, while
    /// other tasks' pickup is measured (0: none).
    #[arg(long, default_value_t = 1_000)]
    pub thread_backlog: usize,
    /// Keep the default request quotas (`[quotas]`) instead of lifting them: shows whether
    /// the defaults let one well-behaved client use what the service can do (a 429 fails
    /// the run).
    #[arg(long)]
    pub default_quotas: bool,
    /// Send every request with an API key (the cost of authentication); without it the
    /// server runs in open mode.
    #[arg(long)]
    pub api_key: bool,
}

/// The database the bench runs on, and the server it may have started.
struct BenchDb {
    pool: PgPool,
    url: String,
    local: Option<(LocalPostgres, PathBuf)>,
}

pub async fn run(database_url: Option<String>, args: BenchArgs) -> anyhow::Result<()> {
    let db = open_db(database_url).await?;
    let result = run_on(&db, &args).await;
    db.pool.close().await;
    if let Some((local, dir)) = db.local {
        let _ = tokio::task::spawn_blocking(move || local.stop()).await;
        let _ = std::fs::remove_dir_all(dir);
    }
    result
}

async fn run_on(db: &BenchDb, args: &BenchArgs) -> anyhow::Result<()> {
    print_machine(&db.pool).await?;
    let key = if args.api_key {
        Some(bench_key(&db.pool).await?)
    } else {
        None
    };
    println!(
        "authentication: {}",
        if key.is_some() {
            "an API key on every request"
        } else {
            "open mode"
        }
    );
    let client = client(key.as_deref())?;
    let shapes = [
        (Part::Tasks, tasks::Shape::Plain),
        (Part::ThreadTasks, tasks::Shape::Thread),
        (Part::ToolTasks, tasks::Shape::Tool),
    ];
    for (part, shape) in shapes {
        if matches!(args.part, Part::All) || args.part == part {
            let mut serve = Errand::start("serve", &db.url, args, key.clone())?;
            serve.ready(&client).await?;
            let result = tasks::run(&client, &db.pool, &serve.base, args, shape).await;
            serve.stop();
            result?;
        }
    }
    if matches!(args.part, Part::All | Part::Threads) {
        let mut serve = Errand::start("serve", &db.url, args, key.clone())?;
        serve.ready(&client).await?;
        let mut result = threads::run(&client, &db.pool, &serve.base, args.turns).await;
        if result.is_ok() && args.thread_messages > 0 {
            result =
                threads::long_thread(&client, &db.pool, &serve.base, args.thread_messages).await;
        }
        if result.is_ok() && args.thread_backlog > 0 {
            result = backlog::run(&client, &db.pool, &serve.base, args.thread_backlog).await;
        }
        serve.stop();
        result?;
    }
    if matches!(args.part, Part::All | Part::Fanout) {
        let mut api = Errand::start("api", &db.url, args, key.clone())?;
        api.ready(&client).await?;
        let result = fanout::run(&db.pool, &api, args).await;
        api.stop();
        result?;
    }
    if matches!(args.part, Part::All | Part::Auth) {
        // Keys exist from here on: the server is out of open mode for good.
        let real = match &key {
            Some(key) => key.clone(),
            None => bench_key(&db.pool).await?,
        };
        let mut api = Errand::start("api", &db.url, args, Some(real.clone()))?;
        api.ready(&client).await?;
        let result = auth::run(&api, &real, args).await;
        api.stop();
        result?;
    }
    Ok(())
}

async fn open_db(database_url: Option<String>) -> anyhow::Result<BenchDb> {
    if let Some(url) = database_url {
        let pool = sqlx::postgres::PgPoolOptions::new()
            .max_connections(8)
            .connect(&url)
            .await
            .context("cannot connect to DATABASE_URL")?;
        db::migrate(&pool).await?;
        return Ok(BenchDb {
            pool,
            url,
            local: None,
        });
    }
    let dir = std::env::temp_dir().join(format!("errand-bench-{}", std::process::id()));
    let start_dir = dir.clone();
    let local = tokio::task::spawn_blocking(move || {
        LocalPostgres::start(&start_dir, errand_core::db::Access::Own)
    })
    .await
    .context("local PostgreSQL start-up panicked")??;
    let admin = db::pool_for(&local, "postgres", 2).await?;
    db::ensure_database(&admin, "errand_bench").await?;
    admin.close().await;
    let pool = db::pool_for(&local, "errand_bench", 8).await?;
    db::migrate(&pool).await?;
    let url = local.url("errand_bench");
    Ok(BenchDb {
        pool,
        url,
        local: Some((local, dir)),
    })
}

async fn print_machine(pool: &PgPool) -> anyhow::Result<()> {
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let model = cpuinfo
        .lines()
        .find_map(|l| {
            l.strip_prefix("model name")
                .map(|m| m.trim_start_matches([' ', '\t', ':']))
        })
        .unwrap_or("unknown CPU");
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let meminfo = std::fs::read_to_string("/proc/meminfo").unwrap_or_default();
    let memory = meminfo
        .lines()
        .find_map(|l| l.strip_prefix("MemTotal:"))
        .map_or("?".into(), |m| m.trim().to_owned());
    let version: String = sqlx::query_scalar("SELECT current_setting('server_version')")
        .fetch_one(pool)
        .await?;
    let fsync: String = sqlx::query_scalar("SHOW fsync").fetch_one(pool).await?;
    let sync_commit: String = sqlx::query_scalar("SHOW synchronous_commit")
        .fetch_one(pool)
        .await?;
    println!("# errand bench");
    println!("machine: {cores} cores ({model}), {memory} memory");
    println!("PostgreSQL {version}, fsync={fsync}, synchronous_commit={sync_commit}");
    println!(
        "errand {} (release build: {})",
        env!("CARGO_PKG_VERSION"),
        !cfg!(debug_assertions)
    );
    Ok(())
}

/// A write key of the `default` project in the bench's database.
async fn bench_key(pool: &PgPool) -> anyhow::Result<String> {
    use errand_core::keys::{self, Scope};
    let project =
        errand_core::projects::store::ensure(pool, errand_core::projects::DEFAULT_PROJECT).await?;
    let plaintext = keys::generate()?;
    let new = keys::NewKey {
        project: errand_core::projects::ProjectId(project.id),
        name: "errand bench",
        scopes: &[Scope::Write],
        expires_at: None,
        seeded: false,
    };
    keys::insert(pool, &new, &plaintext)
        .await?
        .context("a fresh key collided")?;
    Ok(plaintext)
}

/// An HTTP client that sends `key` (if any) with every request.
fn client(key: Option<&str>) -> anyhow::Result<reqwest::Client> {
    let mut headers = reqwest::header::HeaderMap::new();
    if let Some(key) = key {
        headers.insert(
            reqwest::header::AUTHORIZATION,
            format!("Bearer {key}").parse()?,
        );
    }
    Ok(reqwest::Client::builder()
        .tls_backend_preconfigured(errand_core::llm::http::tls_config()?)
        .pool_max_idle_per_host(usize::MAX)
        .default_headers(headers)
        .build()?)
}

/// An Errand child process on a free port.
pub struct Errand {
    child: Child,
    pub base: String,
    /// The API key its clients send, if any.
    pub key: Option<String>,
}

impl Errand {
    fn start(
        command: &str,
        database_url: &str,
        args: &BenchArgs,
        key: Option<String>,
    ) -> anyhow::Result<Self> {
        let port = std::net::TcpListener::bind("127.0.0.1:0")?
            .local_addr()?
            .port();
        let mut errand = Command::new(std::env::current_exe()?);
        errand
            .args(["--port", &port.to_string(), command])
            .env("DATABASE_URL", database_url)
            .env(
                "ERRAND_WORKER_CONCURRENCY",
                args.worker_concurrency.to_string(),
            )
            .env("ERRAND_LOG", "warn")
            .env_remove("ERRAND_ADMIN_KEY")
            .stdout(Stdio::null())
            .stderr(Stdio::inherit());
        if !args.default_quotas {
            // The bench is one client sending as fast as it can: no rate or stream limit
            // may shape what it measures.
            errand
                .env("ERRAND_QUOTAS_REQUESTS_PER_SECOND", "1000000000")
                .env("ERRAND_QUOTAS_REQUEST_BURST", "1000000000")
                .env("ERRAND_QUOTAS_KEY_MAX_STREAMS", "1000000");
        }
        let child = errand
            .spawn()
            .with_context(|| format!("cannot start errand {command}"))?;
        Ok(Self {
            child,
            base: format!("http://127.0.0.1:{port}"),
            key,
        })
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    async fn ready(&mut self, client: &reqwest::Client) -> anyhow::Result<()> {
        let start = Instant::now();
        loop {
            if let Ok(res) = client.get(format!("{}/readyz", self.base)).send().await
                && res.status().is_success()
            {
                return Ok(());
            }
            if let Some(status) = self.child.try_wait()? {
                anyhow::bail!("errand exited during start-up: {status}");
            }
            anyhow::ensure!(
                start.elapsed() < Duration::from_secs(30),
                "errand did not start"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    fn stop(&mut self) {
        let pid = nix::unistd::Pid::from_raw(self.child.id() as i32);
        let _ = nix::sys::signal::kill(pid, nix::sys::signal::Signal::SIGTERM);
        let _ = self.child.wait();
    }
}

impl Drop for Errand {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
