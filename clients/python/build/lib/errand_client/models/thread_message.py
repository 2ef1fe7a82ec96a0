from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.message_role import MessageRole
from ..types import UNSET, Unset
from typing import cast
from uuid import UUID
import datetime

if TYPE_CHECKING:
  from ..models.thread_message_tool_calls_item import ThreadMessageToolCallsItem





T = TypeVar("T", bound="ThreadMessage")



@_attrs_define
class ThreadMessage:
    """ One message of a thread.

        Attributes:
            seq (int): The message's place in the thread, from 1.
            role (MessageRole): Who said a message.
            content (str):
            task_id (UUID): The task that wrote the message.
            partial (bool): Text a model call had streamed when its task was cancelled: not a finished reply.
            created_at (datetime.datetime):
            tool_calls (list[ThreadMessageToolCallsItem] | Unset): Assistant messages: the tool calls the model made.
            tool_call_id (None | str | Unset): Tool messages: the call this is the result of.
            step_index (int | None | Unset): The task's step that produced it (`GET /v1/tasks/{id}/steps`); `null` for the
                task's user message and for text streamed before a cancel.
     """

    seq: int
    role: MessageRole
    content: str
    task_id: UUID
    partial: bool
    created_at: datetime.datetime
    tool_calls: list[ThreadMessageToolCallsItem] | Unset = UNSET
    tool_call_id: None | str | Unset = UNSET
    step_index: int | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.thread_message_tool_calls_item import ThreadMessageToolCallsItem # noqa: PLC0415
        seq = self.seq

        role = self.role.value

        content = self.content

        task_id = str(self.task_id)

        partial = self.partial

        created_at = self.created_at.isoformat()

        tool_calls: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.tool_calls, Unset):
            tool_calls = []
            for tool_calls_item_data in self.tool_calls:
                tool_calls_item = tool_calls_item_data.to_dict()
                tool_calls.append(tool_calls_item)



        tool_call_id: None | str | Unset
        if isinstance(self.tool_call_id, Unset):
            tool_call_id = UNSET
        else:
            tool_call_id = self.tool_call_id

        step_index: int | None | Unset
        if isinstance(self.step_index, Unset):
            step_index = UNSET
        else:
            step_index = self.step_index


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "seq": seq,
            "role": role,
            "content": content,
            "task_id": task_id,
            "partial": partial,
            "created_at": created_at,
        })
        if tool_calls is not UNSET:
            field_dict["tool_calls"] = tool_calls
        if tool_call_id is not UNSET:
            field_dict["tool_call_id"] = tool_call_id
        if step_index is not UNSET:
            field_dict["step_index"] = step_index

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.thread_message_tool_calls_item import ThreadMessageToolCallsItem # noqa: PLC0415
        d = dict(src_dict)
        seq = d.pop("seq")

        role = MessageRole(d.pop("role"))




        content = d.pop("content")

        task_id = UUID(d.pop("task_id"))




        partial = d.pop("partial")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))




        _tool_calls = d.pop("tool_calls", UNSET)
        tool_calls: list[ThreadMessageToolCallsItem] | Unset = UNSET
        if _tool_calls is not UNSET:
            tool_calls = []
            for tool_calls_item_data in _tool_calls:
                tool_calls_item = ThreadMessageToolCallsItem.from_dict(tool_calls_item_data)



                tool_calls.append(tool_calls_item)


        def _parse_tool_call_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        tool_call_id = _parse_tool_call_id(d.pop("tool_call_id", UNSET))


        def _parse_step_index(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        step_index = _parse_step_index(d.pop("step_index", UNSET))


        thread_message = cls(
            seq=seq,
            role=role,
            content=content,
            task_id=task_id,
            partial=partial,
            created_at=created_at,
            tool_calls=tool_calls,
            tool_call_id=tool_call_id,
            step_index=step_index,
        )


        thread_message.additional_properties = d
        return thread_message

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
