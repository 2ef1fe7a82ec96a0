//! Journaled steps of one attempt. A model call or tool call whose step is already in the
//! journal is replayed from it; otherwise it runs, and its step, usage and events commit
//! in one transaction before the run moves on.

use errand_core::metrics::ModelCall;
use std::collections::BTreeMap;

use chrono::Utc;
use serde_json::{Value, json};
use tokio::sync::mpsc;
use tracing::Instrument;

use super::carry::{Partial, PendingStep};
use super::patience::persist;
use super::{Runtime, deltas};
use errand_core::events::Notes;
use errand_core::llm::{Completion, CompletionRequest, LlmError, ModelProvider, StructuredOutput};
use errand_core::tasks::journal::{self, MODEL_CALL, Recorded, Step};
use errand_core::tasks::model::Task;

/// The attempt lost the task to a newer attempt: stop without writing anything more.
#[derive(Debug, thiserror::Error)]
#[error("attempt superseded")]
pub struct Superseded;

pub struct Run<'a> {
    pub rt: &'a Runtime,
    pub task: &'a Task,
    pub(super) journal: BTreeMap<i32, Step>,
    pub(super) next_index: i32,
    /// Steps served from the journal in this attempt.
    pub replayed: usize,
    partial: Partial,
}

impl<'a> Run<'a> {
    pub async fn open(rt: &'a Runtime, task: &'a Task, partial: Partial) -> anyhow::Result<Self> {
        // A first attempt has nothing journaled yet, unless it goes on after a pause.
        let journal = if task.attempts > 1 || task.resumed {
            journal::load(&rt.core.pool, task.id).await?
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

    /// Where this attempt's streamed text is logged and announced.
    fn sink(&self) -> deltas::Sink {
        deltas::Sink {
            pool: self.rt.core.pool.clone(),
            announcer: self.rt.core.announcer.clone(),
        }
    }

    /// The response journaled at `index`, counted as replayed; an error when the step
    /// there is not of `kind` (the run no longer matches its journal).
    pub(super) fn journaled(&mut self, index: i32, kind: &str) -> anyhow::Result<Option<Value>> {
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

    /// Calls the model, its text streamed into the log as it comes (`deltas`); returns the
    /// call's result and the text not yet flushed. Every delta is logged before the
    /// outcome, so the log reads in order; the tail goes into the step's own transaction.
    async fn call_streaming(
        &self,
        provider: &dyn ModelProvider,
        request: &CompletionRequest,
    ) -> anyhow::Result<(Result<Completion, LlmError>, String)> {
        self.partial.clear_text();
        let (deltas, pieces) = mpsc::channel(errand_core::llm::DELTA_BUFFER);
        let forwarder = tokio::spawn(deltas::forward_deltas(
            self.sink(),
            deltas::Flush::from(&self.rt.events),
            (self.task.id, self.task.attempts),
            pieces,
            self.partial.clone(),
        ));
        let result = provider.complete(request, &deltas).await;
        drop(deltas);
        let tail = forwarder.await??;
        Ok((result, tail))
    }

    /// One model call: replayed from the journal, or made and journaled.
    pub async fn model_call(
        &mut self,
        provider: &dyn ModelProvider,
        request: &CompletionRequest,
        purpose: &str,
    ) -> anyhow::Result<Result<Completion, LlmError>> {
        self.commit_deferred().await?;
        if let Some(response) = self.replay(MODEL_CALL)? {
            return Ok(Ok(completion_from_json(&response)));
        }
        let started_at = Utc::now();
        let span = self.model_span();
        let (result, tail) = self
            .call_streaming(provider, request)
            .instrument(span.clone())
            .await?;
        record_call(&span, &result);
        self.meter_model_call(started_at, &result);
        let completion = match result {
            Ok(c) => c,
            Err(e) => {
                if !tail.is_empty() {
                    let (id, attempt) = (self.task.id, self.task.attempts);
                    deltas::log_progress(&self.sink(), id, attempt, &json!({"text": tail})).await?;
                }
                return Ok(Err(e));
            }
        };
        let step = self.pending_step(request, purpose, &completion, started_at, tail);
        self.next_index += 1;
        if completion.tool_calls.is_empty() {
            // Most likely the final answer: its step commits with the outcome (or before
            // the next model call, when it needs a repair).
            self.partial.defer(step);
        } else {
            self.commit_step(&step).await?;
        }
        Ok(Ok(completion))
    }

    /// The step a call made: what was asked (a summary), what came back, its usage and cost.
    fn pending_step(
        &self,
        request: &CompletionRequest,
        purpose: &str,
        completion: &Completion,
        started_at: chrono::DateTime<Utc>,
        tail: String,
    ) -> PendingStep {
        let summary = json!({
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
        let price = self.rt.core.models.price(&self.task.model);
        PendingStep {
            task_id: self.task.id,
            attempt: self.task.attempts,
            index: self.next_index,
            request: summary,
            response,
            usage: completion.usage,
            cost_usd: price.map(|p| completion.usage.cost(&p)),
            started_at,
            tail,
            text: completion.text.clone(),
            tool_calls: completion.tool_calls.clone(),
        }
    }

    /// Commits the step left for the outcome, when the run goes on instead.
    async fn commit_deferred(&self) -> anyhow::Result<()> {
        if let Some(step) = self.partial.deferred() {
            self.commit_step(&step).await?;
            self.partial.clear_deferred();
        }
        Ok(())
    }

    /// A model call's step, usage and events, in a transaction of their own.
    async fn commit_step(&self, step: &PendingStep) -> anyhow::Result<()> {
        let recorded = persist("recording a model call", || async {
            let mut tx = self.rt.core.pool.begin().await?;
            let mut notes = Notes::default();
            let recorded = step.write(&mut tx, &mut notes).await?;
            if recorded == Recorded::Written {
                tx.commit().await?;
                self.rt.core.announcer.announce(notes).await;
            }
            Ok(recorded)
        })
        .await?;
        if recorded == Recorded::NotOwned {
            return Err(Superseded.into());
        }
        Ok(())
    }

    /// The meters' record of a call made (a replayed one was counted when made).
    /// The model call's span, named and described as OpenTelemetry's GenAI conventions
    /// say (`chat {model}`).
    fn model_span(&self) -> tracing::Span {
        let model = &self.task.model;
        let (provider, name) = model.split_once('/').unwrap_or((model, model));
        tracing::info_span!(
            "model call",
            otel.name = %format_args!("chat {name}"),
            otel.kind = "client",
            otel.status_code = tracing::field::Empty,
            error.type = tracing::field::Empty,
            gen_ai.operation.name = "chat",
            gen_ai.provider.name = %provider,
            gen_ai.request.model = %name,
            gen_ai.usage.input_tokens = tracing::field::Empty,
            gen_ai.usage.output_tokens = tracing::field::Empty,
            gen_ai.response.finish_reasons = tracing::field::Empty,
            task.id = %self.task.id,
        )
    }

    fn meter_model_call(
        &self,
        started_at: chrono::DateTime<Utc>,
        result: &Result<Completion, LlmError>,
    ) {
        // `provider/model`; a model without a provider (`mock`) is its own.
        let model = &self.task.model;
        let (provider, model) = model.split_once('/').unwrap_or((model, model));
        let usage = result.as_ref().map(|c| c.usage).unwrap_or_default();
        let cost = result.as_ref().ok().and_then(|c| {
            let price = self.rt.core.models.price(&self.task.model)?;
            Some(c.usage.cost(&price))
        });
        self.rt.core.meters.model_call(&ModelCall {
            provider,
            model,
            ok: result.is_ok(),
            took: (Utc::now() - started_at).to_std().unwrap_or_default(),
            input_tokens: usage.input_tokens,
            output_tokens: usage.output_tokens,
            cost_usd: cost,
        });
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

/// What the call came to, on its span.
fn record_call(span: &tracing::Span, result: &Result<Completion, LlmError>) {
    match result {
        Ok(c) => {
            // As signed integers, so they export as OTLP `intValue`s.
            let count = |n: u64| i64::try_from(n).unwrap_or(i64::MAX);
            span.record("gen_ai.usage.input_tokens", count(c.usage.input_tokens));
            span.record("gen_ai.usage.output_tokens", count(c.usage.output_tokens));
            if let Some(reason) = &c.finish_reason {
                span.record("gen_ai.response.finish_reasons", reason.as_str());
            }
        }
        Err(e) => {
            span.record("otel.status_code", "ERROR");
            span.record("error.type", e.code.as_str());
        }
    }
}
