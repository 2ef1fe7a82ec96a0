from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast
import datetime

if TYPE_CHECKING:
  from ..models.minute_by_status import MinuteByStatus





T = TypeVar("T", bound="Minute")



@_attrs_define
class Minute:
    """ One minute of `TaskStats`.

        Attributes:
            minute (datetime.datetime): The minute's start.
            by_status (MinuteByStatus):
     """

    minute: datetime.datetime
    by_status: MinuteByStatus
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.minute_by_status import MinuteByStatus # noqa: PLC0415
        minute = self.minute.isoformat()

        by_status = self.by_status.to_dict()


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "minute": minute,
            "by_status": by_status,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.minute_by_status import MinuteByStatus # noqa: PLC0415
        d = dict(src_dict)
        minute = datetime.datetime.fromisoformat(d.pop("minute"))




        by_status = MinuteByStatus.from_dict(d.pop("by_status"))




        minute = cls(
            minute=minute,
            by_status=by_status,
        )


        minute.additional_properties = d
        return minute

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
