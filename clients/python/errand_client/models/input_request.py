from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.input_kind import InputKind
from ..types import UNSET, Unset
from typing import cast
from uuid import UUID
import datetime

if TYPE_CHECKING:
  from ..models.pending_call import PendingCall





T = TypeVar("T", bound="InputRequest")



@_attrs_define
class InputRequest:
    """ What a task asks a person: a question (the `ask_human` tool), or approval of a tool call
    (`kind: approval`, the answer `{"approve": true}`, `{"approve": false, "reason": "…"}` or
    `{"approve": true, "arguments": {…}}` to run it with edited arguments).

        Attributes:
            request_id (UUID): Pass back with the answer.
            question (str):
            tool_call_id (str): The model's tool call that asked.
            step_index (int): The journal step the answer becomes.
            asked_at (datetime.datetime):
            expires_at (datetime.datetime): When the task fails with `input_timeout` if no answer came.
            kind (InputKind | Unset): What a task asks a person.
            schema (Any | Unset):
            answer (Any | Unset):
            answered_at (datetime.datetime | None | Unset):
            task_id (None | Unset | UUID): The task that asked, when it is not this one: a child task (or a child of one) of
                this waiting task. Answer here or on that task.
            tool_call (None | PendingCall | Unset):
     """

    request_id: UUID
    question: str
    tool_call_id: str
    step_index: int
    asked_at: datetime.datetime
    expires_at: datetime.datetime
    kind: InputKind | Unset = UNSET
    schema: Any | Unset = UNSET
    answer: Any | Unset = UNSET
    answered_at: datetime.datetime | None | Unset = UNSET
    task_id: None | Unset | UUID = UNSET
    tool_call: None | PendingCall | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.pending_call import PendingCall # noqa: PLC0415
        request_id = str(self.request_id)

        question = self.question

        tool_call_id = self.tool_call_id

        step_index = self.step_index

        asked_at = self.asked_at.isoformat()

        expires_at = self.expires_at.isoformat()

        kind: str | Unset = UNSET
        if not isinstance(self.kind, Unset):
            kind = self.kind.value


        schema = self.schema

        answer = self.answer

        answered_at: None | str | Unset
        if isinstance(self.answered_at, Unset):
            answered_at = UNSET
        elif isinstance(self.answered_at, datetime.datetime):
            answered_at = self.answered_at.isoformat()
        else:
            answered_at = self.answered_at

        task_id: None | str | Unset
        if isinstance(self.task_id, Unset):
            task_id = UNSET
        elif isinstance(self.task_id, UUID):
            task_id = str(self.task_id)
        else:
            task_id = self.task_id

        tool_call: dict[str, Any] | None | Unset
        if isinstance(self.tool_call, Unset):
            tool_call = UNSET
        elif isinstance(self.tool_call, PendingCall):
            tool_call = self.tool_call.to_dict()
        else:
            tool_call = self.tool_call


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "request_id": request_id,
            "question": question,
            "tool_call_id": tool_call_id,
            "step_index": step_index,
            "asked_at": asked_at,
            "expires_at": expires_at,
        })
        if kind is not UNSET:
            field_dict["kind"] = kind
        if schema is not UNSET:
            field_dict["schema"] = schema
        if answer is not UNSET:
            field_dict["answer"] = answer
        if answered_at is not UNSET:
            field_dict["answered_at"] = answered_at
        if task_id is not UNSET:
            field_dict["task_id"] = task_id
        if tool_call is not UNSET:
            field_dict["tool_call"] = tool_call

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.pending_call import PendingCall # noqa: PLC0415
        d = dict(src_dict)
        request_id = UUID(d.pop("request_id"))




        question = d.pop("question")

        tool_call_id = d.pop("tool_call_id")

        step_index = d.pop("step_index")

        asked_at = datetime.datetime.fromisoformat(d.pop("asked_at"))




        expires_at = datetime.datetime.fromisoformat(d.pop("expires_at"))




        _kind = d.pop("kind", UNSET)
        kind: InputKind | Unset
        if isinstance(_kind,  Unset):
            kind = UNSET
        else:
            kind = InputKind(_kind)




        schema = d.pop("schema", UNSET)

        answer = d.pop("answer", UNSET)

        def _parse_answered_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                answered_at_type_0 = datetime.datetime.fromisoformat(data)



                return answered_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        answered_at = _parse_answered_at(d.pop("answered_at", UNSET))


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


        def _parse_tool_call(data: object) -> None | PendingCall | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                tool_call_type_0 = PendingCall.from_dict(data)



                return tool_call_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | PendingCall | Unset, data)

        tool_call = _parse_tool_call(d.pop("tool_call", UNSET))


        input_request = cls(
            request_id=request_id,
            question=question,
            tool_call_id=tool_call_id,
            step_index=step_index,
            asked_at=asked_at,
            expires_at=expires_at,
            kind=kind,
            schema=schema,
            answer=answer,
            answered_at=answered_at,
            task_id=task_id,
            tool_call=tool_call,
        )


        input_request.additional_properties = d
        return input_request

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
