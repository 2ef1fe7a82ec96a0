from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.if_not_exists import IfNotExists
from ..models.multitask_strategy import MultitaskStrategy
from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.create_task_model_settings_type_0 import CreateTaskModelSettingsType0





T = TypeVar("T", bound="CreateTask")



@_attrs_define
class CreateTask:
    """ Body of `POST /v1/runners/{name}/tasks`.

        Attributes:
            arguments (Any | Unset):
            model_settings (CreateTaskModelSettingsType0 | None | Unset): Overrides the runner's `model_settings`, key by
                key.
            rules (list[str] | Unset): Extra instructions for this task, added after the runner's rules.
            thread (None | str | Unset): A thread to continue: its id or its key. The task starts from the thread's messages
                and appends what it did; without it, the task starts clean.
            if_not_exists (IfNotExists | None | Unset):
            multitask_strategy (MultitaskStrategy | None | Unset):
            input_timeout_seconds (int | None | Unset): How long a question the task asks (`ask_human`) waits for its
                answer; default the
                runner's `input_timeout_seconds`.
            read_only (bool | Unset): Offer the model only tools marked read-only (its child tasks run read-only too).
            priority (int | None | Unset): 0 (lowest) to 9 (highest), default 5. Workers claim higher priorities first, with
                aging: a task is never passed by one queued more than (the difference in priority)
                x `worker.priority_aging_ms` (10 s by default) after it. Per-project fairness comes
                first: priority orders a project's own tasks.
            models (list[str] | None | Unset): Run the task once per model (`provider/model`, `mock` or an alias), as a
                batch sharing one
                `batch_id`; the answer is the batch. More than one model, when the runner has tools
                that are not read-only, needs `read_only: true`.
            callback_url (None | str | Unset): POST the task's end here (`task.succeeded`, `failed`, `cancelled` or
                `timed_out`,
                like a webhook endpoint's delivery), signed per Standard Webhooks with the project's
                callback secret (`POST /v1/callback-secret`). http or https; a loopback or
                private address only when `ERRAND_FETCH_ALLOW_HOSTS` permits it.
     """

    arguments: Any | Unset = UNSET
    model_settings: CreateTaskModelSettingsType0 | None | Unset = UNSET
    rules: list[str] | Unset = UNSET
    thread: None | str | Unset = UNSET
    if_not_exists: IfNotExists | None | Unset = UNSET
    multitask_strategy: MultitaskStrategy | None | Unset = UNSET
    input_timeout_seconds: int | None | Unset = UNSET
    read_only: bool | Unset = UNSET
    priority: int | None | Unset = UNSET
    models: list[str] | None | Unset = UNSET
    callback_url: None | str | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        from ..models.create_task_model_settings_type_0 import CreateTaskModelSettingsType0 # noqa: PLC0415
        arguments = self.arguments

        model_settings: dict[str, Any] | None | Unset
        if isinstance(self.model_settings, Unset):
            model_settings = UNSET
        elif isinstance(self.model_settings, CreateTaskModelSettingsType0):
            model_settings = self.model_settings.to_dict()
        else:
            model_settings = self.model_settings

        rules: list[str] | Unset = UNSET
        if not isinstance(self.rules, Unset):
            rules = self.rules



        thread: None | str | Unset
        if isinstance(self.thread, Unset):
            thread = UNSET
        else:
            thread = self.thread

        if_not_exists: None | str | Unset
        if isinstance(self.if_not_exists, Unset):
            if_not_exists = UNSET
        elif isinstance(self.if_not_exists, IfNotExists):
            if_not_exists = self.if_not_exists.value
        else:
            if_not_exists = self.if_not_exists

        multitask_strategy: None | str | Unset
        if isinstance(self.multitask_strategy, Unset):
            multitask_strategy = UNSET
        elif isinstance(self.multitask_strategy, MultitaskStrategy):
            multitask_strategy = self.multitask_strategy.value
        else:
            multitask_strategy = self.multitask_strategy

        input_timeout_seconds: int | None | Unset
        if isinstance(self.input_timeout_seconds, Unset):
            input_timeout_seconds = UNSET
        else:
            input_timeout_seconds = self.input_timeout_seconds

        read_only = self.read_only

        priority: int | None | Unset
        if isinstance(self.priority, Unset):
            priority = UNSET
        else:
            priority = self.priority

        models: list[str] | None | Unset
        if isinstance(self.models, Unset):
            models = UNSET
        elif isinstance(self.models, list):
            models = self.models


        else:
            models = self.models

        callback_url: None | str | Unset
        if isinstance(self.callback_url, Unset):
            callback_url = UNSET
        else:
            callback_url = self.callback_url


        field_dict: dict[str, Any] = {}

        field_dict.update({
        })
        if arguments is not UNSET:
            field_dict["arguments"] = arguments
        if model_settings is not UNSET:
            field_dict["model_settings"] = model_settings
        if rules is not UNSET:
            field_dict["rules"] = rules
        if thread is not UNSET:
            field_dict["thread"] = thread
        if if_not_exists is not UNSET:
            field_dict["if_not_exists"] = if_not_exists
        if multitask_strategy is not UNSET:
            field_dict["multitask_strategy"] = multitask_strategy
        if input_timeout_seconds is not UNSET:
            field_dict["input_timeout_seconds"] = input_timeout_seconds
        if read_only is not UNSET:
            field_dict["read_only"] = read_only
        if priority is not UNSET:
            field_dict["priority"] = priority
        if models is not UNSET:
            field_dict["models"] = models
        if callback_url is not UNSET:
            field_dict["callback_url"] = callback_url

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.create_task_model_settings_type_0 import CreateTaskModelSettingsType0 # noqa: PLC0415
        d = dict(src_dict)
        arguments = d.pop("arguments", UNSET)

        def _parse_model_settings(data: object) -> CreateTaskModelSettingsType0 | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                model_settings_type_0 = CreateTaskModelSettingsType0.from_dict(data)



                return model_settings_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(CreateTaskModelSettingsType0 | None | Unset, data)

        model_settings = _parse_model_settings(d.pop("model_settings", UNSET))


        rules = cast(list[str], d.pop("rules", UNSET))


        def _parse_thread(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        thread = _parse_thread(d.pop("thread", UNSET))


        def _parse_if_not_exists(data: object) -> IfNotExists | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                if_not_exists_type_0 = IfNotExists(data)



                return if_not_exists_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(IfNotExists | None | Unset, data)

        if_not_exists = _parse_if_not_exists(d.pop("if_not_exists", UNSET))


        def _parse_multitask_strategy(data: object) -> MultitaskStrategy | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                multitask_strategy_type_0 = MultitaskStrategy(data)



                return multitask_strategy_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(MultitaskStrategy | None | Unset, data)

        multitask_strategy = _parse_multitask_strategy(d.pop("multitask_strategy", UNSET))


        def _parse_input_timeout_seconds(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        input_timeout_seconds = _parse_input_timeout_seconds(d.pop("input_timeout_seconds", UNSET))


        read_only = d.pop("read_only", UNSET)

        def _parse_priority(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        priority = _parse_priority(d.pop("priority", UNSET))


        def _parse_models(data: object) -> list[str] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                models_type_0 = cast(list[str], data)

                return models_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[str] | None | Unset, data)

        models = _parse_models(d.pop("models", UNSET))


        def _parse_callback_url(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        callback_url = _parse_callback_url(d.pop("callback_url", UNSET))


        create_task = cls(
            arguments=arguments,
            model_settings=model_settings,
            rules=rules,
            thread=thread,
            if_not_exists=if_not_exists,
            multitask_strategy=multitask_strategy,
            input_timeout_seconds=input_timeout_seconds,
            read_only=read_only,
            priority=priority,
            models=models,
            callback_url=callback_url,
        )

        return create_task

