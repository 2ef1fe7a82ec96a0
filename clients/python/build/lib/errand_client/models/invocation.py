from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.source import Source
from ..types import UNSET, Unset
from typing import cast
from uuid import UUID
import datetime






T = TypeVar("T", bound="Invocation")



@_attrs_define
class Invocation:
    """ One call of a tool.

        Attributes:
            id (UUID):
            tool (str):
            source (Source): Where a call came from.
            arguments (Any):
            duration_ms (int):
            created_at (datetime.datetime):
            caller (None | str | Unset): The API key that called (its id), `open` in open mode, or `null` for a task's
                model.
            task_id (None | Unset | UUID): The task whose model made the call, or the task a runner tool's call started.
            output (Any | Unset):
            error (None | str | Unset):
     """

    id: UUID
    tool: str
    source: Source
    arguments: Any
    duration_ms: int
    created_at: datetime.datetime
    caller: None | str | Unset = UNSET
    task_id: None | Unset | UUID = UNSET
    output: Any | Unset = UNSET
    error: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        id = str(self.id)

        tool = self.tool

        source = self.source.value

        arguments = self.arguments

        duration_ms = self.duration_ms

        created_at = self.created_at.isoformat()

        caller: None | str | Unset
        if isinstance(self.caller, Unset):
            caller = UNSET
        else:
            caller = self.caller

        task_id: None | str | Unset
        if isinstance(self.task_id, Unset):
            task_id = UNSET
        elif isinstance(self.task_id, UUID):
            task_id = str(self.task_id)
        else:
            task_id = self.task_id

        output = self.output

        error: None | str | Unset
        if isinstance(self.error, Unset):
            error = UNSET
        else:
            error = self.error


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "id": id,
            "tool": tool,
            "source": source,
            "arguments": arguments,
            "duration_ms": duration_ms,
            "created_at": created_at,
        })
        if caller is not UNSET:
            field_dict["caller"] = caller
        if task_id is not UNSET:
            field_dict["task_id"] = task_id
        if output is not UNSET:
            field_dict["output"] = output
        if error is not UNSET:
            field_dict["error"] = error

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = UUID(d.pop("id"))




        tool = d.pop("tool")

        source = Source(d.pop("source"))




        arguments = d.pop("arguments")

        duration_ms = d.pop("duration_ms")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))




        def _parse_caller(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        caller = _parse_caller(d.pop("caller", UNSET))


        def _parse_task_id(data: object) -> None | Unset | UUID:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                task_id_type_0 = UUID(data)



                return task_id_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Unset | UUID, data)

        task_id = _parse_task_id(d.pop("task_id", UNSET))


        output = d.pop("output", UNSET)

        def _parse_error(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        error = _parse_error(d.pop("error", UNSET))


        invocation = cls(
            id=id,
            tool=tool,
            source=source,
            arguments=arguments,
            duration_ms=duration_ms,
            created_at=created_at,
            caller=caller,
            task_id=task_id,
            output=output,
            error=error,
        )


        invocation.additional_properties = d
        return invocation

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
