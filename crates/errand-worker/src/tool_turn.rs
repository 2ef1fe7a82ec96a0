//! The tool calls of one model reply: run in parallel, each journaled with its events,
//! replayed from the journal when an earlier attempt finished them. A call to `ask_human`
//! is not run: it suspends the attempt on its question; so does a call that waits for a
//! person's approval (`approving`).

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use futures::StreamExt;
use serde_json::{Value, json};
use uuid::Uuid;

use super::approving::{Gate, Gates};
use super::patience::persist;
use super::steps::{Run, Superseded};
use errand_core::conversation::{ToolCall, ToolResult};
use errand_core::db;
use errand_core::events::{self, Notes, Seqs, kind};
use errand_core::invocations::{self, NewInvocation, Source};
use errand_core::runners::model::Approval;
use errand_core::runners::schema::schema_violations;
use errand_core::tasks::journal::{self, NewStep, Recorded, TOOL_RESULT};
use errand_core::tasks::model::{InputKind, InputRequest};
use errand_core::tools::catalog::Toolbox;
use errand_core::tools::{Tool, ask_human};

/// The results of one reply's tool calls, the question it asked a person, if any, and the
/// child tasks its calls of other runners started.
pub struct ToolTurn {
    pub results: Vec<ToolResult>,
    pub question: Option<InputRequest>,
    pub children: Vec<Uuid>,
}

/// What a turn waits for: a person's answer, or child tasks (one kind per reply).
#[derive(Default)]
struct Waits {
    question: Option<InputRequest>,
    children: Vec<Uuid>,
}

/// A call's fate in its turn.
enum Triage {
    /// The turn waits (a child started, a question asked): the call's placeholder result.
    Waits(String),
    /// Run it, or only record why it is refused.
    Run(Option<String>),
}

impl Run<'_> {
    /// Runs the calls of one model turn in parallel (at most
    /// `limits.max_concurrent_tool_calls` at once), each under `limit`; calls already in the
    /// journal are not run again. Calls past `limits.max_tool_calls_per_reply` are not run:
    /// the model is told to make them in its next reply. Results come back in call order.
    ///
    /// A valid `ask_human` call is not run either: it becomes the turn's `question`, and
    /// the attempt suspends once the other calls are done (one question per reply; a
    /// second is refused, to be asked after the answer).
    pub async fn tool_calls(
        &mut self,
        calls: &[ToolCall],
        toolbox: &Toolbox,
        policy: &Approval,
        limit: Duration,
    ) -> anyhow::Result<ToolTurn> {
        let tools = &toolbox.tools;
        let base = self.next_index;
        let max_calls = self.rt.limits.max_tool_calls_per_reply;
        // Nothing of a reply runs before the approvals it needs are decided.
        let gates = match self.gates(calls, base, max_calls, toolbox, policy).await? {
            Gates::Open(gates) => gates,
            Gates::Ask(request) => {
                return Ok(ToolTurn {
                    results: Vec::new(),
                    question: Some(*request),
                    children: Vec::new(),
                });
            }
        };
        let mut pending = Vec::new();
        // A question waits for a person and children for their tasks: one kind of wait
        // per reply.
        let delegating = calls
            .iter()
            .take(self.rt.limits.max_tool_calls_per_reply)
            .any(|c| toolbox.runners.contains_key(&c.name));
        let mut results: Vec<Option<ToolResult>> = vec![None; calls.len()];
        let mut waits = Waits::default();
        for (i, call) in calls.iter().enumerate() {
            let index = base + i as i32;
            if let Some(response) = self.journaled(index, TOOL_RESULT)? {
                results[i] = Some(ToolResult::from_json(&response));
                continue;
            }
            let call = match &gates[i] {
                Gate::Free | Gate::Approved(None) => call,
                Gate::Approved(Some(edited)) => edited,
                Gate::Denied(why) => {
                    pending.push((i, index, call, Some(why.clone())));
                    continue;
                }
            };
            let past_limit = i >= max_calls;
            match self
                .triage(call, index, toolbox, past_limit, delegating, &mut waits)
                .await?
            {
                Triage::Waits(placeholder) => results[i] = Some(ToolResult::Error(placeholder)),
                Triage::Run(refusal) => pending.push((i, index, call, refusal)),
            }
        }
        self.run_all(pending, tools, limit, &mut results).await?;
        self.next_index = base + calls.len() as i32;
        Ok(ToolTurn {
            results: results.into_iter().flatten().collect(),
            question: waits.question,
            children: waits.children,
        })
    }

    /// What to do with a call not in the journal: start its child task or ask its question
    /// (the turn then waits, and the call's result is a placeholder), or run it — with
    /// the reason it is refused, if it is.
    async fn triage(
        &self,
        call: &ToolCall,
        index: i32,
        toolbox: &Toolbox,
        past_limit: bool,
        delegating: bool,
        waits: &mut Waits,
    ) -> anyhow::Result<Triage> {
        let max_calls = self.rt.limits.max_tool_calls_per_reply;
        let refusal = if past_limit {
            format!(
                "not run: one reply may make at most {max_calls} tool calls \
                 (limits.max_tool_calls_per_reply); make this call again in your next reply"
            )
        } else if let Some(runner) = toolbox.runners.get(&call.name) {
            match self.delegate(call, index, runner).await? {
                Ok(child) => {
                    waits.children.push(child);
                    return Ok(Triage::Waits("waiting for the task".into()));
                }
                Err(why) => why,
            }
        } else if call.name == ask_human::NAME && delegating {
            "not asked: this reply also started other runners' tasks; ask after their \
             results are in"
                .into()
        } else if call.name == ask_human::NAME && toolbox.tools.contains_key(ask_human::NAME) {
            match self.ask(call, index) {
                Err(why) => why,
                Ok(_) if waits.question.is_some() => "not asked: ask one question at a time; \
                     ask this one again after the answer to the first"
                    .into(),
                Ok(asked) => {
                    waits.question = Some(asked);
                    return Ok(Triage::Waits("waiting for the answer".into()));
                }
            }
        } else {
            return Ok(Triage::Run(None));
        };
        Ok(Triage::Run(Some(refusal)))
    }

    /// Runs the `pending` calls (`(place, journal index, call, refusal)`), at most
    /// `limits.max_concurrent_tool_calls` at once, each result in its place.
    async fn run_all(
        &self,
        pending: Vec<(usize, i32, &ToolCall, Option<String>)>,
        tools: &BTreeMap<String, Arc<dyn Tool>>,
        limit: Duration,
        results: &mut [Option<ToolResult>],
    ) -> anyhow::Result<()> {
        // Collected (and boxed) before streaming: a lazily mapped closure here trips the
        // compiler's `Send` inference for the spawned task.
        let runs: Vec<futures::future::BoxFuture<'_, anyhow::Result<(usize, ToolResult)>>> =
            pending
                .into_iter()
                .map(|(i, index, call, refusal)| {
                    Box::pin(async move {
                        let result = self.tool_call(index, call, tools, limit, refusal).await;
                        result.map(|r| (i, r))
                    }) as futures::future::BoxFuture<'_, _>
                })
                .collect();
        let at_once = self.rt.limits.max_concurrent_tool_calls;
        let mut done = futures::stream::iter(runs).buffer_unordered(at_once);
        while let Some(finished) = done.next().await {
            let (i, result) = finished?;
            results[i] = Some(result);
        }
        Ok(())
    }

    /// The question an `ask_human` call asks, or why it cannot be asked (a message for the
    /// model).
    fn ask(&self, call: &ToolCall, index: i32) -> Result<InputRequest, String> {
        let ask = ask_human::parse(&call.arguments)?;
        if let Some(schema) = &ask.schema {
            let problems = schema_violations(schema, "/answer_schema", 5);
            if !problems.is_empty() {
                return Err(format!(
                    "answer_schema is not a usable JSON Schema: {}",
                    errand_core::error::Violation::describe(&problems)
                ));
            }
        }
        let (asked_at, expires_at) = self.asked_now();
        Ok(InputRequest {
            request_id: Uuid::now_v7(),
            kind: InputKind::Question,
            question: ask.question,
            schema: ask.schema,
            tool_call_id: call.id.clone(),
            step_index: index,
            asked_at,
            expires_at,
            answer: None,
            answered_at: None,
            task_id: None,
            tool_call: None,
        })
    }

    /// When a question asked now is asked, and when it expires (the task's
    /// `input_timeout_seconds` later).
    pub(super) fn asked_now(&self) -> (chrono::DateTime<Utc>, chrono::DateTime<Utc>) {
        let asked_at = Utc::now();
        let wait = chrono::Duration::seconds(i64::from(self.task.input_timeout_seconds.max(1)));
        (asked_at, asked_at + wait)
    }

    async fn tool_call(
        &self,
        index: i32,
        call: &ToolCall,
        tools: &BTreeMap<String, Arc<dyn Tool>>,
        limit: Duration,
        refusal: Option<String>,
    ) -> anyhow::Result<ToolResult> {
        let (id, attempt) = (self.task.id, self.task.attempts);
        let request = json!({"id": call.id, "name": call.name, "arguments": call.arguments});
        self.log_started(&request).await?;
        let started_at = Utc::now();
        let result = match refusal {
            None => execute(call, tools, limit).await,
            Some(why) => ToolResult::Error(why),
        };
        self.meter_tool_call(call, tools, &result).await;
        let response = result.to_json();
        let arguments = serde_json::from_str(&call.arguments)
            .unwrap_or_else(|_| Value::String(call.arguments.clone()));
        let (output, error) = match &result {
            ToolResult::Output(v) => (Some(v), None),
            ToolResult::Error(e) => (None, Some(e.as_str())),
        };
        let invocation = NewInvocation {
            tool: &call.name,
            source: Source::Task,
            caller: None,
            task_id: Some(id),
            arguments: &arguments,
            output,
            error,
            duration_ms: (Utc::now() - started_at).num_milliseconds(),
        };
        let step = NewStep {
            task_id: id,
            attempt,
            index,
            kind: TOOL_RESULT,
            request: &request,
            response: &response,
            usage: None,
            cost_usd: None,
            started_at,
        };
        let recorded = persist("recording a tool result", || {
            self.commit_tool_step(&step, &call.id, &invocation)
        })
        .await?;
        if recorded == Recorded::NotOwned {
            return Err(Superseded.into());
        }
        Ok(result)
    }

    /// The meters' record of a call: by the tool's name when the runner has it (a name the
    /// model made up counts as `unknown`, so the labels stay bounded).
    async fn meter_tool_call(
        &self,
        call: &ToolCall,
        tools: &BTreeMap<String, Arc<dyn Tool>>,
        result: &ToolResult,
    ) {
        let meters = &self.rt.core.meters;
        let Ok(project) = meters
            .project_name(&self.rt.core.pool, self.task.project)
            .await
        else {
            return;
        };
        let tool = match tools.contains_key(&call.name) {
            true => call.name.as_str(),
            false => "unknown",
        };
        meters.tool_call(&project, tool, matches!(result, ToolResult::Output(_)));
    }

    /// `tool_call.started`: progress only, so a crash before the result re-runs the call
    /// and logs it again.
    async fn log_started(&self, request: &Value) -> anyhow::Result<()> {
        let (id, attempt) = (self.task.id, self.task.attempts);
        persist("logging a tool call", || async {
            let mut tx = self.rt.core.pool.begin().await?;
            db::relax_durability(&mut tx).await?;
            let mut notes = Notes::default();
            let logged = [(kind::TOOL_CALL_STARTED, request)];
            events::append_to(
                &mut tx,
                id,
                Seqs::Counted(Some(attempt)),
                &logged,
                Some(&mut notes),
            )
            .await?;
            tx.commit().await?;
            self.rt.core.announcer.announce(notes).await;
            Ok(())
        })
        .await
    }

    /// A tool call's step, its `tool_call.completed` event and its invocation record, in
    /// one transaction (nothing when the step is journaled already or not this attempt's).
    async fn commit_tool_step(
        &self,
        step: &NewStep<'_>,
        call_id: &str,
        invocation: &NewInvocation<'_>,
    ) -> anyhow::Result<Recorded> {
        let mut tx = self.rt.core.pool.begin().await?;
        let recorded = journal::record(&mut tx, step).await?;
        if recorded != Recorded::Written {
            return Ok(recorded);
        }
        let mut completed = step.response.clone();
        completed["id"] = json!(call_id);
        let mut notes = Notes::default();
        let logged = [(kind::TOOL_CALL_COMPLETED, &completed)];
        events::append_to(
            &mut tx,
            step.task_id,
            Seqs::Counted(None),
            &logged,
            Some(&mut notes),
        )
        .await?;
        invocations::record(&mut *tx, self.task.project, invocation).await?;
        tx.commit().await?;
        self.rt.core.announcer.announce(notes).await;
        Ok(Recorded::Written)
    }
}

async fn execute(
    call: &ToolCall,
    tools: &BTreeMap<String, Arc<dyn Tool>>,
    limit: Duration,
) -> ToolResult {
    let Some(tool) = tools.get(&call.name) else {
        let known: Vec<&str> = tools.keys().map(String::as_str).collect();
        return ToolResult::Error(format!(
            "there is no tool {:?}; available: {}",
            call.name,
            known.join(", ")
        ));
    };
    let arguments = match call.parsed_arguments() {
        Ok(arguments) => arguments,
        Err(why) => return ToolResult::Error(why),
    };
    match tokio::time::timeout(limit, tool.call(arguments)).await {
        Ok(Ok(output)) => ToolResult::Output(output),
        Ok(Err(message)) => ToolResult::Error(message),
        Err(_) => ToolResult::Error(format!("timed out after {} s", limit.as_secs())),
    }
}
