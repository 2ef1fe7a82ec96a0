from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.http_method import HttpMethod
from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.http_tool_input_headers import HttpToolInputHeaders
  from ..models.http_tool_input_input_schema import HttpToolInputInputSchema
  from ..models.http_tool_input_output_schema_type_0 import HttpToolInputOutputSchemaType0





T = TypeVar("T", bound="HttpToolInput")



@_attrs_define
class HttpToolInput:
    """ Body of `POST /v1/tools` and `PUT /v1/tools/{name}`.

        Attributes:
            url (str): The http(s) URL called; it passes the outbound guard on every call. Example:
                https://api.example.com/lookup.
            description (str | Unset): What the tool does, for the model (and people).
            input_schema (HttpToolInputInputSchema | Unset): A JSON Schema of an object (`"type": "object"`)
            output_schema (bool | HttpToolInputOutputSchemaType0 | None | Unset): A JSON Schema (draft 4, 6, 7, 2019-09 or
                2020-12), or null
            method (HttpMethod | Unset): The HTTP method a call uses: `GET` and `DELETE` send the arguments as query
                parameters, the others as a JSON body.
            headers (HttpToolInputHeaders | Unset): Sent with every call; a `{"secret": "name"}` value comes from the
                server's
                `tools.secrets`.
            timeout_seconds (int | Unset): Limit of one call. Example: 30.
            read_only (bool | Unset): Calling it changes nothing: a `read_only` task may use it.
     """

    url: str
    description: str | Unset = UNSET
    input_schema: HttpToolInputInputSchema | Unset = UNSET
    output_schema: bool | HttpToolInputOutputSchemaType0 | None | Unset = UNSET
    method: HttpMethod | Unset = UNSET
    headers: HttpToolInputHeaders | Unset = UNSET
    timeout_seconds: int | Unset = UNSET
    read_only: bool | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        from ..models.http_tool_input_headers import HttpToolInputHeaders # noqa: PLC0415
        from ..models.http_tool_input_input_schema import HttpToolInputInputSchema # noqa: PLC0415
        from ..models.http_tool_input_output_schema_type_0 import HttpToolInputOutputSchemaType0 # noqa: PLC0415
        url = self.url

        description = self.description

        input_schema: dict[str, Any] | Unset = UNSET
        if not isinstance(self.input_schema, Unset):
            input_schema = self.input_schema.to_dict()

        output_schema: bool | dict[str, Any] | None | Unset
        if isinstance(self.output_schema, Unset):
            output_schema = UNSET
        elif isinstance(self.output_schema, HttpToolInputOutputSchemaType0):
            output_schema = self.output_schema.to_dict()
        else:
            output_schema = self.output_schema

        method: str | Unset = UNSET
        if not isinstance(self.method, Unset):
            method = self.method.value


        headers: dict[str, Any] | Unset = UNSET
        if not isinstance(self.headers, Unset):
            headers = self.headers.to_dict()

        timeout_seconds = self.timeout_seconds

        read_only = self.read_only


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "url": url,
        })
        if description is not UNSET:
            field_dict["description"] = description
        if input_schema is not UNSET:
            field_dict["input_schema"] = input_schema
        if output_schema is not UNSET:
            field_dict["output_schema"] = output_schema
        if method is not UNSET:
            field_dict["method"] = method
        if headers is not UNSET:
            field_dict["headers"] = headers
        if timeout_seconds is not UNSET:
            field_dict["timeout_seconds"] = timeout_seconds
        if read_only is not UNSET:
            field_dict["read_only"] = read_only

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.http_tool_input_headers import HttpToolInputHeaders # noqa: PLC0415
        from ..models.http_tool_input_input_schema import HttpToolInputInputSchema # noqa: PLC0415
        from ..models.http_tool_input_output_schema_type_0 import HttpToolInputOutputSchemaType0 # noqa: PLC0415
        d = dict(src_dict)
        url = d.pop("url")

        description = d.pop("description", UNSET)

        _input_schema = d.pop("input_schema", UNSET)
        input_schema: HttpToolInputInputSchema | Unset
        if isinstance(_input_schema,  Unset):
            input_schema = UNSET
        else:
            input_schema = HttpToolInputInputSchema.from_dict(_input_schema)




        def _parse_output_schema(data: object) -> bool | HttpToolInputOutputSchemaType0 | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                output_schema_type_0 = HttpToolInputOutputSchemaType0.from_dict(data)



                return output_schema_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(bool | HttpToolInputOutputSchemaType0 | None | Unset, data)

        output_schema = _parse_output_schema(d.pop("output_schema", UNSET))


        _method = d.pop("method", UNSET)
        method: HttpMethod | Unset
        if isinstance(_method,  Unset):
            method = UNSET
        else:
            method = HttpMethod(_method)




        _headers = d.pop("headers", UNSET)
        headers: HttpToolInputHeaders | Unset
        if isinstance(_headers,  Unset):
            headers = UNSET
        else:
            headers = HttpToolInputHeaders.from_dict(_headers)




        timeout_seconds = d.pop("timeout_seconds", UNSET)

        read_only = d.pop("read_only", UNSET)

        http_tool_input = cls(
            url=url,
            description=description,
            input_schema=input_schema,
            output_schema=output_schema,
            method=method,
            headers=headers,
            timeout_seconds=timeout_seconds,
            read_only=read_only,
        )

        return http_tool_input

