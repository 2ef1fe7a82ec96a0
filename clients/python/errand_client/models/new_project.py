from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast






T = TypeVar("T", bound="NewProject")



@_attrs_define
class NewProject:
    """ `POST /v1/projects`.

        Attributes:
            name (str): 1 to 63 characters: lowercase letters, digits, `-` and `_`, starting with a letter
                or digit.
            max_running_tasks (int | None | Unset):
            max_queued_tasks (int | None | Unset):
     """

    name: str
    max_running_tasks: int | None | Unset = UNSET
    max_queued_tasks: int | None | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        name = self.name

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

        field_dict.update({
            "name": name,
        })
        if max_running_tasks is not UNSET:
            field_dict["max_running_tasks"] = max_running_tasks
        if max_queued_tasks is not UNSET:
            field_dict["max_queued_tasks"] = max_queued_tasks

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        name = d.pop("name")

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


        new_project = cls(
            name=name,
            max_running_tasks=max_running_tasks,
            max_queued_tasks=max_queued_tasks,
        )

        return new_project

