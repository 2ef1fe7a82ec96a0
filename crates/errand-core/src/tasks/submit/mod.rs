//! Submitting a task: check the arguments and settings against the runner, then commit the
//! task row, its `task.queued` event and its job together. Shared by the API and by
//! `errand run`; a task's model starting a child task goes through `child`.

mod child;

pub use child::{ChildCall, ChildStarted};

use std::time::Duration;

use serde_json::Value;
use sqlx::PgPool;

use super::errors::SubmitError;
use super::model::{CreateTask, Task};
use super::priority::{self, Aging};
use super::queued::Queued;
use super::store::{self, NewTask};
use super::{idempotency, threading, turns};
use crate::aliases::{self, Resolved};
use crate::error::{Fault, Violation};
use crate::events::{self, Announcer, Notes, Seqs, kind};
use crate::json;
use crate::llm::{ModelRegistry, UnknownModel, merge_settings};
use crate::projects::ProjectId;
use crate::runners::model::{MAX_INPUT_TIMEOUT_SECONDS, Runner, valid_name};
use crate::runners::schema::{self, SchemaCache, Which};
use crate::tools::catalog::Catalog;

/// Arguments larger than this (roughly, in bytes) are validated on the blocking pool.
const VALIDATE_INLINE_BYTES: usize = 32 * 1024;

pub struct Submitter<'a> {
    /// The project the task goes to (its runner is looked up there).
    pub project: ProjectId,
    pub pool: &'a PgPool,
    pub schemas: &'a SchemaCache,
    pub models: &'a ModelRegistry,
    /// How long an `Idempotency-Key` replays its task.
    pub idempotency_ttl: Duration,
    /// `quotas.project_max_queued_tasks`, for projects without their own limit.
    pub max_queued: u32,
    /// Tells which of a runner's tools are read-only (for batches across models).
    pub tools: &'a Catalog,
    /// Announces the submissions it commits itself.
    pub announcer: &'a Announcer,
    /// `fetch.allow_hosts`: the private or loopback hosts a `callback_url` may name.
    pub fetch_allow_hosts: &'a [String],
    /// What a level of priority is worth in waiting.
    pub aging: Aging,
}

/// Models one batch may run at most.
pub const MAX_BATCH_MODELS: usize = 10;

/// When workers may pick the task up.
#[derive(Debug, Clone, Copy)]
pub enum JobStart {
    Now,
    /// A minute after the runner's timeout: for a task this process claims and runs itself
    /// (`errand run`) — if the process dies before claiming it, a worker runs it then.
    AfterTimeout,
}

impl JobStart {
    /// How long from now until workers may pick the task up.
    fn delay(self, runner: &Runner) -> Duration {
        match self {
            Self::Now => Duration::ZERO,
            Self::AfterTimeout => {
                Duration::from_secs(u64::try_from(runner.timeout_seconds).unwrap_or(0) + 60)
            }
        }
    }
}

pub enum Submitted {
    Created(Box<Task>),
    /// A submission with `models`: one task per model, in the order given.
    Batch(Vec<Task>),
    /// The idempotency key is taken; `hash` is this request's, to compare with the holder's.
    Taken {
        hash: Option<String>,
    },
}

/// A submission that passed every check, ready to be committed.
struct Checked {
    runner: Runner,
    body: CreateTask,
    /// The runner's model settings merged with the task's.
    settings: serde_json::Map<String, serde_json::Value>,
    /// The models to run on: the runner's, or the batch's, aliases resolved.
    models: Vec<Resolved>,
}

impl Submitter<'_> {
    /// Validates and queues a task of runner `name`.
    pub async fn submit(
        &self,
        name: &str,
        body: CreateTask,
        key: Option<&str>,
        start: JobStart,
    ) -> Result<Submitted, SubmitError> {
        // A name that is not a slug names no runner (and never reaches the database).
        let runner = match valid_name(name) {
            true => crate::runners::store::get(self.pool, self.project, name).await?,
            false => None,
        };
        let runner = runner.ok_or_else(|| SubmitError::RunnerNotFound(name.to_owned()))?;
        let checked = self.check(runner, body).await?;
        self.commit(checked, key, start).await
    }

    /// Everything wrong with `body` for `runner`, at once (422), or the submission ready.
    async fn check(&self, runner: Runner, body: CreateTask) -> Result<Checked, SubmitError> {
        let mut body = body;
        let arguments = std::mem::take(&mut body.arguments);
        let (arguments, mut errors) = self.argument_violations(&runner, arguments).await?;
        body.arguments = arguments;
        errors.extend(threading::violations(&body));
        if let Some(why) = body
            .callback_url
            .as_deref()
            .and_then(|url| crate::fetch::url_problem(url, self.fetch_allow_hosts))
        {
            errors.push(Violation::new("/callback_url", why));
        }
        if let Some(s) = body.input_timeout_seconds
            && !(1..=MAX_INPUT_TIMEOUT_SECONDS).contains(&s)
        {
            errors.push(Violation::new(
                "/input_timeout_seconds",
                format!("must be between 1 and {MAX_INPUT_TIMEOUT_SECONDS}"),
            ));
        }
        let settings = merge_settings(&runner.model_settings, body.model_settings.as_ref());
        let given = match &body.models {
            None => vec![runner.model.clone()],
            Some(models) => models.clone(),
        };
        let mut resolved = Vec::with_capacity(given.len());
        for name in &given {
            resolved.push(aliases::resolve(self.pool, self.models, self.project, name).await?);
        }
        errors.extend(self.model_violations(&body, &given, &resolved, &settings));
        // The runner's own model that resolves no more runs as named: the worker fails it.
        let models: Vec<Resolved> = resolved
            .into_iter()
            .zip(given)
            .map(|(r, name)| r.unwrap_or_else(|_| Resolved::named(&name)))
            .collect();
        if models.len() > 1
            && !body.read_only
            && !self
                .tools
                .runner_read_only(self.pool, self.project, &runner)
                .await?
        {
            errors.push(Violation::new(
                "/read_only",
                format!(
                    "a batch across several models must set read_only: true, because runner {:?} \
                     has tools that are not read-only ({}): each model would act on them",
                    runner.name,
                    runner.toolkits.join(", ")
                ),
            ));
        }
        if !errors.is_empty() {
            return Err(refusal(&runner, errors));
        }
        Ok(Checked {
            runner,
            body,
            settings,
            models,
        })
    }

    /// Where the arguments break the runner's input schema (pointers under `/arguments`);
    /// the arguments come back as they went in.
    pub async fn argument_violations(
        &self,
        runner: &Runner,
        arguments: Value,
    ) -> Result<(Value, Vec<Violation>), SubmitError> {
        let validator = self.schemas.validator(
            (runner.id, runner.version, Which::Input),
            &runner.input_schema,
        )?;
        let max = self.schemas.max_violations();
        let (arguments, mut errors) = if json::weight(&arguments) > VALIDATE_INLINE_BYTES {
            // Validating large arguments takes CPU time: keep it off the HTTP threads.
            tokio::task::spawn_blocking(move || {
                let errors = schema::violations_of(&validator, &arguments, max);
                (arguments, errors)
            })
            .await
            .map_err(Fault::from)?
        } else {
            let errors = schema::violations_of(&validator, &arguments, max);
            (arguments, errors)
        };
        errors
            .iter_mut()
            .for_each(|v| v.pointer.insert_str(0, "/arguments"));
        Ok((arguments, errors))
    }

    /// Validates `body` for `runner` and queues its task inside `tx` (the caller's
    /// transaction, which records what the task came from): how a queue's message or a
    /// schedule's tick becomes a task.
    pub async fn submit_on(
        &self,
        tx: &mut sqlx::PgConnection,
        runner: Runner,
        body: CreateTask,
    ) -> Result<Task, SubmitError> {
        let checked = self.check(runner, body).await?;
        let mut created = self
            .commit_on(tx, checked, None, JobStart::Now, None)
            .await?
            .ok_or_else(|| Fault::bug("a submission without a key was taken"))?;
        created
            .pop()
            .ok_or_else(|| Fault::bug("a submission created no task").into())
    }

    /// Commits the task (one per model of a batch) with its `task.queued` event, on its
    /// thread if it names one; `Taken` when the idempotency key is another request's.
    async fn commit(
        &self,
        checked: Checked,
        key: Option<&str>,
        start: JobStart,
    ) -> Result<Submitted, SubmitError> {
        let hash = key.map(|_| {
            idempotency::request_hash(
                &checked.runner.name,
                &serde_json::to_value(&checked.body).unwrap_or_default(),
            )
        });
        let batch = checked.body.models.is_some();
        let runner = checked.runner.name.clone();
        let mut tx = self.pool.begin().await?;
        let mut notes = Notes::default();
        let Some(mut created) = self
            .commit_on(&mut tx, checked, key, start, Some(&mut notes))
            .await?
        else {
            tx.rollback().await?;
            return Ok(Submitted::Taken { hash });
        };
        tx.commit().await?;
        self.announcer.announce(notes).await;
        tracing::info!(runner = %runner, tasks = created.len(), "task queued");
        if batch {
            return Ok(Submitted::Batch(created));
        }
        let task = created
            .pop()
            .ok_or_else(|| Fault::bug("a submission created no task"))?;
        Ok(Submitted::Created(Box::new(task)))
    }

    /// The tasks of `checked` inserted in `tx`, or `None` when the idempotency key is
    /// another request's (the caller rolls back). With `later`, their `task.queued`
    /// notifications are left for the caller to announce after its commit.
    async fn commit_on(
        &self,
        tx: &mut sqlx::PgConnection,
        checked: Checked,
        key: Option<&str>,
        start: JobStart,
        mut later: Option<&mut Notes>,
    ) -> Result<Option<Vec<Task>>, SubmitError> {
        let Checked {
            runner,
            body,
            settings,
            models,
        } = checked;
        let hash = key.map(|_| {
            idempotency::request_hash(
                &runner.name,
                &serde_json::to_value(&body).unwrap_or_default(),
            )
        });
        let run_after = start.delay(&runner);
        // The first task's id (named by the tasks an `interrupt`/`rollback` supersedes).
        let (first_id, thread) = threading::take(&mut *tx, self.project, &body).await?;
        let input_timeout = body
            .input_timeout_seconds
            .map_or(runner.input_timeout_seconds, |s| s as i32);
        let batch_id = body.models.as_ref().map(|_| uuid::Uuid::now_v7());
        let priority = priority::or_default(body.priority);
        if body.callback_url.is_some() {
            ensure_callback_secret(&mut *tx, self.project).await?;
        }
        let mut created = Vec::with_capacity(models.len());
        for (i, model) in models.iter().enumerate() {
            let new = NewTask {
                id: if i == 0 {
                    first_id
                } else {
                    uuid::Uuid::now_v7()
                },
                rules: &body.rules,
                // A batch's key is held by its first task.
                idempotency_key: key.filter(|_| i == 0),
                request_hash: hash.as_deref().filter(|_| i == 0),
                run_after,
                thread_id: thread.map(|t| t.id),
                // Behind the thread's unsettled tasks, or a batch's first task.
                waits_turn: thread.is_some_and(|t| t.busy || i > 0),
                input_timeout_seconds: input_timeout,
                read_only: body.read_only,
                batch_id,
                callback_url: body.callback_url.as_deref(),
                model_alias: model.alias.as_deref(),
                priority,
                priority_lead_ms: self.aging.lead_ms(priority),
                ..NewTask::of_runner(
                    &runner,
                    self.project,
                    &body.arguments,
                    &model.model,
                    &settings,
                )
            };
            let Some(task) = self.insert(&mut *tx, &new, key.filter(|_| i == 0)).await? else {
                return Ok(None);
            };
            // The `task.queued` append also wakes the workers.
            log_queued(&mut *tx, &task, later.as_deref_mut()).await?;
            if new.waits_turn
                && let Some(thread) = task.thread_id
            {
                // Under the thread's row lock (the append took it): the thread's last task
                // may have settled since `take` looked.
                turns::pass(&mut *tx, thread).await?;
            }
            created.push(task);
        }
        Ok(Some(created))
    }

    /// Inserts `new`; `None` when its idempotency `key` is held by another task. Errors
    /// when the project's queue is full.
    async fn insert(
        &self,
        tx: &mut sqlx::PgConnection,
        new: &NewTask<'_>,
        key: Option<&str>,
    ) -> Result<Option<Task>, SubmitError> {
        let mut inserted = store::insert(tx, new, self.max_queued).await?;
        if inserted.is_none() {
            let (room, limit) = store::may_queue(tx, self.project, self.max_queued).await?;
            if !room {
                // Concurrent submissions may each see the last free place: the limit holds
                // to within the number of submissions in flight at once.
                return Err(SubmitError::QueueFull { limit });
            }
            if let Some(key) = key
                && store::release_expired_key(tx, self.project, key, self.idempotency_ttl).await?
            {
                // The key's holder is past its time: this request takes the key.
                inserted = store::insert(tx, new, self.max_queued).await?;
            }
        }
        Ok(inserted)
    }

    /// What is wrong with the models a submission runs on (as `given`, and as they
    /// `resolved`), and with its settings for each.
    fn model_violations(
        &self,
        body: &CreateTask,
        given: &[String],
        resolved: &[Result<Resolved, UnknownModel>],
        settings: &serde_json::Map<String, serde_json::Value>,
    ) -> Vec<Violation> {
        let mut errors = Vec::new();
        if let Some(listed) = &body.models {
            if listed.is_empty() || listed.len() > MAX_BATCH_MODELS {
                errors.push(Violation::new(
                    "/models",
                    format!("must list 1 to {MAX_BATCH_MODELS} models"),
                ));
            }
            if body.thread.is_some() {
                errors.push(Violation::new(
                    "/thread",
                    "a batch across models cannot run on a thread: its tasks would take turns",
                ));
            }
        }
        for (i, (name, model)) in given.iter().zip(resolved).enumerate() {
            if given[..i].contains(name) {
                errors.push(Violation::new(format!("/models/{i}"), "listed twice"));
                continue;
            }
            let provider = model
                .as_ref()
                .map_err(ToString::to_string)
                .and_then(|m| self.models.resolve(&m.model).map_err(|e| e.to_string()));
            match provider {
                // Each provider checks the settings; one problem is told once.
                Ok((provider, _)) => {
                    for v in provider.settings_violations(settings) {
                        let v = v.under("/model_settings");
                        if !errors.contains(&v) {
                            errors.push(v);
                        }
                    }
                }
                Err(e) if body.models.is_some() => {
                    errors.push(Violation::new(format!("/models/{i}"), e));
                }
                // The runner's own model went away: the worker fails the task, as before.
                _ => {}
            }
        }
        errors
    }
}

/// The 422 for a submission's violations: `invalid_arguments` is the runner's input
/// schema's alone; an option out of range or a combination that cannot be is the body's.
fn refusal(runner: &Runner, errors: Vec<Violation>) -> SubmitError {
    let runner = runner.name.clone();
    match errors.iter().all(|v| v.pointer.starts_with("/arguments")) {
        true => SubmitError::InvalidArguments { runner, errors },
        false => SubmitError::InvalidBody { runner, errors },
    }
}

/// Makes the project's callback secret if it has none yet (a task's `callback_url`
/// deliveries are signed with it).
async fn ensure_callback_secret(
    conn: &mut sqlx::PgConnection,
    project: ProjectId,
) -> Result<(), SubmitError> {
    let secret = crate::signatures::Secret::generate().map_err(Fault::from)?;
    sqlx::query(
        "INSERT INTO callback_secrets (project_id, secret) VALUES ($1, $2)
         ON CONFLICT (project_id) DO NOTHING",
    )
    .bind(project)
    .bind(secret.shown())
    .execute(conn)
    .await?;
    Ok(())
}

/// A new task's `task.queued`, at the seq its insert reserved.
pub(super) async fn log_queued(
    tx: &mut sqlx::PgConnection,
    task: &Task,
    later: Option<&mut Notes>,
) -> sqlx::Result<()> {
    let queued = Queued::first().data();
    let logged = [(kind::QUEUED, &queued)];
    let seqs = Seqs::Reserved {
        last: 1,
        thread: task.thread_id,
    };
    events::append_to(tx, task.id, seqs, &logged, later).await?;
    Ok(())
}
