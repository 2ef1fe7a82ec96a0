from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast
from uuid import UUID
import datetime






T = TypeVar("T", bound="StoredFile")



@_attrs_define
class StoredFile:
    """ A file with its content.

        Attributes:
            path (str):  Example: reports/2026-12-04.md.
            content (str): The text (a `.json` file's is JSON text).
            content_type (str): From the extension: `application/json`, `text/markdown`, `text/csv`, `text/html`
                or `text/plain`.
            size_bytes (int): Bytes of `content` in UTF-8.
            created_at (datetime.datetime):
            updated_at (datetime.datetime):
            task_id (None | Unset | UUID): The task whose model wrote it last; `null` when written over the API.
     """

    path: str
    content: str
    content_type: str
    size_bytes: int
    created_at: datetime.datetime
    updated_at: datetime.datetime
    task_id: None | Unset | UUID = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        path = self.path

        content = self.content

        content_type = self.content_type

        size_bytes = self.size_bytes

        created_at = self.created_at.isoformat()

        updated_at = self.updated_at.isoformat()

        task_id: None | str | Unset
        if isinstance(self.task_id, Unset):
            task_id = UNSET
        elif isinstance(self.task_id, UUID):
            task_id = str(self.task_id)
        else:
            task_id = self.task_id


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "path": path,
            "content": content,
            "content_type": content_type,
            "size_bytes": size_bytes,
            "created_at": created_at,
            "updated_at": updated_at,
        })
        if task_id is not UNSET:
            field_dict["task_id"] = task_id

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        path = d.pop("path")

        content = d.pop("content")

        content_type = d.pop("content_type")

        size_bytes = d.pop("size_bytes")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))




        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))




        def _parse_task_id(data: object) -> None | Unset | UUID:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                task_id_type_0 = UUID(data)



                return task_id_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Unset | UUID, data)

        task_id = _parse_task_id(d.pop("task_id", UNSET))


        stored_file = cls(
            path=path,
            content=content,
            content_type=content_type,
            size_bytes=size_bytes,
            created_at=created_at,
            updated_at=updated_at,
            task_id=task_id,
        )


        stored_file.additional_properties = d
        return stored_file

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
