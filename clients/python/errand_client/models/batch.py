from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.batch_status import BatchStatus
from typing import cast
from uuid import UUID
import datetime

if TYPE_CHECKING:
  from ..models.batch_counts import BatchCounts
  from ..models.task import Task





T = TypeVar("T", bound="Batch")



@_attrs_define
class Batch:
    """ A batch: the tasks of one submission across models, in the order of `models`.

        Attributes:
            id (UUID):
            status (BatchStatus): Where a batch stands, from its tasks.
            runner (str):
            counts (BatchCounts): Tasks per status.
            tasks (list[Task]):
            created_at (datetime.datetime):
     """

    id: UUID
    status: BatchStatus
    runner: str
    counts: BatchCounts
    tasks: list[Task]
    created_at: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.batch_counts import BatchCounts # noqa: PLC0415
        from ..models.task import Task # noqa: PLC0415
        id = str(self.id)

        status = self.status.value

        runner = self.runner

        counts = self.counts.to_dict()

        tasks = []
        for tasks_item_data in self.tasks:
            tasks_item = tasks_item_data.to_dict()
            tasks.append(tasks_item)



        created_at = self.created_at.isoformat()


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "id": id,
            "status": status,
            "runner": runner,
            "counts": counts,
            "tasks": tasks,
            "created_at": created_at,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.batch_counts import BatchCounts # noqa: PLC0415
        from ..models.task import Task # noqa: PLC0415
        d = dict(src_dict)
        id = UUID(d.pop("id"))




        status = BatchStatus(d.pop("status"))




        runner = d.pop("runner")

        counts = BatchCounts.from_dict(d.pop("counts"))




        tasks = []
        _tasks = d.pop("tasks")
        for tasks_item_data in (_tasks):
            tasks_item = Task.from_dict(tasks_item_data)



            tasks.append(tasks_item)


        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))




        batch = cls(
            id=id,
            status=status,
            runner=runner,
            counts=counts,
            tasks=tasks,
            created_at=created_at,
        )


        batch.additional_properties = d
        return batch

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
