from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from uuid import UUID






T = TypeVar("T", bound="AckMessage")



@_attrs_define
class AckMessage:
    """ Body of `ack`.

        Attributes:
            receipt (UUID): The `receipt` `receive` gave.
     """

    receipt: UUID





    def to_dict(self) -> dict[str, Any]:
        receipt = str(self.receipt)


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "receipt": receipt,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        receipt = UUID(d.pop("receipt"))




        ack_message = cls(
            receipt=receipt,
        )

        return ack_message

