//! Who may run the managed PostgreSQL of a data directory. A long-running process
//! (`serve`, `api`, `worker`) must own the directory: it holds an exclusive lock on
//! `errand.lock` for its whole life, starts the server and stops it on exit. A short one
//! (`errand run`, `migrate`) uses the server of the process that owns it, if one does, and
//! never stops it. So two services never share (and stop) one server, and a stale
//! `postmaster.pid` left by a crash is recognised instead of adopted.

use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, Write};
use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use nix::errno::Errno;
use nix::fcntl::{Flock, FlockArg};
use nix::sys::signal::{Signal, kill};
use nix::unistd::Pid;

/// What a process needs from the data directory.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Run (and stop) the server: refused while another process owns the directory.
    Own,
    /// Use the server another process owns, or own it for the time being.
    Share,
}

/// The outcome of claiming a data directory.
pub enum Claim {
    /// This process owns the directory until the lock is dropped.
    Owner(Flock<File>),
    /// Another process (this pid, if it wrote one) owns it and runs the server.
    Guest { owner: Option<i32> },
}

pub fn claim(data_dir: &Path, access: Access) -> anyhow::Result<Claim> {
    let path = data_dir.join("errand.lock");
    let file = OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(&path)
        .with_context(|| format!("cannot open {}", path.display()))?;
    match Flock::lock(file, FlockArg::LockExclusiveNonblock) {
        Ok(mut lock) => {
            lock.set_len(0)?;
            lock.rewind()?;
            write!(lock, "{}", std::process::id())?;
            lock.flush()?;
            Ok(Claim::Owner(lock))
        }
        Err((mut file, Errno::EWOULDBLOCK)) => {
            let mut text = String::new();
            let _ = file.read_to_string(&mut text);
            let owner = text.trim().parse::<i32>().ok();
            if access == Access::Own {
                let who =
                    owner.map_or_else(|| "another process".to_owned(), |p| format!("pid {p}"));
                bail!(
                    "the data directory {} is in use by another errand process ({who}); stop it, \
                     choose another --data-dir, or set DATABASE_URL to share one database",
                    data_dir.display()
                );
            }
            Ok(Claim::Guest { owner })
        }
        Err((_, e)) => Err(e).with_context(|| format!("cannot lock {}", path.display())),
    }
}

/// Makes way for a new server of `cluster` (the caller owns the directory): a postmaster of
/// this cluster still running (orphaned by a crash) is stopped; a `postmaster.pid` naming a
/// process that is not one (its pid was reused) is removed, with the socket's lock file.
pub fn clear_stale_server(cluster: &Path, socket_dir: &Path) -> anyhow::Result<()> {
    let pid_file = cluster.join("postmaster.pid");
    let Ok(text) = std::fs::read_to_string(&pid_file) else {
        return Ok(());
    };
    let Some(pid) = text
        .lines()
        .next()
        .and_then(|l| l.trim().parse::<i32>().ok())
    else {
        return Ok(());
    };
    if !alive(pid) {
        return Ok(());
    }
    if serves(pid, cluster) {
        tracing::warn!(
            pid,
            "stopping an orphaned local PostgreSQL of this data directory"
        );
        let _ = kill(Pid::from_raw(pid), Signal::SIGINT);
        let start = Instant::now();
        while alive(pid) {
            if start.elapsed() > Duration::from_secs(30) {
                let _ = kill(Pid::from_raw(pid), Signal::SIGQUIT);
            }
            if start.elapsed() > Duration::from_secs(40) {
                bail!("the orphaned local PostgreSQL (pid {pid}) does not stop");
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        return Ok(());
    }
    tracing::warn!(
        pid,
        "removing a stale postmaster.pid (its pid now belongs to another process)"
    );
    std::fs::remove_file(&pid_file)?;
    if let Ok(entries) = std::fs::read_dir(socket_dir) {
        for entry in entries.flatten() {
            if entry.file_name().to_string_lossy().ends_with(".lock") {
                let _ = std::fs::remove_file(entry.path());
            }
        }
    }
    Ok(())
}

fn alive(pid: i32) -> bool {
    matches!(kill(Pid::from_raw(pid), None), Ok(()) | Err(Errno::EPERM))
}

/// Whether process `pid` is a postgres serving `cluster` (by its command line).
fn serves(pid: i32, cluster: &Path) -> bool {
    let Ok(cmdline) = std::fs::read(format!("/proc/{pid}/cmdline")) else {
        return false;
    };
    let cluster = cluster.as_os_str().as_encoded_bytes();
    let args: Vec<&[u8]> = cmdline.split(|b| *b == 0).collect();
    let is_postgres = args
        .first()
        .is_some_and(|a| a.ends_with(b"postgres") || a.ends_with(b"postmaster"));
    is_postgres && args.contains(&cluster)
}
