from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.http_method import HttpMethod
from ..types import UNSET, Unset
from typing import cast
import datetime

if TYPE_CHECKING:
  from ..models.http_tool_def_headers import HttpToolDefHeaders
  from ..models.http_tool_def_input_schema_type_0 import HttpToolDefInputSchemaType0
  from ..models.http_tool_def_output_schema_type_0 import HttpToolDefOutputSchemaType0





T = TypeVar("T", bound="HttpToolDef")



@_attrs_define
class HttpToolDef:
    """ A registered HTTP tool, as stored and shown (secrets by name only).

        Attributes:
            name (str):
            description (str):
            input_schema (bool | HttpToolDefInputSchemaType0): A JSON Schema (draft 4, 6, 7, 2019-09 or 2020-12)
            url (str):
            method (HttpMethod): The HTTP method a call uses: `GET` and `DELETE` send the arguments as query
                parameters, the others as a JSON body.
            headers (HttpToolDefHeaders):
            timeout_seconds (int):
            read_only (bool):
            version (int): Starts at 1; every `PUT` adds one.
            created_at (datetime.datetime):
            updated_at (datetime.datetime):
            output_schema (bool | HttpToolDefOutputSchemaType0 | None | Unset): A JSON Schema (draft 4, 6, 7, 2019-09 or
                2020-12), or null
     """

    name: str
    description: str
    input_schema: bool | HttpToolDefInputSchemaType0
    url: str
    method: HttpMethod
    headers: HttpToolDefHeaders
    timeout_seconds: int
    read_only: bool
    version: int
    created_at: datetime.datetime
    updated_at: datetime.datetime
    output_schema: bool | HttpToolDefOutputSchemaType0 | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.http_tool_def_headers import HttpToolDefHeaders # noqa: PLC0415
        from ..models.http_tool_def_input_schema_type_0 import HttpToolDefInputSchemaType0 # noqa: PLC0415
        from ..models.http_tool_def_output_schema_type_0 import HttpToolDefOutputSchemaType0 # noqa: PLC0415
        name = self.name

        description = self.description

        input_schema: bool | dict[str, Any]
        if isinstance(self.input_schema, HttpToolDefInputSchemaType0):
            input_schema = self.input_schema.to_dict()
        else:
            input_schema = self.input_schema

        url = self.url

        method = self.method.value

        headers = self.headers.to_dict()

        timeout_seconds = self.timeout_seconds

        read_only = self.read_only

        version = self.version

        created_at = self.created_at.isoformat()

        updated_at = self.updated_at.isoformat()

        output_schema: bool | dict[str, Any] | None | Unset
        if isinstance(self.output_schema, Unset):
            output_schema = UNSET
        elif isinstance(self.output_schema, HttpToolDefOutputSchemaType0):
            output_schema = self.output_schema.to_dict()
        else:
            output_schema = self.output_schema


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "name": name,
            "description": description,
            "input_schema": input_schema,
            "url": url,
            "method": method,
            "headers": headers,
            "timeout_seconds": timeout_seconds,
            "read_only": read_only,
            "version": version,
            "created_at": created_at,
            "updated_at": updated_at,
        })
        if output_schema is not UNSET:
            field_dict["output_schema"] = output_schema

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.http_tool_def_headers import HttpToolDefHeaders # noqa: PLC0415
        from ..models.http_tool_def_input_schema_type_0 import HttpToolDefInputSchemaType0 # noqa: PLC0415
        from ..models.http_tool_def_output_schema_type_0 import HttpToolDefOutputSchemaType0 # noqa: PLC0415
        d = dict(src_dict)
        name = d.pop("name")

        description = d.pop("description")

        def _parse_input_schema(data: object) -> bool | HttpToolDefInputSchemaType0:
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                input_schema_type_0 = HttpToolDefInputSchemaType0.from_dict(data)



                return input_schema_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(bool | HttpToolDefInputSchemaType0, data)

        input_schema = _parse_input_schema(d.pop("input_schema"))


        url = d.pop("url")

        method = HttpMethod(d.pop("method"))




        headers = HttpToolDefHeaders.from_dict(d.pop("headers"))




        timeout_seconds = d.pop("timeout_seconds")

        read_only = d.pop("read_only")

        version = d.pop("version")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))




        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))




        def _parse_output_schema(data: object) -> bool | HttpToolDefOutputSchemaType0 | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                output_schema_type_0 = HttpToolDefOutputSchemaType0.from_dict(data)



                return output_schema_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(bool | HttpToolDefOutputSchemaType0 | None | Unset, data)

        output_schema = _parse_output_schema(d.pop("output_schema", UNSET))


        http_tool_def = cls(
            name=name,
            description=description,
            input_schema=input_schema,
            url=url,
            method=method,
            headers=headers,
            timeout_seconds=timeout_seconds,
            read_only=read_only,
            version=version,
            created_at=created_at,
            updated_at=updated_at,
            output_schema=output_schema,
        )


        http_tool_def.additional_properties = d
        return http_tool_def

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
