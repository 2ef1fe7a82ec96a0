//! Journaled steps of one attempt. A model call or tool call whose step is already in the
//! journal is replayed from it; otherwise it runs, and its step, usage and events commit
//! in one transaction before the run moves on.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::Utc;
use futures::StreamExt;
use serde_json::{Value, json};
use tokio::sync::mpsc;
use uuid::Uuid;

use super::patience::persist;
use super::{Runtime, deltas};
use crate::db;
use crate::events::{self, kind};
use crate::llm::message::ToolCall;
use crate::llm::{Completion, CompletionRequest, LlmError, ModelProvider, StructuredOutput};
use crate::runners::schema::schema_violations;
use crate::tasks::journal::{self, MODEL_CALL, NewStep, Recorded, Step, TOOL_RESULT};
use crate::tasks::model::{InputRequest, Task};
use crate::tasks::store;
use crate::tools::{Tool, ask_human};

/// Text streamed by the model call in flight; kept as the partial output when the task
/// is cancelled mid-call.
pub type Partial = Arc<Mutex<String>>;

/// The attempt lost the task to a newer attempt: stop without writing anything more.
#[derive(Debug, thiserror::Error)]
#[error("attempt superseded")]
pub struct Superseded;

/// The results of one reply's tool calls, and the question it asked a person, if any.
pub struct ToolTurn {
    pub results: Vec<ToolResult>,
    pub question: Option<InputRequest>,
}

/// What a tool call produced, as journaled and as the model sees it.
#[derive(Debug, Clone)]
pub enum ToolResult {
    Output(Value),
    Error(String),
}

impl ToolResult {
    fn to_json(&self) -> Value {
        match self {
            Self::Output(v) => json!({"output": v}),
            Self::Error(e) => json!({"error": e}),
        }
    }

    fn from_json(v: &Value) -> Self {
        match v.get("error").and_then(Value::as_str) {
            Some(e) => Self::Error(e.to_owned()),
            None => Self::Output(v.get("output").cloned().unwrap_or(Value::Null)),
        }
    }

    /// The tool message content.
    pub fn content(&self) -> String {
        journal::tool_content(&self.to_json())
    }
}

pub struct Run<'a> {
    pub rt: &'a Runtime,
    pub task: &'a Task,
    journal: BTreeMap<i32, Step>,
    next_index: i32,
    /// Steps served from the journal in this attempt.
    pub replayed: usize,
    partial: Partial,
}

impl<'a> Run<'a> {
    pub async fn open(rt: &'a Runtime, task: &'a Task, partial: Partial) -> anyhow::Result<Self> {
        // A first attempt has nothing journaled yet.
        let journal = if task.attempts > 1 {
            journal::load(&rt.pool, task.id).await?
        } else {
            BTreeMap::new()
        };
        Ok(Self {
            rt,
            task,
            journal,
            next_index: 0,
            replayed: 0,
            partial,
        })
    }

    /// The response journaled at `index`, counted as replayed; an error when the step
    /// there is not of `kind` (the run no longer matches its journal).
    fn journaled(&mut self, index: i32, kind: &str) -> anyhow::Result<Option<Value>> {
        let Some(step) = self.journal.get(&index) else {
            return Ok(None);
        };
        anyhow::ensure!(
            step.kind == kind,
            "journal of task {} has a {} at step {index} where the run expects a {kind}",
            self.task.id,
            step.kind
        );
        self.replayed += 1;
        Ok(Some(step.response.clone()))
    }

    /// The journaled step at the next index, when there is one.
    fn replay(&mut self, kind: &str) -> anyhow::Result<Option<Value>> {
        let response = self.journaled(self.next_index, kind)?;
        if response.is_some() {
            self.next_index += 1;
        }
        Ok(response)
    }

    /// One model call: replayed from the journal, or made and journaled.
    pub async fn model_call(
        &mut self,
        provider: &dyn ModelProvider,
        request: &CompletionRequest,
        purpose: &str,
    ) -> anyhow::Result<Result<Completion, LlmError>> {
        if let Some(response) = self.replay(MODEL_CALL)? {
            return Ok(Ok(completion_from_json(&response)));
        }
        let started_at = Utc::now();
        self.partial.lock().map(|mut p| p.clear()).ok();
        let (deltas, pieces) = mpsc::channel(crate::llm::DELTA_BUFFER);
        let forwarder = tokio::spawn(deltas::forward_deltas(
            self.rt.pool.clone(),
            deltas::Flush::from(&self.rt.events),
            (self.task.id, self.task.attempts),
            pieces,
            self.partial.clone(),
        ));
        let result = provider.complete(request, &deltas).await;
        drop(deltas);
        // Every delta is logged before the outcome, so the log reads in order; text not
        // yet flushed goes into the step's own transaction.
        let tail = forwarder.await??;
        let completion = match result {
            Ok(c) => c,
            Err(e) => {
                if !tail.is_empty() {
                    let (id, attempt) = (self.task.id, self.task.attempts);
                    deltas::log_progress(&self.rt.pool, id, attempt, &json!({"text": tail}))
                        .await?;
                }
                return Ok(Err(e));
            }
        };
        let request_summary = json!({
            "model": self.task.model,
            "purpose": purpose,
            "messages": request.messages.len(),
            "tools": request.tools.iter().map(|t| &t.name).collect::<Vec<_>>(),
            // The mode the call was made with, after any fallback.
            "response_format": completion.structured_output
                .or(request.response_format.as_ref().map(|f| f.mode))
                .map(StructuredOutput::as_str),
        });
        let response = json!({
            "text": completion.text,
            "tool_calls": completion.tool_calls,
            "finish_reason": completion.finish_reason,
            // The server ignored the tools sent (why Errand thinks so), when it did.
            "tools_ignored": completion.tools_ignored,
        });
        let cost = self
            .rt
            .models
            .price(&self.task.model)
            .map(|p| completion.usage.cost(&p));
        let step = NewStep {
            task_id: self.task.id,
            attempt: self.task.attempts,
            index: self.next_index,
            kind: MODEL_CALL,
            request: &request_summary,
            response: &response,
            usage: Some(&completion.usage),
            cost_usd: cost,
            started_at,
        };
        let recorded = persist("recording a model call", || {
            self.commit_model_step(&step, &completion, &tail, cost)
        })
        .await?;
        if recorded == Recorded::NotOwned {
            return Err(Superseded.into());
        }
        self.next_index += 1;
        Ok(Ok(completion))
    }

    /// One model call's step, usage and events, in one transaction.
    async fn commit_model_step(
        &self,
        step: &NewStep<'_>,
        completion: &Completion,
        tail: &str,
        cost: Option<f64>,
    ) -> anyhow::Result<Recorded> {
        let mut tx = self.rt.pool.begin().await?;
        let recorded = journal::record(&mut tx, step).await?;
        if recorded != Recorded::Written {
            return Ok(recorded);
        }
        let (id, attempt) = (self.task.id, self.task.attempts);
        store::add_usage(&mut tx, id, attempt, &completion.usage, cost).await?;
        // The text not flushed yet, then the call's outcome, in one append.
        let delta = json!({"text": tail});
        let completed = json!({"text": completion.text, "tool_calls": completion.tool_calls});
        let mut usage = serde_json::to_value(completion.usage)?;
        usage["cost_usd"] = json!(cost);
        let mut logged = Vec::with_capacity(3);
        if !tail.is_empty() {
            logged.push((kind::MESSAGE_DELTA, &delta));
        }
        logged.push((kind::MESSAGE_COMPLETED, &completed));
        logged.push((kind::USAGE, &usage));
        events::append_all(&mut tx, id, None, &logged).await?;
        tx.commit().await?;
        Ok(Recorded::Written)
    }

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
        tools: &BTreeMap<String, Arc<dyn Tool>>,
        limit: Duration,
    ) -> anyhow::Result<ToolTurn> {
        let base = self.next_index;
        let mut pending = Vec::new();
        let mut question = None;
        let mut results: Vec<Option<ToolResult>> = vec![None; calls.len()];
        let max_calls = self.rt.limits.max_tool_calls_per_reply;
        for (i, call) in calls.iter().enumerate() {
            let index = base + i as i32;
            if let Some(response) = self.journaled(index, TOOL_RESULT)? {
                results[i] = Some(ToolResult::from_json(&response));
                continue;
            }
            let refusal = if i >= max_calls {
                Some(format!(
                    "not run: one reply may make at most {max_calls} tool calls \
                     (limits.max_tool_calls_per_reply); make this call again in your next reply"
                ))
            } else if call.name == ask_human::NAME && tools.contains_key(ask_human::NAME) {
                match self.ask(call, index) {
                    Err(why) => Some(why),
                    Ok(_) if question.is_some() => Some(
                        "not asked: ask one question at a time; ask this one again after the \
                         answer to the first"
                            .into(),
                    ),
                    Ok(asked) => {
                        question = Some(asked);
                        results[i] = Some(ToolResult::Error("waiting for the answer".into()));
                        continue;
                    }
                }
            } else {
                None
            };
            pending.push((i, index, call, refusal));
        }
        {
            let this = &*self;
            // Collected (and boxed) before streaming: a lazily mapped closure here trips the
            // compiler's `Send` inference for the spawned task.
            let runs: Vec<futures::future::BoxFuture<'_, anyhow::Result<(usize, ToolResult)>>> =
                pending
                    .into_iter()
                    .map(|(i, index, call, refusal)| {
                        Box::pin(async move {
                            let result = this.tool_call(index, call, tools, limit, refusal).await;
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
        }
        self.next_index = base + calls.len() as i32;
        Ok(ToolTurn {
            results: results.into_iter().flatten().collect(),
            question,
        })
    }

    /// The question an `ask_human` call asks, or why it cannot be asked (a message for the
    /// model).
    fn ask(&self, call: &ToolCall, index: i32) -> Result<InputRequest, String> {
        let ask = ask_human::parse(&call.arguments)?;
        if let Some(schema) = &ask.schema {
            let problems = schema_violations(schema, "/answer_schema", 5);
            if !problems.is_empty() {
                let list: Vec<String> = problems
                    .iter()
                    .map(|v| format!("{}: {}", v.pointer, v.message))
                    .collect();
                return Err(format!(
                    "answer_schema is not a usable JSON Schema: {}",
                    list.join("; ")
                ));
            }
        }
        let asked_at = Utc::now();
        let wait = chrono::Duration::seconds(i64::from(self.task.input_timeout_seconds.max(1)));
        Ok(InputRequest {
            request_id: Uuid::now_v7(),
            question: ask.question,
            schema: ask.schema,
            tool_call_id: call.id.clone(),
            step_index: index,
            asked_at,
            expires_at: asked_at + wait,
            answer: None,
            answered_at: None,
        })
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
        persist("logging a tool call", || async {
            let mut tx = self.rt.pool.begin().await?;
            // Progress only: a crash before the result re-runs the call and logs it again.
            db::relax_durability(&mut tx).await?;
            events::append_for_attempt(&mut tx, id, attempt, kind::TOOL_CALL_STARTED, &request)
                .await?;
            tx.commit().await?;
            Ok(())
        })
        .await?;
        let started_at = Utc::now();
        let result = match refusal {
            None => execute(call, tools, limit).await,
            Some(why) => ToolResult::Error(why),
        };
        let response = result.to_json();
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
        let recorded = persist("recording a tool result", || async {
            let mut tx = self.rt.pool.begin().await?;
            let recorded = journal::record(&mut tx, &step).await?;
            if recorded != Recorded::Written {
                return Ok(recorded);
            }
            let mut completed = response.clone();
            completed["id"] = json!(call.id);
            events::append(&mut tx, id, kind::TOOL_CALL_COMPLETED, &completed).await?;
            tx.commit().await?;
            Ok(Recorded::Written)
        })
        .await?;
        if recorded == Recorded::NotOwned {
            return Err(Superseded.into());
        }
        Ok(result)
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
    let arguments: Value = match call.arguments.trim() {
        "" => json!({}),
        text => match serde_json::from_str(text) {
            Ok(v) => v,
            Err(e) => return ToolResult::Error(format!("the arguments are not valid JSON: {e}")),
        },
    };
    match tokio::time::timeout(limit, tool.call(arguments)).await {
        Ok(Ok(output)) => ToolResult::Output(output),
        Ok(Err(message)) => ToolResult::Error(message),
        Err(_) => ToolResult::Error(format!("timed out after {} s", limit.as_secs())),
    }
}

fn completion_from_json(v: &Value) -> Completion {
    Completion {
        text: v["text"].as_str().unwrap_or_default().to_owned(),
        tool_calls: serde_json::from_value(v["tool_calls"].clone()).unwrap_or_default(),
        usage: Default::default(),
        finish_reason: v["finish_reason"].as_str().map(str::to_owned),
        structured_output: None,
        tools_ignored: v["tools_ignored"].as_str().map(str::to_owned),
    }
}
