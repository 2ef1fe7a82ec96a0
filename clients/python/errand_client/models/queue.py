from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast
import datetime

if TYPE_CHECKING:
  from ..models.consumers import Consumers
  from ..models.queue_depth import QueueDepth





T = TypeVar("T", bound="Queue")



@_attrs_define
class Queue:
    """ A queue with its depth and consumers.

        Attributes:
            name (str):
            concurrency_limit (int): Messages worked on at once per `concurrency_key` (tasks running or leases held).
            visibility_timeout_seconds (int): How long a received message stays leased without an ack or nack.
            max_deliveries (int): Deliveries before a message is dead-lettered.
            depth (QueueDepth): Messages of a queue by status (done ones are not counted).
            consumers (Consumers): Who takes a queue's messages.
            created_at (datetime.datetime):
            oldest_pending_age_seconds (float | None | Unset): How long the longest-waiting due message has waited (since it
                was posted, or since
                its `run_after` if later), in seconds; `null` when none is due.
     """

    name: str
    concurrency_limit: int
    visibility_timeout_seconds: int
    max_deliveries: int
    depth: QueueDepth
    consumers: Consumers
    created_at: datetime.datetime
    oldest_pending_age_seconds: float | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.consumers import Consumers # noqa: PLC0415
        from ..models.queue_depth import QueueDepth # noqa: PLC0415
        name = self.name

        concurrency_limit = self.concurrency_limit

        visibility_timeout_seconds = self.visibility_timeout_seconds

        max_deliveries = self.max_deliveries

        depth = self.depth.to_dict()

        consumers = self.consumers.to_dict()

        created_at = self.created_at.isoformat()

        oldest_pending_age_seconds: float | None | Unset
        if isinstance(self.oldest_pending_age_seconds, Unset):
            oldest_pending_age_seconds = UNSET
        else:
            oldest_pending_age_seconds = self.oldest_pending_age_seconds


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "name": name,
            "concurrency_limit": concurrency_limit,
            "visibility_timeout_seconds": visibility_timeout_seconds,
            "max_deliveries": max_deliveries,
            "depth": depth,
            "consumers": consumers,
            "created_at": created_at,
        })
        if oldest_pending_age_seconds is not UNSET:
            field_dict["oldest_pending_age_seconds"] = oldest_pending_age_seconds

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.consumers import Consumers # noqa: PLC0415
        from ..models.queue_depth import QueueDepth # noqa: PLC0415
        d = dict(src_dict)
        name = d.pop("name")

        concurrency_limit = d.pop("concurrency_limit")

        visibility_timeout_seconds = d.pop("visibility_timeout_seconds")

        max_deliveries = d.pop("max_deliveries")

        depth = QueueDepth.from_dict(d.pop("depth"))




        consumers = Consumers.from_dict(d.pop("consumers"))




        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))




        def _parse_oldest_pending_age_seconds(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        oldest_pending_age_seconds = _parse_oldest_pending_age_seconds(d.pop("oldest_pending_age_seconds", UNSET))


        queue = cls(
            name=name,
            concurrency_limit=concurrency_limit,
            visibility_timeout_seconds=visibility_timeout_seconds,
            max_deliveries=max_deliveries,
            depth=depth,
            consumers=consumers,
            created_at=created_at,
            oldest_pending_age_seconds=oldest_pending_age_seconds,
        )


        queue.additional_properties = d
        return queue

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
