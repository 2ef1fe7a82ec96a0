//! A submission on a thread: find (or create) the thread, then apply the submission's
//! `multitask_strategy` to the thread's active tasks. Runs inside the submission's
//! transaction, after an advisory lock that serialises submissions on the thread, so two
//! racing submissions see each other's task.

use serde_json::Map;
use sqlx::PgConnection;
use uuid::Uuid;

use super::cancel;
use super::errors::SubmitError;
use super::model::{CreateTask, IfNotExists, MultitaskStrategy};
use crate::error::Violation;
use crate::projects::ProjectId;
use crate::threads::model::{Thread, key_violation, looks_like_id};
use crate::threads::store::{self, ThreadRef};

/// Fields that make sense only with `thread`, and a `thread` that cannot name one.
pub fn violations(body: &CreateTask) -> Vec<Violation> {
    let mut v = Vec::new();
    match &body.thread {
        None => {
            for (field, given) in [
                ("/if_not_exists", body.if_not_exists.is_some()),
                ("/multitask_strategy", body.multitask_strategy.is_some()),
            ] {
                if given {
                    v.push(Violation::new(
                        field,
                        "applies only to a task with `thread`",
                    ));
                }
            }
        }
        // An id is found, never created: only a key may name a thread to create.
        Some(name) if body.if_not_exists == Some(IfNotExists::Create) && !looks_like_id(name) => {
            v.extend(key_violation("/thread", name));
        }
        Some(name) if name.is_empty() || name.len() > 255 => {
            v.push(Violation::new("/thread", "must be 1 to 255 characters"));
        }
        Some(_) => {}
    }
    v
}

/// The thread a task goes on, and whether it had unsettled tasks (then the new task waits
/// for its turn: `turns`).
#[derive(Debug, Clone, Copy)]
pub struct OnThread {
    pub id: Uuid,
    pub busy: bool,
}

/// The new task's id and the thread it goes on, ready for it: its active tasks handled as
/// the strategy says. The id is drawn under the thread's submission lock: a thread runs its
/// tasks in id order, which is then the order the submissions were accepted in. Errors:
/// the thread is missing (404), or busy with `reject` (409).
pub async fn take(
    conn: &mut PgConnection,
    project: ProjectId,
    body: &CreateTask,
) -> Result<(Uuid, Option<OnThread>), SubmitError> {
    let Some(name) = body.thread.as_deref() else {
        return Ok((Uuid::now_v7(), None));
    };
    let create = body.if_not_exists == Some(IfNotExists::Create) && !looks_like_id(name);
    let mut tries = 0;
    let thread = loop {
        tries += 1;
        let thread = find(&mut *conn, project, name, create).await?;
        store::lock_submissions(conn, thread.id).await?;
        // A delete (the user's or the retention sweep's) may have won the lock: a thread
        // the submission may create is made anew.
        if store::get(&mut *conn, project, ThreadRef::Id(thread.id))
            .await?
            .is_some()
        {
            break thread;
        }
        if !create || tries > 1 {
            return Err(SubmitError::ThreadNotFound(name.to_owned()));
        }
    };
    let successor = Uuid::now_v7();
    let active = store::active_tasks(&mut *conn, thread.id).await?;
    let on = OnThread {
        id: thread.id,
        busy: !active.is_empty(),
    };
    let discard = match body.multitask_strategy.unwrap_or_default() {
        _ if active.is_empty() => return Ok((successor, Some(on))),
        MultitaskStrategy::Enqueue => return Ok((successor, Some(on))),
        MultitaskStrategy::Reject => {
            let (task, status) = &active[0];
            return Err(SubmitError::ThreadBusy {
                thread: thread.id,
                task: *task,
                status: status.to_string(),
            });
        }
        MultitaskStrategy::Interrupt => false,
        MultitaskStrategy::Rollback => true,
    };
    // A running task stops in its worker; the new one runs only after it has (claims wait
    // for the thread's older tasks).
    for (task, _) in active {
        cancel::supersede(conn, project, task, discard, successor).await?;
    }
    Ok((successor, Some(on)))
}

/// The thread named by id or key, created when missing if `create`.
async fn find(
    conn: &mut PgConnection,
    project: ProjectId,
    name: &str,
    create: bool,
) -> Result<Thread, SubmitError> {
    if let Some(thread) = store::get(&mut *conn, project, ThreadRef::IdOrKey(name)).await? {
        return Ok(thread);
    }
    if !create {
        return Err(SubmitError::ThreadNotFound(name.to_owned()));
    }
    // A concurrent submission may create it first: then it is found.
    match store::insert(&mut *conn, project, Some(name), &Map::new()).await? {
        Some(thread) => Ok(thread),
        None => store::get(&mut *conn, project, ThreadRef::Key(name))
            .await?
            .ok_or_else(|| SubmitError::ThreadNotFound(name.to_owned())),
    }
}
