from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast

if TYPE_CHECKING:
  from ..models.alias_set_aliases import AliasSetAliases





T = TypeVar("T", bound="AliasSet")



@_attrs_define
class AliasSet:
    """ Body of `PUT /v1/models/aliases`, and the project's part of its answer.

        Attributes:
            aliases (AliasSetAliases):
     """

    aliases: AliasSetAliases





    def to_dict(self) -> dict[str, Any]:
        from ..models.alias_set_aliases import AliasSetAliases # noqa: PLC0415
        aliases = self.aliases.to_dict()


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "aliases": aliases,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.alias_set_aliases import AliasSetAliases # noqa: PLC0415
        d = dict(src_dict)
        aliases = AliasSetAliases.from_dict(d.pop("aliases"))




        alias_set = cls(
            aliases=aliases,
        )

        return alias_set

