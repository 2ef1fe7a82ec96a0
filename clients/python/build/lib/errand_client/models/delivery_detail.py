from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast
from uuid import UUID
import datetime

if TYPE_CHECKING:
  from ..models.attempt import Attempt





T = TypeVar("T", bound="DeliveryDetail")



@_attrs_define
class DeliveryDetail:
    """ A delivery with every try.

        Attributes:
            id (UUID): Also its `webhook-id` header, as `msg_` and this id without dashes: the same on every
                try, so a receiver can drop a repeat.
            event_type (str):
            payload (Any):
            status (str): `pending` (waiting for its next try), `sending`, `succeeded`, or `failed` (given up,
                or its endpoint disabled).
            attempts (int):
            next_attempt_at (datetime.datetime):
            created_at (datetime.datetime):
            attempt_log (list[Attempt]):
            last_status_code (int | None | Unset):
            last_error (None | str | Unset):
            delivered_at (datetime.datetime | None | Unset):
     """

    id: UUID
    event_type: str
    payload: Any
    status: str
    attempts: int
    next_attempt_at: datetime.datetime
    created_at: datetime.datetime
    attempt_log: list[Attempt]
    last_status_code: int | None | Unset = UNSET
    last_error: None | str | Unset = UNSET
    delivered_at: datetime.datetime | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.attempt import Attempt # noqa: PLC0415
        id = str(self.id)

        event_type = self.event_type

        payload = self.payload

        status = self.status

        attempts = self.attempts

        next_attempt_at = self.next_attempt_at.isoformat()

        created_at = self.created_at.isoformat()

        attempt_log = []
        for attempt_log_item_data in self.attempt_log:
            attempt_log_item = attempt_log_item_data.to_dict()
            attempt_log.append(attempt_log_item)



        last_status_code: int | None | Unset
        if isinstance(self.last_status_code, Unset):
            last_status_code = UNSET
        else:
            last_status_code = self.last_status_code

        last_error: None | str | Unset
        if isinstance(self.last_error, Unset):
            last_error = UNSET
        else:
            last_error = self.last_error

        delivered_at: None | str | Unset
        if isinstance(self.delivered_at, Unset):
            delivered_at = UNSET
        elif isinstance(self.delivered_at, datetime.datetime):
            delivered_at = self.delivered_at.isoformat()
        else:
            delivered_at = self.delivered_at


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "id": id,
            "event_type": event_type,
            "payload": payload,
            "status": status,
            "attempts": attempts,
            "next_attempt_at": next_attempt_at,
            "created_at": created_at,
            "attempt_log": attempt_log,
        })
        if last_status_code is not UNSET:
            field_dict["last_status_code"] = last_status_code
        if last_error is not UNSET:
            field_dict["last_error"] = last_error
        if delivered_at is not UNSET:
            field_dict["delivered_at"] = delivered_at

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.attempt import Attempt # noqa: PLC0415
        d = dict(src_dict)
        id = UUID(d.pop("id"))




        event_type = d.pop("event_type")

        payload = d.pop("payload")

        status = d.pop("status")

        attempts = d.pop("attempts")

        next_attempt_at = datetime.datetime.fromisoformat(d.pop("next_attempt_at"))




        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))




        attempt_log = []
        _attempt_log = d.pop("attempt_log")
        for attempt_log_item_data in (_attempt_log):
            attempt_log_item = Attempt.from_dict(attempt_log_item_data)



            attempt_log.append(attempt_log_item)


        def _parse_last_status_code(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        last_status_code = _parse_last_status_code(d.pop("last_status_code", UNSET))


        def _parse_last_error(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        last_error = _parse_last_error(d.pop("last_error", UNSET))


        def _parse_delivered_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                delivered_at_type_0 = datetime.datetime.fromisoformat(data)



                return delivered_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        delivered_at = _parse_delivered_at(d.pop("delivered_at", UNSET))


        delivery_detail = cls(
            id=id,
            event_type=event_type,
            payload=payload,
            status=status,
            attempts=attempts,
            next_attempt_at=next_attempt_at,
            created_at=created_at,
            attempt_log=attempt_log,
            last_status_code=last_status_code,
            last_error=last_error,
            delivered_at=delivered_at,
        )


        delivery_detail.additional_properties = d
        return delivery_detail

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
