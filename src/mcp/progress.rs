//! `notifications/progress` for a blocking `tools/call` of a runner's tool that carries a
//! `_meta.progressToken`: one notification per event of the task's log (`progress` is the
//! event's seq, which only grows; `message` its type), sent while the call waits. rmcp
//! answers such a call as an SSE stream (it falls back from JSON once a notification goes
//! out), so the client reads them before the result.

use rmcp::model::{ProgressNotificationParam, ProgressToken};
use rmcp::service::{Peer, RoleServer};
use tokio::sync::broadcast::error::RecvError;
use tokio::sync::watch;
use uuid::Uuid;

use crate::events::hub::{Hub, Log};

/// Forwards the progress of the task `started` names, once it does, until the task's log
/// ends, the client is gone, or the caller drops this future.
pub async fn forward(
    hub: Hub,
    peer: Peer<RoleServer>,
    token: ProgressToken,
    mut started: watch::Receiver<Option<Uuid>>,
) {
    let Ok(id) = started.wait_for(Option::is_some).await.map(|id| *id) else {
        return;
    };
    let Some(id) = id else { return };
    let mut live = hub.subscribe(Log::Task(id));
    let mut last = 0;
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
        #[allow(clippy::cast_precision_loss)] // seqs stay far below 2^52
        let mut note = ProgressNotificationParam::new(token.clone(), event.seq as f64);
        note.message = event.kind().map(str::to_owned);
        if peer.notify_progress(note).await.is_err() || event.terminal {
            return;
        }
    }
}
