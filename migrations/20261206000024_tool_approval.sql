-- Approval before a tool runs. A runner version's `approval` names the tools whose calls
-- wait for a person (`{"tools": [...], "non_read_only": bool}`); a task's
-- `tool_decisions` keeps each decision by the call's journal step (`{"<step>": {call_id,
-- request_id, approve, reason?, arguments?, decided_at}}`), so a reply with several such
-- calls asks about them one at a time and runs them once all are decided. At most one
-- entry per tool call a task makes (bounded by max_turns x the calls of a reply).
ALTER TABLE runner_versions ADD COLUMN approval jsonb NOT NULL DEFAULT '{}';
ALTER TABLE tasks ADD COLUMN tool_decisions jsonb NOT NULL DEFAULT '{}';
