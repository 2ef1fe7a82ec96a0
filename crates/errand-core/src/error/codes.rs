//! Every error code Errand gives out, in one place: the `code` of a problem+json answer
//! and the `error.code` of a task that did not succeed. Codes are part of the API
//! contract: add new ones, never rename them. The README's error table and the OpenAPI
//! document are checked against `ErrorCode::ALL` by the test suite.

/// Where a code appears.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// An HTTP answer with this status.
    Problem(u16),
    /// A task's `error.code`.
    Task,
    /// Both (an internal fault can end a request or a task).
    Both(u16),
}

macro_rules! codes {
    ($($variant:ident = $code:literal, $scope:expr, $title:literal, $description:literal;)+) => {
        /// A stable, machine-readable error code.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum ErrorCode { $($variant),+ }

        impl ErrorCode {
            pub const ALL: &'static [ErrorCode] = &[$(ErrorCode::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self { $(ErrorCode::$variant => $code),+ }
            }

            pub fn scope(self) -> Scope {
                use Scope::*;
                match self { $(ErrorCode::$variant => $scope),+ }
            }

            /// A short summary of the problem type (problem+json `title`).
            pub fn title(self) -> &'static str {
                match self { $(ErrorCode::$variant => $title),+ }
            }

            /// What the code means and what to do about it.
            pub fn description(self) -> &'static str {
                match self { $(ErrorCode::$variant => $description),+ }
            }
        }
    };
}

// HTTP statuses, as numbers: this table is the domain's, and the HTTP layer turns them
// into its own type.
const BAD_REQUEST: u16 = 400;
const NOT_FOUND: u16 = 404;
const CONFLICT: u16 = 409;
const UNPROCESSABLE: u16 = 422;
const UNAUTHORIZED: u16 = 401;
const FORBIDDEN: u16 = 403;
const METHOD_NOT_ALLOWED: u16 = 405;
const PAYLOAD_TOO_LARGE: u16 = 413;
const UNSUPPORTED_MEDIA_TYPE: u16 = 415;
const TOO_MANY_REQUESTS: u16 = 429;
const INTERNAL_SERVER_ERROR: u16 = 500;
const SERVICE_UNAVAILABLE: u16 = 503;

codes! {
    MalformedJson = "malformed_json", Problem(BAD_REQUEST), "Malformed JSON",
        "The body is not valid JSON; the detail gives the line and column.";
    InvalidRequest = "invalid_request", Problem(BAD_REQUEST), "Invalid request",
        "A query parameter, path segment or header is malformed or out of range; the detail names it.";
    InvalidBody = "invalid_body", Problem(UNPROCESSABLE), "Invalid body",
        "The body is JSON of the wrong shape (a missing or unknown field, a wrong type, a value out of range, options that cannot go together, model settings the provider refuses, a NUL character); `errors` points at each problem.";
    InvalidRunner = "invalid_runner", Problem(UNPROCESSABLE), "Invalid runner",
        "The runner definition does not hold together (a bad schema, an unknown model or toolkit); `errors` points at each problem.";
    InvalidArguments = "invalid_arguments", Problem(UNPROCESSABLE), "Invalid arguments",
        "The arguments break the runner's (or tool's) input schema, and nothing else is wrong; `errors` points at each violation. A submission with other problems too answers `invalid_body`, listing them all.";
    InvalidValue = "invalid_value", Problem(UNPROCESSABLE), "Value cannot be stored",
        "A value is outside what the database can hold (a date beyond its range, say); the detail names it.";
    NotFound = "not_found", Problem(NOT_FOUND), "Not found",
        "No route has this path.";
    MethodNotAllowed = "method_not_allowed", Problem(METHOD_NOT_ALLOWED), "Method not allowed",
        "The path exists but not with this method; `Allow` lists the methods it has.";
    RunnerNotFound = "runner_not_found", Problem(NOT_FOUND), "Runner not found",
        "No live runner has this name.";
    TaskNotFound = "task_not_found", Problem(NOT_FOUND), "Task not found",
        "No task has this id.";
    RunnerExists = "runner_exists", Problem(CONFLICT), "Runner exists",
        "A runner with this name exists (use PUT to change it), or was created by a concurrent request.";
    ProjectNotFound = "project_not_found", Problem(NOT_FOUND), "Project not found",
        "No project with this name is visible to the key.";
    ApiKeyNotFound = "api_key_not_found", Problem(NOT_FOUND), "API key not found",
        "No API key with this id is visible to the key.";
    ProjectExists = "project_exists", Problem(CONFLICT), "Project exists",
        "A project with this name exists.";
    Unauthenticated = "unauthenticated", Problem(UNAUTHORIZED), "Unauthenticated",
        "The request needs `Authorization: Bearer <key>`, and the key sent is missing, unknown, expired or revoked.";
    Forbidden = "forbidden", Problem(FORBIDDEN), "Forbidden",
        "The key lacks the scope this operation needs, or (open mode) the request's `Host` or `Origin` is not local.";
    RateLimited = "rate_limited", Problem(TOO_MANY_REQUESTS), "Rate limited",
        "The key sent more requests than `limits.requests_per_second` allows, or holds `limits.key_max_streams` streams and waits already; retry after `Retry-After` seconds.";
    QuotaExceeded = "quota_exceeded", Problem(TOO_MANY_REQUESTS), "Quota exceeded",
        "The project has as many tasks queued as its `max_queued_tasks` allows, or as many projects or keys exist as the limits allow; retry when some have run.";
    IdempotencyKeyReused = "idempotency_key_reused", Problem(CONFLICT), "Idempotency key reused",
        "The Idempotency-Key was used for a different request; use a new key.";
    TaskFinished = "task_finished", Problem(CONFLICT), "Task finished",
        "The task already ended, so it cannot be cancelled.";
    ThreadNotFound = "thread_not_found", Problem(NOT_FOUND), "Thread not found",
        "No thread has this id or key (a task's `thread` key is created only with `if_not_exists: \"create\"`).";
    ThreadKeyTaken = "thread_key_taken", Problem(CONFLICT), "Thread key taken",
        "Another thread of the project has this key.";
    ThreadBusy = "thread_busy", Problem(CONFLICT), "Thread busy",
        "A task of the thread is queued, running or waiting for input: the submission's `multitask_strategy` is `reject`, or the thread cannot be deleted until its tasks end.";
    TaskNotWaiting = "task_not_waiting", Problem(CONFLICT), "Task not waiting",
        "The task is not waiting for an answer to this `request_id` (it never asked it, or it ended).";
    AnswerConflict = "answer_conflict", Problem(CONFLICT), "Answer conflict",
        "This `request_id` was answered already with a different answer.";
    InputExpired = "input_expired", Problem(CONFLICT), "Question expired",
        "The question's `expires_at` has passed: the answer came too late, and the task ends `input_timeout`.";
    InvalidAnswer = "invalid_answer", Problem(UNPROCESSABLE), "Invalid answer",
        "The answer breaks the schema the question gave; `errors` points at each violation.";
    BatchNotFound = "batch_not_found", Problem(NOT_FOUND), "Batch not found",
        "No batch has this id.";
    ToolNotFound = "tool_not_found", Problem(NOT_FOUND), "Tool not found",
        "No tool of the project has this name (a built-in, an HTTP tool, or `run_<runner>_task`).";
    ToolExists = "tool_exists", Problem(CONFLICT), "Tool exists",
        "An HTTP tool with this name exists (use PUT to change it).";
    ToolNotEditable = "tool_not_editable", Problem(CONFLICT), "Tool not editable",
        "Built-in tools and runner tools are not changed through `/v1/tools`: change the runner itself.";
    ToolInUse = "tool_in_use", Problem(CONFLICT), "Tool in use",
        "Runners list this tool in their `toolkits` (the answer names them): take it out of theirs before deleting it.";
    ToolNotInvocable = "tool_not_invocable", Problem(CONFLICT), "Tool not invocable",
        "`ask_human` asks a person on behalf of a task's model; it cannot be invoked directly.";
    InvalidTool = "invalid_tool", Problem(UNPROCESSABLE), "Invalid tool",
        "The HTTP tool definition does not hold together (a bad name, schema, URL, header or secret); `errors` points at each problem.";
    FileNotFound = "file_not_found", Problem(NOT_FOUND), "File not found",
        "No file of the project has this path.";
    InvalidPath = "invalid_path", Problem(UNPROCESSABLE), "Invalid path",
        "A file path must be `/`-separated names of letters, digits, `.`, `_` and `-` (no empty, `.` or `..` segment, none starting with `.`), at most 512 bytes.";
    FileTooLarge = "file_too_large", Problem(PAYLOAD_TOO_LARGE), "File too large",
        "The file's content exceeds `storage.max_file_bytes`.";
    StorageFull = "storage_full", Problem(PAYLOAD_TOO_LARGE), "Storage full",
        "The project's files would exceed `storage.project_max_bytes` or `storage.project_max_files`; delete some first.";
    QueueNotFound = "queue_not_found", Problem(NOT_FOUND), "Queue not found",
        "No queue of the project has this name (a queue exists once a message is posted to it, a runner names it, or `PUT` sets it up).";
    MessageNotFound = "message_not_found", Problem(NOT_FOUND), "Message not found",
        "The queue has no message with this id.";
    MessageStatusConflict = "message_status_conflict", Problem(CONFLICT), "Message status conflict",
        "The message is not in a status that allows this: only a pending or dead message can be deleted, only a leased one acked or nacked, only a dead one redriven.";
    LeaseLost = "lease_lost", Problem(CONFLICT), "Lease lost",
        "The receipt is not the message's current lease: it expired and the message went to another consumer, or it was acked or nacked already.";
    QueueBusy = "queue_busy", Problem(CONFLICT), "Queue busy",
        "A queue with runners bound to it, or with messages leased or running, cannot be deleted.";
    ScheduleNotFound = "schedule_not_found", Problem(NOT_FOUND), "Schedule not found",
        "No schedule of the project has this id.";
    TriggerNotFound = "trigger_not_found", Problem(NOT_FOUND), "Trigger not found",
        "No trigger has this id (in the caller's project, for `/v1/triggers`), or it is disabled (for `/v1/hooks`).";
    WebhookNotFound = "webhook_not_found", Problem(NOT_FOUND), "Webhook not found",
        "No webhook endpoint of the project has this id.";
    DeliveryNotFound = "delivery_not_found", Problem(NOT_FOUND), "Delivery not found",
        "The webhook endpoint has no delivery with this id.";
    SignatureInvalid = "signature_invalid", Problem(UNAUTHORIZED), "Signature invalid",
        "The delivery's signature is missing, malformed or does not match the trigger's secret, or its `webhook-timestamp` is outside the tolerance; nothing was stored.";
    PayloadTooLarge = "payload_too_large", Problem(PAYLOAD_TOO_LARGE), "Payload too large",
        "The body exceeds `server.body_limit`.";
    UnsupportedMediaType = "unsupported_media_type", Problem(UNSUPPORTED_MEDIA_TYPE), "Unsupported media type",
        "The body must be `application/json`.";
    ServiceUnavailable = "service_unavailable", Problem(SERVICE_UNAVAILABLE), "Service unavailable",
        "The database cannot be reached; retry later.";
    InternalError = "internal_error", Both(INTERNAL_SERVER_ERROR), "Internal error",
        "A fault in Errand (the cause is in the server log; a task's message says what failed). Please report it.";
    OutputInvalid = "output_invalid", Task, "Output invalid",
        "The model's reply broke the output schema after every repair turn; `details` has the raw output and each violation.";
    ProviderError = "provider_error", Task, "Provider error",
        "The model provider refused or failed the call; `details` has its status, code and message.";
    ModelError = "model_error", Task, "Model error",
        "The built-in `mock` model failed as its script said.";
    ModelUnavailable = "model_unavailable", Task, "Model unavailable",
        "The task's model names a provider this worker does not have configured.";
    ToolUnavailable = "tool_unavailable", Task, "Tool unavailable",
        "A tool the runner lists is not available: no built-in, HTTP tool or runner of the project has that name any more.";
    ToolsUnsupported = "tools_unsupported", Task, "Tools unsupported",
        "The runner offers tools, but its model's server refuses or ignores tool calling (the model wrote its call as text, or made none when `tool_choice` required one); `details` has the evidence.";
    MaxTurnsExceeded = "max_turns_exceeded", Task, "Max turns exceeded",
        "The model still called tools after `max_turns` model calls.";
    Timeout = "timeout", Task, "Timeout",
        "An attempt ran longer than the runner's `timeout_seconds`.";
    WorkerLost = "worker_lost", Task, "Worker lost",
        "The worker running the last attempt stopped heartbeating and no attempts were left.";
    InputTimeout = "input_timeout", Task, "Input timeout",
        "The task asked a person a question (`ask_human`) and no answer came within its `input_timeout_seconds`.";
    Cancelled = "cancelled", Task, "Cancelled",
        "The task was cancelled; a running one keeps the text streamed so far in `details.partial_output`.";
}

impl ErrorCode {
    /// The HTTP status of a problem with this code; `None` for task-only codes.
    pub fn status(self) -> Option<u16> {
        match self.scope() {
            Scope::Problem(s) | Scope::Both(s) => Some(s),
            Scope::Task => None,
        }
    }

    /// Whether the code can be a task's `error.code`.
    pub fn is_task(self) -> bool {
        matches!(self.scope(), Scope::Task | Scope::Both(_))
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|c| c.as_str() == code)
    }
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_snake_case() {
        let mut seen = std::collections::HashSet::new();
        for code in ErrorCode::ALL {
            let s = code.as_str();
            assert!(seen.insert(s), "duplicate code {s}");
            assert!(s.chars().all(|c| c.is_ascii_lowercase() || c == '_'), "{s}");
            assert_eq!(ErrorCode::parse(s), Some(*code));
        }
    }
}
