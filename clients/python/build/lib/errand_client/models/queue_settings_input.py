from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast






T = TypeVar("T", bound="QueueSettingsInput")



@_attrs_define
class QueueSettingsInput:
    """ Body of `PUT /v1/queues/{name}`: the queue's settings (omitted ones keep their value,
    or the default for a new queue).

        Attributes:
            concurrency_limit (int | None | Unset):
            visibility_timeout_seconds (int | None | Unset):
            max_deliveries (int | None | Unset):
     """

    concurrency_limit: int | None | Unset = UNSET
    visibility_timeout_seconds: int | None | Unset = UNSET
    max_deliveries: int | None | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        concurrency_limit: int | None | Unset
        if isinstance(self.concurrency_limit, Unset):
            concurrency_limit = UNSET
        else:
            concurrency_limit = self.concurrency_limit

        visibility_timeout_seconds: int | None | Unset
        if isinstance(self.visibility_timeout_seconds, Unset):
            visibility_timeout_seconds = UNSET
        else:
            visibility_timeout_seconds = self.visibility_timeout_seconds

        max_deliveries: int | None | Unset
        if isinstance(self.max_deliveries, Unset):
            max_deliveries = UNSET
        else:
            max_deliveries = self.max_deliveries


        field_dict: dict[str, Any] = {}

        field_dict.update({
        })
        if concurrency_limit is not UNSET:
            field_dict["concurrency_limit"] = concurrency_limit
        if visibility_timeout_seconds is not UNSET:
            field_dict["visibility_timeout_seconds"] = visibility_timeout_seconds
        if max_deliveries is not UNSET:
            field_dict["max_deliveries"] = max_deliveries

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        def _parse_concurrency_limit(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        concurrency_limit = _parse_concurrency_limit(d.pop("concurrency_limit", UNSET))


        def _parse_visibility_timeout_seconds(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        visibility_timeout_seconds = _parse_visibility_timeout_seconds(d.pop("visibility_timeout_seconds", UNSET))


        def _parse_max_deliveries(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        max_deliveries = _parse_max_deliveries(d.pop("max_deliveries", UNSET))


        queue_settings_input = cls(
            concurrency_limit=concurrency_limit,
            visibility_timeout_seconds=visibility_timeout_seconds,
            max_deliveries=max_deliveries,
        )

        return queue_settings_input

