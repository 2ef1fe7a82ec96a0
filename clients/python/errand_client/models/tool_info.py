from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast

if TYPE_CHECKING:
  from ..models.tool_info_input_schema import ToolInfoInputSchema





T = TypeVar("T", bound="ToolInfo")



@_attrs_define
class ToolInfo:
    """ A tool as `GET /v1/models` lists it.

        Attributes:
            name (str):
            description (str):
            input_schema (ToolInfoInputSchema):
     """

    name: str
    description: str
    input_schema: ToolInfoInputSchema
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.tool_info_input_schema import ToolInfoInputSchema # noqa: PLC0415
        name = self.name

        description = self.description

        input_schema = self.input_schema.to_dict()


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "name": name,
            "description": description,
            "input_schema": input_schema,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.tool_info_input_schema import ToolInfoInputSchema # noqa: PLC0415
        d = dict(src_dict)
        name = d.pop("name")

        description = d.pop("description")

        input_schema = ToolInfoInputSchema.from_dict(d.pop("input_schema"))




        tool_info = cls(
            name=name,
            description=description,
            input_schema=input_schema,
        )


        tool_info.additional_properties = d
        return tool_info

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
