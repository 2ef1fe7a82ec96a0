from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset







T = TypeVar("T", bound="QueueDepth")



@_attrs_define
class QueueDepth:
    """ Messages of a queue by status (done ones are not counted).

        Attributes:
            pending (int): Waiting, due or not.
            delayed (int): Of those, not due yet (`run_after` in the future).
            leased (int):
            running (int):
            dead (int):
     """

    pending: int
    delayed: int
    leased: int
    running: int
    dead: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        pending = self.pending

        delayed = self.delayed

        leased = self.leased

        running = self.running

        dead = self.dead


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "pending": pending,
            "delayed": delayed,
            "leased": leased,
            "running": running,
            "dead": dead,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        pending = d.pop("pending")

        delayed = d.pop("delayed")

        leased = d.pop("leased")

        running = d.pop("running")

        dead = d.pop("dead")

        queue_depth = cls(
            pending=pending,
            delayed=delayed,
            leased=leased,
            running=running,
            dead=dead,
        )


        queue_depth.additional_properties = d
        return queue_depth

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
