from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast

if TYPE_CHECKING:
  from ..models.secret_ref import SecretRef





T = TypeVar("T", bound="HttpToolDefHeaders")



@_attrs_define
class HttpToolDefHeaders:
    

    additional_properties: dict[str, SecretRef | str] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.secret_ref import SecretRef # noqa: PLC0415
        
        field_dict: dict[str, Any] = {}
        for prop_name, prop in self.additional_properties.items():
            
            if isinstance(prop, SecretRef):
                field_dict[prop_name] = prop.to_dict()
            else:
                field_dict[prop_name] = prop


        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.secret_ref import SecretRef # noqa: PLC0415
        d = dict(src_dict)
        http_tool_def_headers = cls(
        )


        additional_properties = {}
        for prop_name, prop_dict in d.items():
            def _parse_additional_property(data: object) -> SecretRef | str:
                try:
                    if not isinstance(data, dict):
                        raise TypeError()
                    componentsschemas_header_value_type_1 = SecretRef.from_dict(data)



                    return componentsschemas_header_value_type_1
                except (TypeError, ValueError, AttributeError, KeyError):
                    pass
                return cast(SecretRef | str, data)

            additional_property = _parse_additional_property(prop_dict)

            additional_properties[prop_name] = additional_property

        http_tool_def_headers.additional_properties = additional_properties
        return http_tool_def_headers

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> SecretRef | str:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: SecretRef | str) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
