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






T = TypeVar("T", bound="Project")



@_attrs_define
class Project:
    """ 
        Attributes:
            id (UUID):
            name (str):
            created_at (datetime.datetime):
            max_running_tasks (int | None | Unset): Most tasks of this project running at once (extra ones wait, queued);
                `null`: the
                server's `limits.project_max_running_tasks`.
            max_queued_tasks (int | None | Unset): Most tasks of this project queued at once (beyond it a submission is
                refused with
                429 `quota_exceeded`); `null`: the server's `limits.project_max_queued_tasks`.
     """

    id: UUID
    name: str
    created_at: datetime.datetime
    max_running_tasks: int | None | Unset = UNSET
    max_queued_tasks: int | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        id = str(self.id)

        name = self.name

        created_at = self.created_at.isoformat()

        max_running_tasks: int | None | Unset
        if isinstance(self.max_running_tasks, Unset):
            max_running_tasks = UNSET
        else:
            max_running_tasks = self.max_running_tasks

        max_queued_tasks: int | None | Unset
        if isinstance(self.max_queued_tasks, Unset):
            max_queued_tasks = UNSET
        else:
            max_queued_tasks = self.max_queued_tasks


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "id": id,
            "name": name,
            "created_at": created_at,
        })
        if max_running_tasks is not UNSET:
            field_dict["max_running_tasks"] = max_running_tasks
        if max_queued_tasks is not UNSET:
            field_dict["max_queued_tasks"] = max_queued_tasks

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = UUID(d.pop("id"))




        name = d.pop("name")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))




        def _parse_max_running_tasks(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        max_running_tasks = _parse_max_running_tasks(d.pop("max_running_tasks", UNSET))


        def _parse_max_queued_tasks(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        max_queued_tasks = _parse_max_queued_tasks(d.pop("max_queued_tasks", UNSET))


        project = cls(
            id=id,
            name=name,
            created_at=created_at,
            max_running_tasks=max_running_tasks,
            max_queued_tasks=max_queued_tasks,
        )


        project.additional_properties = d
        return project

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
