from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.task_status import TaskStatus
from ..types import UNSET, Unset
from typing import cast
from uuid import UUID
import datetime

if TYPE_CHECKING:
  from ..models.input_request import InputRequest
  from ..models.task_error import TaskError
  from ..models.task_model_settings import TaskModelSettings
  from ..models.task_usage import TaskUsage





T = TypeVar("T", bound="Task")



@_attrs_define
class Task:
    """ A task: one run of a runner version on some arguments.

        Attributes:
            id (UUID):
            runner (str): The runner's name.
            runner_id (UUID):
            runner_version (int): The runner version the task runs (and ran) with.
            status (TaskStatus):
            arguments (Any):
            model (str): The model it runs on (`provider/model` or `mock`), an alias resolved when queued.
            model_settings (TaskModelSettings): The runner's settings merged with the task's.
            attempts (int): Attempts started so far (going on after a question or child tasks is the same
                attempt).
            max_attempts (int):
            timeout_seconds (int):
            cancel_requested (bool): Set by `POST /v1/tasks/{id}/cancel` while the task runs; it reads `cancelled` once
                the worker has stopped.
            rules (list[str]): Extra rules given at submission, after the runner's.
            input_timeout_seconds (int): How long an `ask_human` question waits for its answer.
            depth (int): How deep in a chain of runners calling runners: 0 for a task submitted directly.
            read_only (bool): Offered only tools marked read-only (its children inherit this).
            priority (int): 0 (lowest) to 9 (highest); see `priority` of the submission.
            usage (TaskUsage): Tokens and cost of a task, summed over its model calls (all attempts; a replayed
                step is not counted twice). `null` counts: no model call has been made, so nothing is
                known (zero would be a claim).
            created_at (datetime.datetime):
            updated_at (datetime.datetime):
            output (Any | Unset):
            error (None | TaskError | Unset):
            model_alias (None | str | Unset): The alias the model was named by (the runner's `model`, or the batch's), if
                any.
            idempotency_key (None | str | Unset):
            thread_id (None | Unset | UUID): The thread the task continues, if any.
            input_request (InputRequest | None | Unset):
            parent_task_id (None | Unset | UUID): The task whose model started this one by calling `run_<runner>_task`.
            batch_id (None | Unset | UUID): The batch the task was submitted in (one task per model of `models`).
            callback_url (None | str | Unset): Where its end is POSTed (signed with the project's callback secret).
            started_at (datetime.datetime | None | Unset): When the current attempt started (going on after a pause keeps
                it).
            finished_at (datetime.datetime | None | Unset):
     """

    id: UUID
    runner: str
    runner_id: UUID
    runner_version: int
    status: TaskStatus
    arguments: Any
    model: str
    model_settings: TaskModelSettings
    attempts: int
    max_attempts: int
    timeout_seconds: int
    cancel_requested: bool
    rules: list[str]
    input_timeout_seconds: int
    depth: int
    read_only: bool
    priority: int
    usage: TaskUsage
    created_at: datetime.datetime
    updated_at: datetime.datetime
    output: Any | Unset = UNSET
    error: None | TaskError | Unset = UNSET
    model_alias: None | str | Unset = UNSET
    idempotency_key: None | str | Unset = UNSET
    thread_id: None | Unset | UUID = UNSET
    input_request: InputRequest | None | Unset = UNSET
    parent_task_id: None | Unset | UUID = UNSET
    batch_id: None | Unset | UUID = UNSET
    callback_url: None | str | Unset = UNSET
    started_at: datetime.datetime | None | Unset = UNSET
    finished_at: datetime.datetime | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.input_request import InputRequest # noqa: PLC0415
        from ..models.task_error import TaskError # noqa: PLC0415
        from ..models.task_model_settings import TaskModelSettings # noqa: PLC0415
        from ..models.task_usage import TaskUsage # noqa: PLC0415
        id = str(self.id)

        runner = self.runner

        runner_id = str(self.runner_id)

        runner_version = self.runner_version

        status = self.status.value

        arguments = self.arguments

        model = self.model

        model_settings = self.model_settings.to_dict()

        attempts = self.attempts

        max_attempts = self.max_attempts

        timeout_seconds = self.timeout_seconds

        cancel_requested = self.cancel_requested

        rules = self.rules



        input_timeout_seconds = self.input_timeout_seconds

        depth = self.depth

        read_only = self.read_only

        priority = self.priority

        usage = self.usage.to_dict()

        created_at = self.created_at.isoformat()

        updated_at = self.updated_at.isoformat()

        output = self.output

        error: dict[str, Any] | None | Unset
        if isinstance(self.error, Unset):
            error = UNSET
        elif isinstance(self.error, TaskError):
            error = self.error.to_dict()
        else:
            error = self.error

        model_alias: None | str | Unset
        if isinstance(self.model_alias, Unset):
            model_alias = UNSET
        else:
            model_alias = self.model_alias

        idempotency_key: None | str | Unset
        if isinstance(self.idempotency_key, Unset):
            idempotency_key = UNSET
        else:
            idempotency_key = self.idempotency_key

        thread_id: None | str | Unset
        if isinstance(self.thread_id, Unset):
            thread_id = UNSET
        elif isinstance(self.thread_id, UUID):
            thread_id = str(self.thread_id)
        else:
            thread_id = self.thread_id

        input_request: dict[str, Any] | None | Unset
        if isinstance(self.input_request, Unset):
            input_request = UNSET
        elif isinstance(self.input_request, InputRequest):
            input_request = self.input_request.to_dict()
        else:
            input_request = self.input_request

        parent_task_id: None | str | Unset
        if isinstance(self.parent_task_id, Unset):
            parent_task_id = UNSET
        elif isinstance(self.parent_task_id, UUID):
            parent_task_id = str(self.parent_task_id)
        else:
            parent_task_id = self.parent_task_id

        batch_id: None | str | Unset
        if isinstance(self.batch_id, Unset):
            batch_id = UNSET
        elif isinstance(self.batch_id, UUID):
            batch_id = str(self.batch_id)
        else:
            batch_id = self.batch_id

        callback_url: None | str | Unset
        if isinstance(self.callback_url, Unset):
            callback_url = UNSET
        else:
            callback_url = self.callback_url

        started_at: None | str | Unset
        if isinstance(self.started_at, Unset):
            started_at = UNSET
        elif isinstance(self.started_at, datetime.datetime):
            started_at = self.started_at.isoformat()
        else:
            started_at = self.started_at

        finished_at: None | str | Unset
        if isinstance(self.finished_at, Unset):
            finished_at = UNSET
        elif isinstance(self.finished_at, datetime.datetime):
            finished_at = self.finished_at.isoformat()
        else:
            finished_at = self.finished_at


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "id": id,
            "runner": runner,
            "runner_id": runner_id,
            "runner_version": runner_version,
            "status": status,
            "arguments": arguments,
            "model": model,
            "model_settings": model_settings,
            "attempts": attempts,
            "max_attempts": max_attempts,
            "timeout_seconds": timeout_seconds,
            "cancel_requested": cancel_requested,
            "rules": rules,
            "input_timeout_seconds": input_timeout_seconds,
            "depth": depth,
            "read_only": read_only,
            "priority": priority,
            "usage": usage,
            "created_at": created_at,
            "updated_at": updated_at,
        })
        if output is not UNSET:
            field_dict["output"] = output
        if error is not UNSET:
            field_dict["error"] = error
        if model_alias is not UNSET:
            field_dict["model_alias"] = model_alias
        if idempotency_key is not UNSET:
            field_dict["idempotency_key"] = idempotency_key
        if thread_id is not UNSET:
            field_dict["thread_id"] = thread_id
        if input_request is not UNSET:
            field_dict["input_request"] = input_request
        if parent_task_id is not UNSET:
            field_dict["parent_task_id"] = parent_task_id
        if batch_id is not UNSET:
            field_dict["batch_id"] = batch_id
        if callback_url is not UNSET:
            field_dict["callback_url"] = callback_url
        if started_at is not UNSET:
            field_dict["started_at"] = started_at
        if finished_at is not UNSET:
            field_dict["finished_at"] = finished_at

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.input_request import InputRequest # noqa: PLC0415
        from ..models.task_error import TaskError # noqa: PLC0415
        from ..models.task_model_settings import TaskModelSettings # noqa: PLC0415
        from ..models.task_usage import TaskUsage # noqa: PLC0415
        d = dict(src_dict)
        id = UUID(d.pop("id"))




        runner = d.pop("runner")

        runner_id = UUID(d.pop("runner_id"))




        runner_version = d.pop("runner_version")

        status = TaskStatus(d.pop("status"))




        arguments = d.pop("arguments")

        model = d.pop("model")

        model_settings = TaskModelSettings.from_dict(d.pop("model_settings"))




        attempts = d.pop("attempts")

        max_attempts = d.pop("max_attempts")

        timeout_seconds = d.pop("timeout_seconds")

        cancel_requested = d.pop("cancel_requested")

        rules = cast(list[str], d.pop("rules"))


        input_timeout_seconds = d.pop("input_timeout_seconds")

        depth = d.pop("depth")

        read_only = d.pop("read_only")

        priority = d.pop("priority")

        usage = TaskUsage.from_dict(d.pop("usage"))




        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))




        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))




        output = d.pop("output", UNSET)

        def _parse_error(data: object) -> None | TaskError | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                error_type_0 = TaskError.from_dict(data)



                return error_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | TaskError | Unset, data)

        error = _parse_error(d.pop("error", UNSET))


        def _parse_model_alias(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        model_alias = _parse_model_alias(d.pop("model_alias", UNSET))


        def _parse_idempotency_key(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        idempotency_key = _parse_idempotency_key(d.pop("idempotency_key", UNSET))


        def _parse_thread_id(data: object) -> None | Unset | UUID:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                thread_id_type_0 = UUID(data)



                return thread_id_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Unset | UUID, data)

        thread_id = _parse_thread_id(d.pop("thread_id", UNSET))


        def _parse_input_request(data: object) -> InputRequest | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                input_request_type_0 = InputRequest.from_dict(data)



                return input_request_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(InputRequest | None | Unset, data)

        input_request = _parse_input_request(d.pop("input_request", UNSET))


        def _parse_parent_task_id(data: object) -> None | Unset | UUID:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                parent_task_id_type_0 = UUID(data)



                return parent_task_id_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Unset | UUID, data)

        parent_task_id = _parse_parent_task_id(d.pop("parent_task_id", UNSET))


        def _parse_batch_id(data: object) -> None | Unset | UUID:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                batch_id_type_0 = UUID(data)



                return batch_id_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Unset | UUID, data)

        batch_id = _parse_batch_id(d.pop("batch_id", UNSET))


        def _parse_callback_url(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        callback_url = _parse_callback_url(d.pop("callback_url", UNSET))


        def _parse_started_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                started_at_type_0 = datetime.datetime.fromisoformat(data)



                return started_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        started_at = _parse_started_at(d.pop("started_at", UNSET))


        def _parse_finished_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                finished_at_type_0 = datetime.datetime.fromisoformat(data)



                return finished_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        finished_at = _parse_finished_at(d.pop("finished_at", UNSET))


        task = cls(
            id=id,
            runner=runner,
            runner_id=runner_id,
            runner_version=runner_version,
            status=status,
            arguments=arguments,
            model=model,
            model_settings=model_settings,
            attempts=attempts,
            max_attempts=max_attempts,
            timeout_seconds=timeout_seconds,
            cancel_requested=cancel_requested,
            rules=rules,
            input_timeout_seconds=input_timeout_seconds,
            depth=depth,
            read_only=read_only,
            priority=priority,
            usage=usage,
            created_at=created_at,
            updated_at=updated_at,
            output=output,
            error=error,
            model_alias=model_alias,
            idempotency_key=idempotency_key,
            thread_id=thread_id,
            input_request=input_request,
            parent_task_id=parent_task_id,
            batch_id=batch_id,
            callback_url=callback_url,
            started_at=started_at,
            finished_at=finished_at,
        )


        task.additional_properties = d
        return task

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
