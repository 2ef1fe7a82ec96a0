//! The managed local PostgreSQL: when no `DATABASE_URL` is configured, Errand runs a private
//! server from the machine's PostgreSQL binaries, with its data under the data directory and
//! a Unix socket as its only listener. As root it runs as the `postgres` system user, since
//! `initdb` and `postgres` refuse root. The directory is locked (`lock.rs`) and the server
//! supervised (`keeper.rs`).

use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, anyhow, bail};
use nix::fcntl::Flock;
use nix::unistd::{Gid, Uid, User};
use sqlx::postgres::PgConnectOptions;

use super::keeper::{Keeper, set_parent_death_signal};
use super::lock::{self, Access, Claim};

const SUPERUSER: &str = "errand";
const PORT: u16 = 5432;

/// A private server. Stopping is explicit (`stop`); if this process dies instead, the
/// kernel sends the server SIGINT (parent-death signal), so no server is left behind.
pub struct LocalPostgres {
    socket_dir: PathBuf,
    /// `None` when another process owns the data directory and runs the server.
    owned: Option<Owned>,
}

/// The server this process runs, and its hold on the data directory.
struct Owned {
    keeper: Keeper,
    _lock: Flock<std::fs::File>,
}

struct RunAs {
    uid: Uid,
    gid: Gid,
}

impl LocalPostgres {
    /// Initialises the cluster on first use, then starts its server — or, with
    /// `Access::Share` while another process owns the directory, uses that one's.
    pub fn start(data_dir: &Path, access: Access) -> anyhow::Result<Self> {
        let bin = find_binaries()?;
        let run_as = run_as()?;
        std::fs::create_dir_all(data_dir)
            .with_context(|| format!("cannot create data directory {}", data_dir.display()))?;
        let data_dir = data_dir.canonicalize()?;
        let claim = lock::claim(&data_dir, access)?;
        let base = cluster_base(&data_dir, run_as.as_ref())?;
        let cluster = base.join("pg");
        let socket_dir = base.join("run");
        let lock = match claim {
            Claim::Owner(lock) => lock,
            Claim::Guest { owner } => {
                tracing::info!(
                    ?owner,
                    "using the local PostgreSQL of the process that owns the data directory"
                );
                let server = Self {
                    socket_dir,
                    owned: None,
                };
                server.wait_ready(Duration::from_secs(30))?;
                return Ok(server);
            }
        };
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
        lock::clear_stale_server(&cluster, &socket_dir)?;
        let keeper = {
            let (cluster, socket_dir) = (cluster.clone(), socket_dir.clone());
            let uid_gid = run_as.as_ref().map(|u| (u.uid, u.gid));
            Keeper::spawn(move || server_command(&bin, &cluster, &socket_dir, uid_gid))?
        };
        let server = Self {
            socket_dir,
            owned: Some(Owned {
                keeper,
                _lock: lock,
            }),
        };
        if let Err(e) = server.wait_ready(Duration::from_secs(30)) {
            server.stop();
            return Err(e).with_context(|| format!("see {}", cluster.join("server.log").display()));
        }
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

    /// Fast shutdown of the server this process runs (nothing when it uses another's);
    /// then releases the data directory.
    pub fn stop(self) {
        if let Some(owned) = self.owned {
            owned.keeper.stop();
        }
    }

    fn wait_ready(&self, limit: Duration) -> anyhow::Result<()> {
        let socket = self.socket_dir.join(format!(".s.PGSQL.{PORT}"));
        let started = Instant::now();
        loop {
            if socket.exists() && std::os::unix::net::UnixStream::connect(&socket).is_ok() {
                // The socket appears before recovery ends; the caller's pool retries connects.
                return Ok(());
            }
            if self.owned.as_ref().is_some_and(|o| o.keeper.exited()) {
                bail!("local PostgreSQL exited at start-up");
            }
            if started.elapsed() > limit {
                bail!("local PostgreSQL did not open its socket within {limit:?}");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

/// The `postgres` command for the cluster: a Unix socket as its only listener, run as the
/// `postgres` user when Errand runs as root.
fn server_command(
    bin: &Path,
    cluster: &Path,
    socket_dir: &Path,
    run_as: Option<(Uid, Gid)>,
) -> anyhow::Result<Command> {
    let mut cmd = Command::new(bin.join("postgres"));
    cmd.arg("-D")
        .arg(cluster)
        .arg("-k")
        .arg(socket_dir)
        .args(["-c", "listen_addresses=", "-p", &PORT.to_string()])
        .args(["-c", "max_connections=300", "-c", "fsync=on"])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::from(log_file(cluster)?))
        // Own process group: a terminal's Ctrl-C reaches Errand, which then finishes its
        // tasks before stopping the server, instead of the server vanishing first.
        .process_group(0);
    if let Some((uid, gid)) = run_as {
        apply_run_as(&mut cmd, Some(&RunAs { uid, gid }));
    }
    set_parent_death_signal(&mut cmd);
    Ok(cmd)
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
