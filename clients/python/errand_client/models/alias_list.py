from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast

if TYPE_CHECKING:
  from ..models.alias_info import AliasInfo
  from ..models.alias_list_aliases import AliasListAliases





T = TypeVar("T", bound="AliasList")



@_attrs_define
class AliasList:
    """ The project's model aliases, and every alias in force.

        Attributes:
            aliases (AliasListAliases): The project's own: alias name → model.
            in_force (list[AliasInfo]): The project's and the server's (`[models.aliases]`) it does not override.
     """

    aliases: AliasListAliases
    in_force: list[AliasInfo]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.alias_info import AliasInfo # noqa: PLC0415
        from ..models.alias_list_aliases import AliasListAliases # noqa: PLC0415
        aliases = self.aliases.to_dict()

        in_force = []
        for in_force_item_data in self.in_force:
            in_force_item = in_force_item_data.to_dict()
            in_force.append(in_force_item)




        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "aliases": aliases,
            "in_force": in_force,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.alias_info import AliasInfo # noqa: PLC0415
        from ..models.alias_list_aliases import AliasListAliases # noqa: PLC0415
        d = dict(src_dict)
        aliases = AliasListAliases.from_dict(d.pop("aliases"))




        in_force = []
        _in_force = d.pop("in_force")
        for in_force_item_data in (_in_force):
            in_force_item = AliasInfo.from_dict(in_force_item_data)



            in_force.append(in_force_item)


        alias_list = cls(
            aliases=aliases,
            in_force=in_force,
        )


        alias_list.additional_properties = d
        return alias_list

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
