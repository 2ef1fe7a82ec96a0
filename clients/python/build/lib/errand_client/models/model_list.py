from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast

if TYPE_CHECKING:
  from ..models.alias_info import AliasInfo
  from ..models.provider_info import ProviderInfo
  from ..models.tool_info import ToolInfo





T = TypeVar("T", bound="ModelList")



@_attrs_define
class ModelList:
    """ The providers a runner's `model` can name.

        Attributes:
            data (list[ProviderInfo]):
            aliases (list[AliasInfo]): Names usable wherever a model is: the project's own and the server's.
            toolkits (list[ToolInfo]): Tools a runner can list in `toolkits`.
     """

    data: list[ProviderInfo]
    aliases: list[AliasInfo]
    toolkits: list[ToolInfo]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.alias_info import AliasInfo # noqa: PLC0415
        from ..models.provider_info import ProviderInfo # noqa: PLC0415
        from ..models.tool_info import ToolInfo # noqa: PLC0415
        data = []
        for data_item_data in self.data:
            data_item = data_item_data.to_dict()
            data.append(data_item)



        aliases = []
        for aliases_item_data in self.aliases:
            aliases_item = aliases_item_data.to_dict()
            aliases.append(aliases_item)



        toolkits = []
        for toolkits_item_data in self.toolkits:
            toolkits_item = toolkits_item_data.to_dict()
            toolkits.append(toolkits_item)




        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "data": data,
            "aliases": aliases,
            "toolkits": toolkits,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.alias_info import AliasInfo # noqa: PLC0415
        from ..models.provider_info import ProviderInfo # noqa: PLC0415
        from ..models.tool_info import ToolInfo # noqa: PLC0415
        d = dict(src_dict)
        data = []
        _data = d.pop("data")
        for data_item_data in (_data):
            data_item = ProviderInfo.from_dict(data_item_data)



            data.append(data_item)


        aliases = []
        _aliases = d.pop("aliases")
        for aliases_item_data in (_aliases):
            aliases_item = AliasInfo.from_dict(aliases_item_data)



            aliases.append(aliases_item)


        toolkits = []
        _toolkits = d.pop("toolkits")
        for toolkits_item_data in (_toolkits):
            toolkits_item = ToolInfo.from_dict(toolkits_item_data)



            toolkits.append(toolkits_item)


        model_list = cls(
            data=data,
            aliases=aliases,
            toolkits=toolkits,
        )


        model_list.additional_properties = d
        return model_list

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
