//! `notifications/progress` for a blocking `tools/call` of a runner's tool that carries a
//! `_meta.progressToken`: one notification per event of the task's log, from its first
//! (`progress` is the event's seq, which only grows; `message` its type), sent while the
//! call waits. rmcp
//! answers such a call as an SSE stream (it falls back from JSON once a notification goes
//! out), so the client reads them before the result.

use rmcp::model::{ProgressNotificationParam, ProgressToken};
use rmcp::service::{Peer, RoleServer};
use sqlx::PgPool;
use tokio::sync::broadcast::error::RecvError;
use tokio::sync::watch;
use uuid::Uuid;

use errand_core::events::{
    self,
    hub::{Hub, Log},
};

/// Forwards the progress of the task `started` names, once it does — what its log holds
/// already, then live events — until the task's log ends, the client is gone, or the
/// caller drops this future.
pub async fn forward(
    hub: Hub,
    pool: PgPool,
    peer: Peer<RoleServer>,
    token: ProgressToken,
    mut started: watch::Receiver<Option<Uuid>>,
) {
    let Ok(Some(id)) = started.wait_for(Option::is_some).await.map(|id| *id) else {
        return;
    };
    // Subscribed before the backlog is read, so nothing falls between the two.
    let mut live = hub.subscribe(Log::Task(id));
    let mut last = 0;
    if let Ok(logged) = events::list(&pool, id, 0, BACKLOG, BACKLOG_BYTES).await {
        for event in &logged.events {
            last = event.seq;
            if !notify(&peer, &token, event.seq, &event.kind).await {
                return;
            }
        }
    }
    loop {
        let event = match live.recv().await {
            Ok(event) => event,
            // Progress is a hint: a burst it missed shows in the next seq.
            Err(RecvError::Lagged(_)) => continue,
            Err(RecvError::Closed) => return,
        };
        if event.seq <= last {
            continue;
        }
        last = event.seq;
        let kind = event.kind().unwrap_or_default().to_owned();
        if !notify(&peer, &token, event.seq, &kind).await || event.terminal {
            return;
        }
    }
}

/// Events of the backlog sent at most (a call's task has a few when it starts).
const BACKLOG: i64 = 100;
const BACKLOG_BYTES: usize = 1 << 20;

/// Sends one notification; `false` when the client is gone.
async fn notify(peer: &Peer<RoleServer>, token: &ProgressToken, seq: i64, kind: &str) -> bool {
    #[allow(clippy::cast_precision_loss)] // seqs stay far below 2^52
    let mut note = ProgressNotificationParam::new(token.clone(), seq as f64);
    note.message = Some(kind.to_owned());
    peer.notify_progress(note).await.is_ok()
}
