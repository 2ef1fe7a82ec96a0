//! The append statement: the task's seqs, the thread's, the rows and the notification, in
//! one round trip.

use serde_json::Value;
use sqlx::PgConnection;
use uuid::Uuid;

use super::{CHANNEL, Notes, WORK_CHANNEL, announce, kind};

/// Where the appended events' seqs come from.
#[derive(Debug, Clone, Copy)]
pub enum Seqs {
    /// Counted here, on the task row (which serialises appends per task without scanning
    /// the log). With `Some(attempt)`, only while that attempt owns the running,
    /// uncancelled task.
    Counted(Option<i32>),
    /// Reserved by the caller's own update of the task row in this transaction (it added
    /// the number of events to `last_event_seq`): `last` is the row's `last_event_seq`
    /// after it, `thread` the thread the events also go to (none for a rolled-back task).
    /// The hot paths do this to save the task row a second new version per transaction.
    Reserved { last: i64, thread: Option<Uuid> },
}

/// The task's seqs bumped here.
const COUNTED: &str = "counter AS (
    UPDATE tasks SET last_event_seq = last_event_seq + cardinality($2::text[])
    WHERE id = $1 AND ($4::int IS NULL
        OR (attempts = $4 AND status = 'running' AND NOT cancel_requested))
    -- A rolled-back task's events stay out of its thread's log.
    RETURNING last_event_seq, CASE WHEN thread_discard THEN NULL ELSE thread_id END
        AS thread_id)";

/// The task's seqs reserved by the caller.
const RESERVED: &str = "counter AS (SELECT $4::bigint AS last_event_seq, $10::uuid AS thread_id)";

/// The rest: the thread's seqs, the rows, and (unless announced later, `$9`) the NOTIFY.
const APPEND: &str = "
     -- A thread's task numbers its events in the thread's log as well.
     th AS (
        UPDATE threads SET last_event_seq = threads.last_event_seq + cardinality($2::text[])
        FROM counter WHERE threads.id = counter.thread_id
        RETURNING threads.id, threads.last_event_seq),
     added AS (
        INSERT INTO task_events (task_id, seq, type, data, thread_id, thread_seq)
        SELECT $1, counter.last_event_seq - cardinality($2::text[]) + e.n, e.type, e.data,
            th.id, th.last_event_seq - cardinality($2::text[]) + e.n
        FROM counter LEFT JOIN th ON true,
            unnest($2::text[], $3::jsonb[]) WITH ORDINALITY AS e(type, data, n)
        RETURNING seq)
     SELECT last.seq, (SELECT id FROM th), (SELECT last_event_seq FROM th)
     FROM (SELECT max(seq) AS seq FROM added) last
     -- Left joins: with `$9` (announced later) they send nothing and keep the row.
     LEFT JOIN LATERAL (SELECT pg_notify($5, json_build_object(
                'task_id', $1, 'seq', last.seq, 'end', $6::bool,
                'thread_id', (SELECT id FROM th),
                'thread_seq', (SELECT last_event_seq FROM th))::text)
              WHERE last.seq IS NOT NULL AND NOT $9) announced ON true
     LEFT JOIN LATERAL (SELECT pg_notify($8, '')
              WHERE NOT $9 AND ($7 OR ($6 AND EXISTS (SELECT 1 FROM th)))) woken ON true";

/// Appends events in order, in ONE statement: the seqs (`seqs`), the thread's seqs, the
/// rows, and a single notification with the last seq (a listener reads everything after
/// what it has) and whether the task settled (and, when a `task.queued` is among them, or
/// a thread's task settled, a wake-up for the workers). With `later` the notification is
/// not sent in the statement: it joins `later`, for the caller to hand to the `Announcer`
/// once its transaction has committed (the hot paths do: see `announce`). Returns what was
/// written, or `None` when nothing was.
pub async fn append_to(
    conn: &mut PgConnection,
    task_id: Uuid,
    seqs: Seqs,
    events: &[(&str, &Value)],
    later: Option<&mut Notes>,
) -> sqlx::Result<Option<Appended>> {
    if events.is_empty() {
        return Ok(None);
    }
    let kinds: Vec<&str> = events.iter().map(|(k, _)| *k).collect();
    let data: Vec<&Value> = events.iter().map(|(_, d)| *d).collect();
    let end = kinds.iter().any(|k| kind::settles(k));
    let queued = kinds.contains(&kind::QUEUED);
    let counter = match seqs {
        Seqs::Counted(_) => COUNTED,
        Seqs::Reserved { .. } => RESERVED,
    };
    let later = match (seqs, later) {
        (Seqs::Reserved { last, thread: None }, Some(notes)) => {
            plain_insert(conn, task_id, last, &kinds, &data).await?;
            notes.push(announce::Note {
                task_id,
                seq: last,
                end,
                thread: None,
                wake: queued,
            });
            return Ok(Some(Appended {
                seq: last,
                thread: None,
            }));
        }
        (_, later) => later,
    };
    let sql = sqlx::AssertSqlSafe(format!("WITH {counter},{APPEND}"));
    let query = sqlx::query_as(sql).bind(task_id).bind(&kinds).bind(&data);
    let query = match seqs {
        Seqs::Counted(attempt) => query.bind(attempt),
        Seqs::Reserved { last, .. } => query.bind(last),
    };
    let query = query
        .bind(CHANNEL)
        .bind(end)
        // A task was (re-)queued, or (with `$6` and a thread) a thread's task settled and
        // its turn passed, so the next queued task of the thread may start: wake the
        // workers.
        .bind(queued)
        .bind(WORK_CHANNEL)
        .bind(later.is_some());
    let query = match seqs {
        Seqs::Counted(_) => query,
        Seqs::Reserved { thread, .. } => query.bind(thread),
    };
    let row: Option<(Option<i64>, Option<Uuid>, Option<i64>)> = query.fetch_optional(conn).await?;
    let Some((Some(seq), thread_id, thread_seq)) = row else {
        return Ok(None);
    };
    let thread = thread_id.zip(thread_seq);
    if let Some(notes) = later {
        notes.push(announce::Note {
            task_id,
            seq,
            end,
            thread,
            wake: queued || (end && thread.is_some()),
        });
    }
    Ok(Some(Appended { seq, thread }))
}

/// The common case on the hot paths, in the plainest statement: seqs reserved by the
/// caller, no thread's log, the notification announced after the commit. (The general
/// statement's thread and notification parts cost its planning and start-up even when
/// they do nothing.)
async fn plain_insert(
    conn: &mut PgConnection,
    task_id: Uuid,
    last: i64,
    kinds: &[&str],
    data: &[&Value],
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO task_events (task_id, seq, type, data)
         SELECT $1, $4 - cardinality($2::text[]) + e.n, e.type, e.data
         FROM unnest($2::text[], $3::jsonb[]) WITH ORDINALITY AS e(type, data, n)",
    )
    .bind(task_id)
    .bind(kinds)
    .bind(data)
    .bind(last)
    .execute(conn)
    .await?;
    Ok(())
}

/// What an append wrote: the task's last seq, and the thread and its last seq when the
/// events went to a thread's log too (the append then holds the thread's row lock).
#[derive(Debug, Clone, Copy)]
pub struct Appended {
    pub seq: i64,
    pub thread: Option<(Uuid, i64)>,
}
