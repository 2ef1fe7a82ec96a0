from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.task_error_code import TaskErrorCode
from ..types import UNSET, Unset






T = TypeVar("T", bound="TaskError")



@_attrs_define
class TaskError:
    """ Why a task failed, timed out or was cancelled.

        Attributes:
            code (TaskErrorCode): Stable code of why the task did not succeed:

                - `internal_error`: A fault in Errand (the cause is in the server log; a task's message says what failed).
                Please report it.
                - `output_invalid`: The model's reply broke the output schema after every repair turn; `details` has the raw
                output and each violation.
                - `provider_error`: The model provider refused or failed the call; `details` has its status, code and message.
                - `model_error`: The built-in `mock` model failed as its script said.
                - `model_unavailable`: The task's model names a provider this worker does not have configured.
                - `tool_unavailable`: A tool the runner lists is not available: no built-in, HTTP tool or runner of the project
                has that name any more.
                - `tools_unsupported`: The runner offers tools, but its model's server refuses or ignores tool calling (the
                model wrote its call as text, or made none when `tool_choice` required one); `details` has the evidence.
                - `max_turns_exceeded`: The model still called tools after `max_turns` model calls.
                - `timeout`: An attempt ran longer than the runner's `timeout_seconds`.
                - `worker_lost`: The worker running the last attempt stopped heartbeating and no attempts were left.
                - `input_timeout`: The task asked a person a question (`ask_human`) and no answer came within its
                `input_timeout_seconds`.
                - `cancelled`: The task was cancelled; a running one keeps the text streamed so far in `details.partial_output`.
            message (str):
            details (Any | Unset):
     """

    code: TaskErrorCode
    message: str
    details: Any | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        code = self.code.value

        message = self.message

        details = self.details


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "code": code,
            "message": message,
        })
        if details is not UNSET:
            field_dict["details"] = details

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        code = TaskErrorCode(d.pop("code"))




        message = d.pop("message")

        details = d.pop("details", UNSET)

        task_error = cls(
            code=code,
            message=message,
            details=details,
        )


        task_error.additional_properties = d
        return task_error

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
