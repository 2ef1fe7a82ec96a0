from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset







T = TypeVar("T", bound="SseFrame")



@_attrs_define
class SseFrame:
    """ One frame of a task's Server-Sent Events stream.

        Attributes:
            id (str): The event's `seq`: send it back as `Last-Event-ID` to resume after it.
            event (str): The event's type (`task.queued`, `message.delta`, …, a terminal `task.*`).
            data (str): The event as JSON, as `GET /v1/tasks/{id}/events` lists it (`seq`, `type`, `data`,
                `created_at`).
     """

    id: str
    event: str
    data: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        id = self.id

        event = self.event

        data = self.data


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "id": id,
            "event": event,
            "data": data,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = d.pop("id")

        event = d.pop("event")

        data = d.pop("data")

        sse_frame = cls(
            id=id,
            event=event,
            data=data,
        )


        sse_frame.additional_properties = d
        return sse_frame

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
