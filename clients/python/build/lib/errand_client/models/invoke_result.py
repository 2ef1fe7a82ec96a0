from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast
from uuid import UUID

if TYPE_CHECKING:
  from ..models.task import Task





T = TypeVar("T", bound="InvokeResult")



@_attrs_define
class InvokeResult:
    """ What an invocation came to.

        Attributes:
            invocation_id (UUID): The invocation's record (`GET /v1/tools/{name}/invocations`).
            tool (str):
            duration_ms (int):
            output (Any | Unset):
            error (None | str | Unset): Why the tool failed (the call itself was valid), or why the task did not succeed.
            task (None | Task | Unset):
     """

    invocation_id: UUID
    tool: str
    duration_ms: int
    output: Any | Unset = UNSET
    error: None | str | Unset = UNSET
    task: None | Task | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.task import Task # noqa: PLC0415
        invocation_id = str(self.invocation_id)

        tool = self.tool

        duration_ms = self.duration_ms

        output = self.output

        error: None | str | Unset
        if isinstance(self.error, Unset):
            error = UNSET
        else:
            error = self.error

        task: dict[str, Any] | None | Unset
        if isinstance(self.task, Unset):
            task = UNSET
        elif isinstance(self.task, Task):
            task = self.task.to_dict()
        else:
            task = self.task


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "invocation_id": invocation_id,
            "tool": tool,
            "duration_ms": duration_ms,
        })
        if output is not UNSET:
            field_dict["output"] = output
        if error is not UNSET:
            field_dict["error"] = error
        if task is not UNSET:
            field_dict["task"] = task

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.task import Task # noqa: PLC0415
        d = dict(src_dict)
        invocation_id = UUID(d.pop("invocation_id"))




        tool = d.pop("tool")

        duration_ms = d.pop("duration_ms")

        output = d.pop("output", UNSET)

        def _parse_error(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        error = _parse_error(d.pop("error", UNSET))


        def _parse_task(data: object) -> None | Task | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                task_type_0 = Task.from_dict(data)



                return task_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Task | Unset, data)

        task = _parse_task(d.pop("task", UNSET))


        invoke_result = cls(
            invocation_id=invocation_id,
            tool=tool,
            duration_ms=duration_ms,
            output=output,
            error=error,
            task=task,
        )


        invoke_result.additional_properties = d
        return invoke_result

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
