//! Tool calls that wait for a person's approval (a runner's `approval`). Before any call of
//! a reply runs, every call the runner's policy covers needs a decision: the first without
//! one is asked (the attempt suspends, `input_required` of kind `approval`, holding no
//! worker) and nothing of the reply runs yet. Decisions are kept on the task by journal
//! step, so the reply's calls are asked about one at a time across resumes; once all are
//! decided the calls run — approved ones as approved (perhaps with edited arguments),
//! denied ones answered to the model with the person's reason.

use std::collections::BTreeMap;

use uuid::Uuid;

use super::steps::Run;
use errand_core::conversation::ToolCall;
use errand_core::runners::model::Approval;
use errand_core::tasks::approvals::{self, Decision};
use errand_core::tasks::model::{InputKind, InputRequest, PendingCall};
use errand_core::tools::catalog::Toolbox;
use errand_core::tools::{approval, ask_human, runner_tool};

/// What a call may do, as far as approval goes.
pub enum Gate {
    /// Not covered by the policy: as any call.
    Free,
    /// Approved: run it, with these arguments when the person edited them.
    Approved(Option<ToolCall>),
    /// Denied: the model is told this instead.
    Denied(String),
}

/// The gates of a reply's calls, or the approval still to ask for.
pub enum Gates {
    Open(Vec<Gate>),
    Ask(Box<InputRequest>),
}

impl Run<'_> {
    /// The gate of each of `calls` (their journal steps from `base`; those journaled
    /// already, and past `max_calls`, are `Free`), or the first approval still undecided.
    pub async fn gates(
        &self,
        calls: &[ToolCall],
        base: i32,
        max_calls: usize,
        toolbox: &Toolbox,
        policy: &Approval,
    ) -> anyhow::Result<Gates> {
        let mut gates: Vec<Gate> = calls.iter().map(|_| Gate::Free).collect();
        if policy.is_empty() {
            return Ok(Gates::Open(gates));
        }
        let mut decisions: Option<BTreeMap<i32, Decision>> = None;
        for (i, call) in calls.iter().enumerate().take(max_calls) {
            let index = base + i as i32;
            if self.journal.contains_key(&index) || !self.covered(call, toolbox, policy).await? {
                continue;
            }
            if decisions.is_none() {
                decisions = Some(approvals::of_task(&self.rt.core.pool, self.task.id).await?);
            }
            let decided = decisions
                .as_ref()
                .and_then(|d| d.get(&index))
                .filter(|d| d.call_id == call.id);
            gates[i] = match decided {
                Some(d) if d.approve => Gate::Approved(d.arguments.as_ref().map(|a| ToolCall {
                    id: call.id.clone(),
                    name: call.name.clone(),
                    arguments: a.to_string(),
                })),
                Some(d) => Gate::Denied(d.refusal(&call.name)),
                None => match self.approval_request(call, index, toolbox) {
                    Ok(request) => return Ok(Gates::Ask(Box::new(request))),
                    Err(why) => Gate::Denied(why),
                },
            };
        }
        Ok(Gates::Open(gates))
    }

    /// Whether the policy covers `call` (a tool the model made up is not: it fails as
    /// unknown; `ask_human` asks a person already).
    async fn covered(
        &self,
        call: &ToolCall,
        toolbox: &Toolbox,
        policy: &Approval,
    ) -> anyhow::Result<bool> {
        if call.name == ask_human::NAME {
            return Ok(false);
        }
        let read_only = match (
            toolbox.tools.get(&call.name),
            toolbox.runners.get(&call.name),
        ) {
            (Some(tool), _) => tool.read_only(),
            (None, Some(runner)) => {
                let core = &self.rt.core;
                core.tools
                    .runner_read_only(&core.pool, self.task.project, runner)
                    .await?
            }
            (None, None) => return Ok(false),
        };
        Ok(approval::covers(policy, &call.name, read_only))
    }

    /// The approval to ask for `call`, or why it cannot be asked (a message for the model).
    fn approval_request(
        &self,
        call: &ToolCall,
        index: i32,
        toolbox: &Toolbox,
    ) -> Result<InputRequest, String> {
        let arguments = call
            .parsed_arguments()
            .map_err(|why| format!("not run: {why}"))?;
        let input_schema = match (
            toolbox.tools.get(&call.name),
            toolbox.runners.get(&call.name),
        ) {
            (Some(tool), _) => tool.spec().parameters,
            (None, Some(runner)) => runner_tool::spec(runner).parameters,
            (None, None) => return Err(format!("there is no tool {:?}", call.name)),
        };
        let (asked_at, expires_at) = self.asked_now();
        Ok(InputRequest {
            request_id: Uuid::now_v7(),
            kind: InputKind::Approval,
            question: format!(
                "Approve this call of {}? Answer {{\"approve\": true}}, {{\"approve\": false, \
                 \"reason\": \"…\"}} (the model is told the reason), or {{\"approve\": true, \
                 \"arguments\": {{…}}}} to run it with other arguments.",
                call.name
            ),
            schema: Some(approvals::answer_schema()),
            tool_call_id: call.id.clone(),
            step_index: index,
            asked_at,
            expires_at,
            answer: None,
            answered_at: None,
            task_id: None,
            tool_call: Some(PendingCall {
                name: call.name.clone(),
                arguments,
                input_schema,
            }),
        })
    }
}
