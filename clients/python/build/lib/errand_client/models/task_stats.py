from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast
import datetime

if TYPE_CHECKING:
  from ..models.minute import Minute
  from ..models.task_stats_by_status import TaskStatsByStatus





T = TypeVar("T", bound="TaskStats")



@_attrs_define
class TaskStats:
    """ A project's tasks made since `since`, by the status each has now.

        Attributes:
            since (datetime.datetime):
            by_status (TaskStatsByStatus): Every status, with how many of the window's tasks are in it now.
            per_minute (list[Minute]): The same per minute the tasks were made in, oldest first; minutes without tasks
                are left out.
            capped (bool): A status had more than 100,000 tasks in the window: its counts are of the newest.
     """

    since: datetime.datetime
    by_status: TaskStatsByStatus
    per_minute: list[Minute]
    capped: bool
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.minute import Minute # noqa: PLC0415
        from ..models.task_stats_by_status import TaskStatsByStatus # noqa: PLC0415
        since = self.since.isoformat()

        by_status = self.by_status.to_dict()

        per_minute = []
        for per_minute_item_data in self.per_minute:
            per_minute_item = per_minute_item_data.to_dict()
            per_minute.append(per_minute_item)



        capped = self.capped


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "since": since,
            "by_status": by_status,
            "per_minute": per_minute,
            "capped": capped,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.minute import Minute # noqa: PLC0415
        from ..models.task_stats_by_status import TaskStatsByStatus # noqa: PLC0415
        d = dict(src_dict)
        since = datetime.datetime.fromisoformat(d.pop("since"))




        by_status = TaskStatsByStatus.from_dict(d.pop("by_status"))




        per_minute = []
        _per_minute = d.pop("per_minute")
        for per_minute_item_data in (_per_minute):
            per_minute_item = Minute.from_dict(per_minute_item_data)



            per_minute.append(per_minute_item)


        capped = d.pop("capped")

        task_stats = cls(
            since=since,
            by_status=by_status,
            per_minute=per_minute,
            capped=capped,
        )


        task_stats.additional_properties = d
        return task_stats

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
