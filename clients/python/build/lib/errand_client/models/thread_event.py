from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast
from uuid import UUID
import datetime

if TYPE_CHECKING:
  from ..models.thread_event_data import ThreadEventData





T = TypeVar("T", bound="ThreadEvent")



@_attrs_define
class ThreadEvent:
    """ One event of a thread's log: an event of one of its tasks, numbered in the thread.

        Attributes:
            thread_seq (int): The event's place in the thread's log, from 1 (the SSE `id:`).
            task_id (UUID): The task the event belongs to.
            seq (int): The event's place in its task's log.
            type_ (str):
            data (ThreadEventData):
            created_at (datetime.datetime):
     """

    thread_seq: int
    task_id: UUID
    seq: int
    type_: str
    data: ThreadEventData
    created_at: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.thread_event_data import ThreadEventData # noqa: PLC0415
        thread_seq = self.thread_seq

        task_id = str(self.task_id)

        seq = self.seq

        type_ = self.type_

        data = self.data.to_dict()

        created_at = self.created_at.isoformat()


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "thread_seq": thread_seq,
            "task_id": task_id,
            "seq": seq,
            "type": type_,
            "data": data,
            "created_at": created_at,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.thread_event_data import ThreadEventData # noqa: PLC0415
        d = dict(src_dict)
        thread_seq = d.pop("thread_seq")

        task_id = UUID(d.pop("task_id"))




        seq = d.pop("seq")

        type_ = d.pop("type")

        data = ThreadEventData.from_dict(d.pop("data"))




        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))




        thread_event = cls(
            thread_seq=thread_seq,
            task_id=task_id,
            seq=seq,
            type_=type_,
            data=data,
            created_at=created_at,
        )


        thread_event.additional_properties = d
        return thread_event

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
