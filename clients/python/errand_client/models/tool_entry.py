from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.tool_kind import ToolKind
from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.http_tool_def import HttpToolDef
  from ..models.tool_entry_input_schema_type_0 import ToolEntryInputSchemaType0
  from ..models.tool_entry_output_schema_type_0 import ToolEntryOutputSchemaType0





T = TypeVar("T", bound="ToolEntry")



@_attrs_define
class ToolEntry:
    """ A tool as Errand lists it.

        Attributes:
            name (str):
            kind (ToolKind): What kind of tool it is.
            description (str):
            input_schema (bool | ToolEntryInputSchemaType0): A JSON Schema (draft 4, 6, 7, 2019-09 or 2020-12)
            read_only (bool): Calling it changes nothing outside Errand (for a runner: none of its tools, nor its
                runners' tools, can).
            output_schema (bool | None | ToolEntryOutputSchemaType0 | Unset): A JSON Schema (draft 4, 6, 7, 2019-09 or
                2020-12), or null
            http (HttpToolDef | None | Unset):
            runner (None | str | Unset): A runner tool's runner.
     """

    name: str
    kind: ToolKind
    description: str
    input_schema: bool | ToolEntryInputSchemaType0
    read_only: bool
    output_schema: bool | None | ToolEntryOutputSchemaType0 | Unset = UNSET
    http: HttpToolDef | None | Unset = UNSET
    runner: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.http_tool_def import HttpToolDef # noqa: PLC0415
        from ..models.tool_entry_input_schema_type_0 import ToolEntryInputSchemaType0 # noqa: PLC0415
        from ..models.tool_entry_output_schema_type_0 import ToolEntryOutputSchemaType0 # noqa: PLC0415
        name = self.name

        kind = self.kind.value

        description = self.description

        input_schema: bool | dict[str, Any]
        if isinstance(self.input_schema, ToolEntryInputSchemaType0):
            input_schema = self.input_schema.to_dict()
        else:
            input_schema = self.input_schema

        read_only = self.read_only

        output_schema: bool | dict[str, Any] | None | Unset
        if isinstance(self.output_schema, Unset):
            output_schema = UNSET
        elif isinstance(self.output_schema, ToolEntryOutputSchemaType0):
            output_schema = self.output_schema.to_dict()
        else:
            output_schema = self.output_schema

        http: dict[str, Any] | None | Unset
        if isinstance(self.http, Unset):
            http = UNSET
        elif isinstance(self.http, HttpToolDef):
            http = self.http.to_dict()
        else:
            http = self.http

        runner: None | str | Unset
        if isinstance(self.runner, Unset):
            runner = UNSET
        else:
            runner = self.runner


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "name": name,
            "kind": kind,
            "description": description,
            "input_schema": input_schema,
            "read_only": read_only,
        })
        if output_schema is not UNSET:
            field_dict["output_schema"] = output_schema
        if http is not UNSET:
            field_dict["http"] = http
        if runner is not UNSET:
            field_dict["runner"] = runner

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.http_tool_def import HttpToolDef # noqa: PLC0415
        from ..models.tool_entry_input_schema_type_0 import ToolEntryInputSchemaType0 # noqa: PLC0415
        from ..models.tool_entry_output_schema_type_0 import ToolEntryOutputSchemaType0 # noqa: PLC0415
        d = dict(src_dict)
        name = d.pop("name")

        kind = ToolKind(d.pop("kind"))




        description = d.pop("description")

        def _parse_input_schema(data: object) -> bool | ToolEntryInputSchemaType0:
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                input_schema_type_0 = ToolEntryInputSchemaType0.from_dict(data)



                return input_schema_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(bool | ToolEntryInputSchemaType0, data)

        input_schema = _parse_input_schema(d.pop("input_schema"))


        read_only = d.pop("read_only")

        def _parse_output_schema(data: object) -> bool | None | ToolEntryOutputSchemaType0 | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                output_schema_type_0 = ToolEntryOutputSchemaType0.from_dict(data)



                return output_schema_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(bool | None | ToolEntryOutputSchemaType0 | Unset, data)

        output_schema = _parse_output_schema(d.pop("output_schema", UNSET))


        def _parse_http(data: object) -> HttpToolDef | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                http_type_0 = HttpToolDef.from_dict(data)



                return http_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(HttpToolDef | None | Unset, data)

        http = _parse_http(d.pop("http", UNSET))


        def _parse_runner(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        runner = _parse_runner(d.pop("runner", UNSET))


        tool_entry = cls(
            name=name,
            kind=kind,
            description=description,
            input_schema=input_schema,
            read_only=read_only,
            output_schema=output_schema,
            http=http,
            runner=runner,
        )


        tool_entry.additional_properties = d
        return tool_entry

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
