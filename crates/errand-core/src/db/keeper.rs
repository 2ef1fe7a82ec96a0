//! The managed PostgreSQL server as a supervised child process. A keeper thread spawns
//! `postgres` and waits on it; if the server exits without being asked to (a crash, the
//! OOM killer, an operator's `pg_ctl stop`), the keeper starts it again with bounded
//! back-off, and Errand's connections recover as from any database restart. The server
//! runs in its own process group (a terminal's Ctrl-C reaches Errand first, which then
//! stops it last) and gets a parent-death signal, so it never outlives Errand.

use std::os::unix::process::CommandExt;
use std::process::Command;
use std::sync::atomic::{AtomicBool, AtomicI32, Ordering};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::Context;
use nix::sys::signal::{Signal, kill};
use nix::unistd::Pid;

/// A running, supervised server.
pub struct Keeper {
    pid: Arc<AtomicI32>,
    stopping: Arc<AtomicBool>,
    /// One message each time a server process exits.
    exits: Mutex<Receiver<()>>,
}

impl Keeper {
    /// Starts the server `command` builds (called again for each restart).
    pub fn spawn(
        command: impl Fn() -> anyhow::Result<Command> + Send + 'static,
    ) -> anyhow::Result<Self> {
        let pid = Arc::new(AtomicI32::new(0));
        let stopping = Arc::new(AtomicBool::new(false));
        let (exited_tx, exits) = channel();
        let (started_tx, started) = channel();
        let (keeper_pid, keeper_stopping) = (pid.clone(), stopping.clone());
        // The thread lives as long as the server: the parent-death signal fires when the
        // spawning *thread* exits, not the process.
        std::thread::Builder::new()
            .name("local-postgres".into())
            .spawn(move || {
                let mut restarts = 0u32;
                loop {
                    let child = command().and_then(|mut c| c.spawn().context("cannot start postgres"));
                    let mut child = match child {
                        Ok(child) => child,
                        Err(e) if restarts == 0 => {
                            let _ = started_tx.send(Err(e));
                            return;
                        }
                        Err(e) => {
                            tracing::error!(error = %e, "cannot restart the local PostgreSQL; trying again");
                            std::thread::sleep(Duration::from_secs(5));
                            continue;
                        }
                    };
                    keeper_pid.store(i32::try_from(child.id()).unwrap_or(0), Ordering::SeqCst);
                    if restarts == 0 {
                        let _ = started_tx.send(Ok(()));
                    }
                    let ran_from = Instant::now();
                    let _ = child.wait();
                    let _ = exited_tx.send(());
                    if keeper_stopping.load(Ordering::SeqCst) {
                        return;
                    }
                    if ran_from.elapsed() > Duration::from_secs(60) {
                        restarts = 1;
                    } else {
                        restarts += 1;
                    }
                    let wait = Duration::from_millis(500 * u64::from(restarts.min(20)));
                    tracing::warn!(
                        retry_in_ms = wait.as_millis() as u64,
                        "the local PostgreSQL exited unexpectedly; restarting it"
                    );
                    std::thread::sleep(wait);
                    if keeper_stopping.load(Ordering::SeqCst) {
                        return;
                    }
                }
            })?;
        started
            .recv()
            .context("local PostgreSQL keeper thread died")??;
        Ok(Self {
            pid,
            stopping,
            exits: Mutex::new(exits),
        })
    }

    /// Whether a server process exited since the last look (used while waiting for the
    /// first start to become ready).
    pub fn exited(&self) -> bool {
        self.exits.lock().is_ok_and(|rx| rx.try_recv().is_ok())
    }

    /// Fast shutdown: sessions are ended and the server stops within seconds; no restart.
    pub fn stop(self) {
        self.stopping.store(true, Ordering::SeqCst);
        let Ok(exits) = self.exits.lock() else {
            return;
        };
        while exits.try_recv().is_ok() {}
        let pid = Pid::from_raw(self.pid.load(Ordering::SeqCst));
        let _ = kill(pid, Signal::SIGINT);
        match exits.recv_timeout(Duration::from_secs(20)) {
            Ok(()) | Err(RecvTimeoutError::Disconnected) => {}
            Err(RecvTimeoutError::Timeout) => {
                tracing::warn!("local PostgreSQL did not stop in time; sending SIGQUIT");
                let _ = kill(pid, Signal::SIGQUIT);
            }
        }
        tracing::info!("local PostgreSQL stopped");
    }
}

/// Gives the child the parent-death signal SIGINT (a fast shutdown of PostgreSQL).
#[allow(unsafe_code)]
pub fn set_parent_death_signal(cmd: &mut Command) {
    // SAFETY: prctl is async-signal-safe and touches no memory of the parent.
    unsafe {
        cmd.pre_exec(|| {
            nix::sys::prctl::set_pdeathsig(Signal::SIGINT).map_err(std::io::Error::from)
        });
    }
}
