from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast
from uuid import UUID






T = TypeVar("T", bound="NackMessage")



@_attrs_define
class NackMessage:
    """ Body of `nack`: the message goes back to the queue (or is dead-lettered after
    `max_deliveries`).

        Attributes:
            receipt (UUID):
            delay_seconds (int | None | Unset): Wait this long before handing it out again; default: exponential back-off
                (`queues.nack_backoff_seconds` doubled per delivery, at most
                `queues.nack_backoff_max_seconds`).
            reason (None | str | Unset): Why, kept in the message's `last_error`.
     """

    receipt: UUID
    delay_seconds: int | None | Unset = UNSET
    reason: None | str | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        receipt = str(self.receipt)

        delay_seconds: int | None | Unset
        if isinstance(self.delay_seconds, Unset):
            delay_seconds = UNSET
        else:
            delay_seconds = self.delay_seconds

        reason: None | str | Unset
        if isinstance(self.reason, Unset):
            reason = UNSET
        else:
            reason = self.reason


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "receipt": receipt,
        })
        if delay_seconds is not UNSET:
            field_dict["delay_seconds"] = delay_seconds
        if reason is not UNSET:
            field_dict["reason"] = reason

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        receipt = UUID(d.pop("receipt"))




        def _parse_delay_seconds(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        delay_seconds = _parse_delay_seconds(d.pop("delay_seconds", UNSET))


        def _parse_reason(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        reason = _parse_reason(d.pop("reason", UNSET))


        nack_message = cls(
            receipt=receipt,
            delay_seconds=delay_seconds,
            reason=reason,
        )

        return nack_message

