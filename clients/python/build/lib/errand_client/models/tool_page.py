from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.mcp_tool import McpTool
  from ..models.openai_tool import OpenaiTool
  from ..models.tool_entry import ToolEntry





T = TypeVar("T", bound="ToolPage")



@_attrs_define
class ToolPage:
    """ One page of tools, by name.

        Attributes:
            data (list[McpTool | OpenaiTool | ToolEntry]): In the `format` asked for.
            next_cursor (None | str | Unset):
     """

    data: list[McpTool | OpenaiTool | ToolEntry]
    next_cursor: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.mcp_tool import McpTool # noqa: PLC0415
        from ..models.openai_tool import OpenaiTool # noqa: PLC0415
        from ..models.tool_entry import ToolEntry # noqa: PLC0415
        data = []
        for data_item_data in self.data:
            data_item: dict[str, Any]
            if isinstance(data_item_data, ToolEntry):
                data_item = data_item_data.to_dict()
            elif isinstance(data_item_data, OpenaiTool):
                data_item = data_item_data.to_dict()
            else:
                data_item = data_item_data.to_dict()

            data.append(data_item)



        next_cursor: None | str | Unset
        if isinstance(self.next_cursor, Unset):
            next_cursor = UNSET
        else:
            next_cursor = self.next_cursor


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "data": data,
        })
        if next_cursor is not UNSET:
            field_dict["next_cursor"] = next_cursor

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.mcp_tool import McpTool # noqa: PLC0415
        from ..models.openai_tool import OpenaiTool # noqa: PLC0415
        from ..models.tool_entry import ToolEntry # noqa: PLC0415
        d = dict(src_dict)
        data = []
        _data = d.pop("data")
        for data_item_data in (_data):
            def _parse_data_item(data: object) -> McpTool | OpenaiTool | ToolEntry:
                try:
                    if not isinstance(data, dict):
                        raise TypeError()
                    componentsschemas_listed_tool_type_0 = ToolEntry.from_dict(data)



                    return componentsschemas_listed_tool_type_0
                except (TypeError, ValueError, AttributeError, KeyError):
                    pass
                try:
                    if not isinstance(data, dict):
                        raise TypeError()
                    componentsschemas_listed_tool_type_1 = OpenaiTool.from_dict(data)



                    return componentsschemas_listed_tool_type_1
                except (TypeError, ValueError, AttributeError, KeyError):
                    pass
                if not isinstance(data, dict):
                    raise TypeError()
                componentsschemas_listed_tool_type_2 = McpTool.from_dict(data)



                return componentsschemas_listed_tool_type_2

            data_item = _parse_data_item(data_item_data)

            data.append(data_item)


        def _parse_next_cursor(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        next_cursor = _parse_next_cursor(d.pop("next_cursor", UNSET))


        tool_page = cls(
            data=data,
            next_cursor=next_cursor,
        )


        tool_page.additional_properties = d
        return tool_page

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
