from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast

if TYPE_CHECKING:
  from ..models.openai_tool_function import OpenaiToolFunction





T = TypeVar("T", bound="OpenaiTool")



@_attrs_define
class OpenaiTool:
    """ An entry of OpenAI's `tools` array: `{"type": "function", "function": {...}}`.

        Attributes:
            type_ (str):  Example: function.
            function (OpenaiToolFunction):
     """

    type_: str
    function: OpenaiToolFunction
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.openai_tool_function import OpenaiToolFunction # noqa: PLC0415
        type_ = self.type_

        function = self.function.to_dict()


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "type": type_,
            "function": function,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.openai_tool_function import OpenaiToolFunction # noqa: PLC0415
        d = dict(src_dict)
        type_ = d.pop("type")

        function = OpenaiToolFunction.from_dict(d.pop("function"))




        openai_tool = cls(
            type_=type_,
            function=function,
        )


        openai_tool.additional_properties = d
        return openai_tool

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
