from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast






T = TypeVar("T", bound="QueueTarget")



@_attrs_define
class QueueTarget:
    """ A message with this `payload` on `queue`.

        Attributes:
            queue (str):
            payload (Any | Unset):
            concurrency_key (None | str | Unset):
     """

    queue: str
    payload: Any | Unset = UNSET
    concurrency_key: None | str | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        queue = self.queue

        payload = self.payload

        concurrency_key: None | str | Unset
        if isinstance(self.concurrency_key, Unset):
            concurrency_key = UNSET
        else:
            concurrency_key = self.concurrency_key


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "queue": queue,
        })
        if payload is not UNSET:
            field_dict["payload"] = payload
        if concurrency_key is not UNSET:
            field_dict["concurrency_key"] = concurrency_key

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        queue = d.pop("queue")

        payload = d.pop("payload", UNSET)

        def _parse_concurrency_key(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        concurrency_key = _parse_concurrency_key(d.pop("concurrency_key", UNSET))


        queue_target = cls(
            queue=queue,
            payload=payload,
            concurrency_key=concurrency_key,
        )

        return queue_target

