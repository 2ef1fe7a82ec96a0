from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast
import datetime






T = TypeVar("T", bound="Consumers")



@_attrs_define
class Consumers:
    """ Who takes a queue's messages.

        Attributes:
            runners (list[str]): Runners bound to it (`queue` of their current version), by name.
            last_receive_at (datetime.datetime | None | Unset): When an external consumer last called `receive`.
     """

    runners: list[str]
    last_receive_at: datetime.datetime | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        runners = self.runners



        last_receive_at: None | str | Unset
        if isinstance(self.last_receive_at, Unset):
            last_receive_at = UNSET
        elif isinstance(self.last_receive_at, datetime.datetime):
            last_receive_at = self.last_receive_at.isoformat()
        else:
            last_receive_at = self.last_receive_at


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "runners": runners,
        })
        if last_receive_at is not UNSET:
            field_dict["last_receive_at"] = last_receive_at

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        runners = cast(list[str], d.pop("runners"))


        def _parse_last_receive_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                last_receive_at_type_0 = datetime.datetime.fromisoformat(data)



                return last_receive_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        last_receive_at = _parse_last_receive_at(d.pop("last_receive_at", UNSET))


        consumers = cls(
            runners=runners,
            last_receive_at=last_receive_at,
        )


        consumers.additional_properties = d
        return consumers

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
