//! The managed local PostgreSQL: when no `DATABASE_URL` is configured, Errand runs a private
//! server from the machine's PostgreSQL binaries, with its data under the data directory and
//! a Unix socket as its only listener. As root it runs as the `postgres` system user, since
//! `initdb` and `postgres` refuse root.

use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, anyhow, bail};
use nix::sys::signal::{Signal, kill};
use nix::unistd::{Gid, Pid, Uid, User};
use sqlx::postgres::PgConnectOptions;

const SUPERUSER: &str = "errand";
const PORT: u16 = 5432;

/// A running private server. Stopping is explicit (`stop`); if this process dies instead,
/// the kernel sends the server SIGINT (parent-death signal), so no server is left behind.
pub struct LocalPostgres {
    cluster: PathBuf,
    socket_dir: PathBuf,
    /// `None` when an already running server of the same cluster was adopted.
    child: Option<ChildServer>,
}

struct ChildServer {
    pid: Pid,
    exited: std::sync::Mutex<std::sync::mpsc::Receiver<()>>,
}

struct RunAs {
    uid: Uid,
    gid: Gid,
}

impl LocalPostgres {
    /// Initialises the cluster on first use, then starts (or adopts) its server.
    pub fn start(data_dir: &Path) -> anyhow::Result<Self> {
        let bin = find_binaries()?;
        let run_as = run_as()?;
        std::fs::create_dir_all(data_dir)
            .with_context(|| format!("cannot create data directory {}", data_dir.display()))?;
        let data_dir = data_dir.canonicalize()?;
        let base = cluster_base(&data_dir, run_as.as_ref())?;
        let cluster = base.join("pg");
        let socket_dir = base.join("run");
        for dir in [&cluster, &socket_dir] {
            std::fs::create_dir_all(dir)?;
            std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))?;
            if let Some(user) = &run_as {
                nix::unistd::chown(dir.as_path(), Some(user.uid), Some(user.gid))?;
            }
        }
        if !cluster.join("PG_VERSION").exists() {
            init_cluster(&bin, &cluster, run_as.as_ref())?;
        }
        let mut server = Self {
            cluster,
            socket_dir,
            child: None,
        };
        if let Some(pid) = server.running_pid() {
            tracing::info!(pid, "adopting the already running local PostgreSQL");
        } else {
            server.child = Some(server.spawn(&bin, run_as.as_ref())?);
        }
        server.wait_ready(Duration::from_secs(30))?;
        Ok(server)
    }

    /// Options for a database on this server.
    pub fn connect_options(&self, database: &str) -> PgConnectOptions {
        PgConnectOptions::new()
            .socket(&self.socket_dir)
            .port(PORT)
            .username(SUPERUSER)
            .database(database)
    }

    /// A URL other processes (or `DATABASE_URL`) can use to reach a database here.
    pub fn url(&self, database: &str) -> String {
        format!(
            "postgres://{SUPERUSER}@localhost:{PORT}/{database}?host={}",
            self.socket_dir.display()
        )
    }

    /// Fast shutdown: active sessions are ended, the server stops within seconds.
    pub fn stop(mut self) {
        if let Some(child) = self.child.take() {
            let _ = kill(child.pid, Signal::SIGINT);
            let exited = child
                .exited
                .lock()
                .map(|rx| rx.recv_timeout(Duration::from_secs(20)));
            if !matches!(exited, Ok(Ok(()))) {
                tracing::warn!("local PostgreSQL did not stop in time; sending SIGQUIT");
                let _ = kill(child.pid, Signal::SIGQUIT);
            }
            tracing::info!("local PostgreSQL stopped");
        }
    }

    fn running_pid(&self) -> Option<i32> {
        let text = std::fs::read_to_string(self.cluster.join("postmaster.pid")).ok()?;
        let pid: i32 = text.lines().next()?.trim().parse().ok()?;
        // Signal 0 probes for existence; EPERM still means the process exists.
        match kill(Pid::from_raw(pid), None) {
            Ok(()) | Err(nix::errno::Errno::EPERM) => Some(pid),
            Err(_) => None,
        }
    }

    fn spawn(&self, bin: &Path, run_as: Option<&RunAs>) -> anyhow::Result<ChildServer> {
        let mut cmd = Command::new(bin.join("postgres"));
        cmd.arg("-D")
            .arg(&self.cluster)
            .arg("-k")
            .arg(&self.socket_dir)
            .args(["-c", "listen_addresses=", "-p", &PORT.to_string()])
            .args(["-c", "max_connections=300", "-c", "fsync=on"])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::from(log_file(&self.cluster)?))
            // Own process group: a terminal's Ctrl-C reaches Errand, which then finishes its
            // tasks before stopping the server, instead of the server vanishing first.
            .process_group(0);
        apply_run_as(&mut cmd, run_as);
        set_parent_death_signal(&mut cmd);
        // The spawning thread stays alive as long as the server does (it waits on it): the
        // parent-death signal fires when the spawning *thread* exits, not the process.
        let (spawned_tx, spawned_rx) = std::sync::mpsc::channel();
        let (exited_tx, exited_rx) = std::sync::mpsc::channel();
        std::thread::Builder::new()
            .name("local-postgres".into())
            .spawn(move || match cmd.spawn() {
                Ok(mut child) => {
                    let _ = spawned_tx.send(Ok(child.id()));
                    let _ = child.wait();
                    let _ = exited_tx.send(());
                }
                Err(e) => {
                    let _ = spawned_tx.send(Err(e));
                }
            })?;
        let pid = spawned_rx
            .recv()
            .context("local PostgreSQL keeper thread died")?
            .context("cannot start postgres")?;
        Ok(ChildServer {
            pid: Pid::from_raw(i32::try_from(pid)?),
            exited: std::sync::Mutex::new(exited_rx),
        })
    }

    fn wait_ready(&self, limit: Duration) -> anyhow::Result<()> {
        let socket = self.socket_dir.join(format!(".s.PGSQL.{PORT}"));
        let started = Instant::now();
        loop {
            if socket.exists() && std::os::unix::net::UnixStream::connect(&socket).is_ok() {
                // The socket appears before recovery ends; the caller's pool retries connects.
                return Ok(());
            }
            if let Some(child) = &self.child
                && child.exited.lock().is_ok_and(|rx| rx.try_recv().is_ok())
            {
                bail!(
                    "local PostgreSQL exited at start-up; see {}",
                    self.cluster.join("server.log").display()
                );
            }
            if started.elapsed() > limit {
                bail!("local PostgreSQL did not open its socket within {limit:?}");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

/// Where the cluster lives: under the data directory when the server's user can reach it,
/// otherwise (a root-owned 0700 home, say) under /var/lib/errand, said in the log.
fn cluster_base(data_dir: &Path, run_as: Option<&RunAs>) -> anyhow::Result<PathBuf> {
    let Some(user) = run_as else {
        return Ok(data_dir.join("postgres"));
    };
    if reachable(data_dir, user) {
        return Ok(data_dir.join("postgres"));
    }
    let digest = sha2_hex(data_dir.to_string_lossy().as_bytes());
    let fallback = Path::new("/var/lib/errand").join(&digest[..16]);
    std::fs::create_dir_all(&fallback).with_context(|| {
        format!(
            "the postgres user cannot reach {} and {} cannot be created; \
             use --data-dir with a path outside a private home directory",
            data_dir.display(),
            fallback.display()
        )
    })?;
    for dir in [Path::new("/var/lib/errand"), fallback.as_path()] {
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o755))?;
    }
    tracing::warn!(
        data_dir = %data_dir.display(),
        cluster = %fallback.display(),
        "the postgres user cannot traverse the data directory (a 0700 parent?); \
         keeping the PostgreSQL cluster at the fallback path instead"
    );
    Ok(fallback)
}

fn sha2_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(bytes))
}

/// Whether `user` may traverse every directory down to and including `dir`.
fn reachable(dir: &Path, user: &RunAs) -> bool {
    dir.ancestors().all(|d| match std::fs::metadata(d) {
        Ok(m) => {
            let mode = m.mode();
            if m.uid() == user.uid.as_raw() {
                mode & 0o100 != 0
            } else if m.gid() == user.gid.as_raw() {
                mode & 0o010 != 0
            } else {
                mode & 0o001 != 0
            }
        }
        Err(_) => false,
    })
}

fn run_as() -> anyhow::Result<Option<RunAs>> {
    if !Uid::effective().is_root() {
        return Ok(None);
    }
    let user = User::from_name("postgres")?.ok_or_else(|| {
        anyhow!(
            "running as root, but there is no `postgres` system user to run PostgreSQL as \
             (initdb refuses root); install the postgresql package or set DATABASE_URL"
        )
    })?;
    Ok(Some(RunAs {
        uid: user.uid,
        gid: user.gid,
    }))
}

fn apply_run_as(cmd: &mut Command, run_as: Option<&RunAs>) {
    if let Some(user) = run_as {
        cmd.uid(user.uid.as_raw()).gid(user.gid.as_raw());
        // HOME of root is not readable by the postgres user; libpq and initdb look there.
        cmd.env("HOME", "/tmp").current_dir("/");
    }
}

#[allow(unsafe_code)]
fn set_parent_death_signal(cmd: &mut Command) {
    // SAFETY: prctl is async-signal-safe and touches no memory of the parent.
    unsafe {
        cmd.pre_exec(|| {
            nix::sys::prctl::set_pdeathsig(Signal::SIGINT).map_err(std::io::Error::from)
        });
    }
}

fn init_cluster(bin: &Path, cluster: &Path, run_as: Option<&RunAs>) -> anyhow::Result<()> {
    tracing::info!(cluster = %cluster.display(), "initialising local PostgreSQL cluster");
    let mut cmd = Command::new(bin.join("initdb"));
    cmd.arg("-D")
        .arg(cluster)
        .args(["--auth=trust", "--encoding=UTF8", "--no-locale"])
        .arg(format!("--username={SUPERUSER}"))
        .stdin(Stdio::null());
    apply_run_as(&mut cmd, run_as);
    let out = cmd.output().context("cannot run initdb")?;
    if !out.status.success() {
        bail!(
            "initdb failed: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        );
    }
    Ok(())
}

fn log_file(cluster: &Path) -> anyhow::Result<std::fs::File> {
    Ok(std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(cluster.join("server.log"))?)
}

/// The directory with `initdb` and `postgres`: `pg_config --bindir`, else the newest
/// `/usr/lib/postgresql/*/bin`.
fn find_binaries() -> anyhow::Result<PathBuf> {
    let has_server = |dir: &Path| dir.join("postgres").is_file() && dir.join("initdb").is_file();
    if let Ok(out) = Command::new("pg_config").arg("--bindir").output()
        && out.status.success()
    {
        let dir = PathBuf::from(String::from_utf8_lossy(&out.stdout).trim());
        if has_server(&dir) {
            return Ok(dir);
        }
    }
    let mut candidates: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| {
            let version = e.file_name().to_string_lossy().parse::<u32>().ok()?;
            let bin = e.path().join("bin");
            has_server(&bin).then_some((version, bin))
        })
        .collect();
    candidates.sort();
    candidates.pop().map(|(_, bin)| bin).ok_or_else(|| {
        anyhow!(
            "no PostgreSQL server binaries found (pg_config --bindir, /usr/lib/postgresql/*/bin): \
             install them (Debian/Ubuntu: apt-get install postgresql) or set DATABASE_URL"
        )
    })
}
