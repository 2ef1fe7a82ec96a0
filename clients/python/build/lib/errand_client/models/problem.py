from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.problem_code import ProblemCode
from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.violation import Violation





T = TypeVar("T", bound="Problem")



@_attrs_define
class Problem:
    """ A problem detail (RFC 9457).

        Attributes:
            type_ (str): `urn:errand:problem:<code>`.
            title (str): Short, human-readable summary of the problem type.
            status (int): The HTTP status code.
            detail (str): What went wrong in this occurrence.
            code (ProblemCode): Stable error code to branch on:

                - `malformed_json` (400): The body is not valid JSON; the detail gives the line and column.
                - `invalid_request` (400): A query parameter, path segment or header is malformed or out of range; the detail
                names it.
                - `invalid_body` (422): The body is JSON of the wrong shape (a missing or unknown field, a wrong type, a value
                out of range, options that cannot go together, model settings the provider refuses, a NUL character); `errors`
                points at each problem.
                - `invalid_runner` (422): The runner definition does not hold together (a bad schema, an unknown model or
                toolkit); `errors` points at each problem.
                - `invalid_arguments` (422): The arguments break the runner's (or tool's) input schema, and nothing else is
                wrong; `errors` points at each violation. A submission with other problems too answers `invalid_body`, listing
                them all.
                - `invalid_value` (422): A value is outside what the database can hold (a date beyond its range, say); the
                detail names it.
                - `not_found` (404): No route has this path.
                - `method_not_allowed` (405): The path exists but not with this method; `Allow` lists the methods it has.
                - `runner_not_found` (404): No live runner has this name.
                - `task_not_found` (404): No task has this id.
                - `runner_exists` (409): A runner with this name exists (use PUT to change it), or was created by a concurrent
                request.
                - `project_not_found` (404): No project with this name is visible to the key.
                - `api_key_not_found` (404): No API key with this id is visible to the key.
                - `project_exists` (409): A project with this name exists.
                - `unauthenticated` (401): The request needs `Authorization: Bearer <key>`, and the key sent is missing,
                unknown, expired or revoked.
                - `forbidden` (403): The key lacks the scope this operation needs, or (open mode) the request's `Host` or
                `Origin` is not local.
                - `rate_limited` (429): The key sent more requests than `limits.requests_per_second` allows, or holds
                `limits.key_max_streams` streams and waits already; retry after `Retry-After` seconds.
                - `quota_exceeded` (429): The project has as many tasks queued as its `max_queued_tasks` allows, or as many
                projects or keys exist as the limits allow; retry when some have run.
                - `idempotency_key_reused` (409): The Idempotency-Key was used for a different request; use a new key.
                - `task_finished` (409): The task already ended, so it cannot be cancelled.
                - `thread_not_found` (404): No thread has this id or key (a task's `thread` key is created only with
                `if_not_exists: "create"`).
                - `thread_key_taken` (409): Another thread of the project has this key.
                - `thread_busy` (409): A task of the thread is queued, running or waiting for input: the submission's
                `multitask_strategy` is `reject`, or the thread cannot be deleted until its tasks end.
                - `task_not_waiting` (409): The task is not waiting for an answer to this `request_id` (it never asked it, or it
                ended).
                - `answer_conflict` (409): This `request_id` was answered already with a different answer.
                - `input_expired` (409): The question's `expires_at` has passed: the answer came too late, and the task ends
                `input_timeout`.
                - `invalid_answer` (422): The answer breaks the schema the question gave; `errors` points at each violation.
                - `batch_not_found` (404): No batch has this id.
                - `tool_not_found` (404): No tool of the project has this name (a built-in, an HTTP tool, or
                `run_<runner>_task`).
                - `tool_exists` (409): An HTTP tool with this name exists (use PUT to change it).
                - `tool_not_editable` (409): Built-in tools and runner tools are not changed through `/v1/tools`: change the
                runner itself.
                - `tool_in_use` (409): Runners list this tool in their `toolkits` (the answer names them): take it out of theirs
                before deleting it.
                - `tool_not_invocable` (409): `ask_human` asks a person on behalf of a task's model; it cannot be invoked
                directly.
                - `invalid_tool` (422): The HTTP tool definition does not hold together (a bad name, schema, URL, header or
                secret); `errors` points at each problem.
                - `file_not_found` (404): No file of the project has this path.
                - `invalid_path` (422): A file path must be `/`-separated names of letters, digits, `.`, `_` and `-` (no empty,
                `.` or `..` segment, none starting with `.`), at most 512 bytes.
                - `file_too_large` (413): The file's content exceeds `storage.max_file_bytes`.
                - `storage_full` (413): The project's files would exceed `storage.project_max_bytes` or
                `storage.project_max_files`; delete some first.
                - `queue_not_found` (404): No queue of the project has this name (a queue exists once a message is posted to it,
                a runner names it, or `PUT` sets it up).
                - `message_not_found` (404): The queue has no message with this id.
                - `message_status_conflict` (409): The message is not in a status that allows this: only a pending or dead
                message can be deleted, only a leased one acked or nacked, only a dead one redriven.
                - `lease_lost` (409): The receipt is not the message's current lease: it expired and the message went to another
                consumer, or it was acked or nacked already.
                - `queue_busy` (409): A queue with runners bound to it, or with messages leased or running, cannot be deleted.
                - `schedule_not_found` (404): No schedule of the project has this id.
                - `trigger_not_found` (404): No trigger has this id (in the caller's project, for `/v1/triggers`), or it is
                disabled (for `/v1/hooks`).
                - `webhook_not_found` (404): No webhook endpoint of the project has this id.
                - `delivery_not_found` (404): The webhook endpoint has no delivery with this id.
                - `signature_invalid` (401): The delivery's signature is missing, malformed or does not match the trigger's
                secret, or its `webhook-timestamp` is outside the tolerance; nothing was stored.
                - `payload_too_large` (413): The body exceeds `server.body_limit`.
                - `unsupported_media_type` (415): The body must be `application/json`.
                - `service_unavailable` (503): The database cannot be reached; retry later.
                - `internal_error`: A fault in Errand (the cause is in the server log; a task's message says what failed).
                Please report it.
            errors (list[Violation] | Unset): Every violation (the first `limits.max_violations`), for validation errors.
     """

    type_: str
    title: str
    status: int
    detail: str
    code: ProblemCode
    errors: list[Violation] | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.violation import Violation # noqa: PLC0415
        type_ = self.type_

        title = self.title

        status = self.status

        detail = self.detail

        code = self.code.value

        errors: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.errors, Unset):
            errors = []
            for errors_item_data in self.errors:
                errors_item = errors_item_data.to_dict()
                errors.append(errors_item)




        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "type": type_,
            "title": title,
            "status": status,
            "detail": detail,
            "code": code,
        })
        if errors is not UNSET:
            field_dict["errors"] = errors

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.violation import Violation # noqa: PLC0415
        d = dict(src_dict)
        type_ = d.pop("type")

        title = d.pop("title")

        status = d.pop("status")

        detail = d.pop("detail")

        code = ProblemCode(d.pop("code"))




        _errors = d.pop("errors", UNSET)
        errors: list[Violation] | Unset = UNSET
        if _errors is not UNSET:
            errors = []
            for errors_item_data in _errors:
                errors_item = Violation.from_dict(errors_item_data)



                errors.append(errors_item)


        problem = cls(
            type_=type_,
            title=title,
            status=status,
            detail=detail,
            code=code,
            errors=errors,
        )


        problem.additional_properties = d
        return problem

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
