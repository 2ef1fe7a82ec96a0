from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.missed import Missed
from ..models.overlap import Overlap
from ..types import UNSET, Unset
from typing import cast
from uuid import UUID
import datetime

if TYPE_CHECKING:
  from ..models.queue_target import QueueTarget
  from ..models.runner_target import RunnerTarget





T = TypeVar("T", bound="Schedule")



@_attrs_define
class Schedule:
    """ A schedule.

        Attributes:
            id (UUID):
            cron (str):  Example: 0 9 * * 1-5.
            timezone (str):  Example: Europe/Paris.
            target (QueueTarget | RunnerTarget): What a fire makes: a task of a runner, or a message on a queue.
            enabled (bool):
            missed (Missed): What happens to ticks missed while no worker ran.
            catch_up_max (int):
            overlap (Overlap): What a fire does while the previous fire's task is still active (runner targets).
            missed_ticks (int): Ticks skipped because no worker ran then (`missed: skip`, or beyond `catch_up_max`).
            created_at (datetime.datetime):
            updated_at (datetime.datetime):
            name (None | str | Unset): A label of your choosing.
            end_at (datetime.datetime | None | Unset): No fire after this.
            next_fire_at (datetime.datetime | None | Unset): The next tick; `null` when disabled or past `end_at`.
            last_fire_at (datetime.datetime | None | Unset):
     """

    id: UUID
    cron: str
    timezone: str
    target: QueueTarget | RunnerTarget
    enabled: bool
    missed: Missed
    catch_up_max: int
    overlap: Overlap
    missed_ticks: int
    created_at: datetime.datetime
    updated_at: datetime.datetime
    name: None | str | Unset = UNSET
    end_at: datetime.datetime | None | Unset = UNSET
    next_fire_at: datetime.datetime | None | Unset = UNSET
    last_fire_at: datetime.datetime | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.queue_target import QueueTarget # noqa: PLC0415
        from ..models.runner_target import RunnerTarget # noqa: PLC0415
        id = str(self.id)

        cron = self.cron

        timezone = self.timezone

        target: dict[str, Any]
        if isinstance(self.target, RunnerTarget):
            target = self.target.to_dict()
        else:
            target = self.target.to_dict()


        enabled = self.enabled

        missed = self.missed.value

        catch_up_max = self.catch_up_max

        overlap = self.overlap.value

        missed_ticks = self.missed_ticks

        created_at = self.created_at.isoformat()

        updated_at = self.updated_at.isoformat()

        name: None | str | Unset
        if isinstance(self.name, Unset):
            name = UNSET
        else:
            name = self.name

        end_at: None | str | Unset
        if isinstance(self.end_at, Unset):
            end_at = UNSET
        elif isinstance(self.end_at, datetime.datetime):
            end_at = self.end_at.isoformat()
        else:
            end_at = self.end_at

        next_fire_at: None | str | Unset
        if isinstance(self.next_fire_at, Unset):
            next_fire_at = UNSET
        elif isinstance(self.next_fire_at, datetime.datetime):
            next_fire_at = self.next_fire_at.isoformat()
        else:
            next_fire_at = self.next_fire_at

        last_fire_at: None | str | Unset
        if isinstance(self.last_fire_at, Unset):
            last_fire_at = UNSET
        elif isinstance(self.last_fire_at, datetime.datetime):
            last_fire_at = self.last_fire_at.isoformat()
        else:
            last_fire_at = self.last_fire_at


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "id": id,
            "cron": cron,
            "timezone": timezone,
            "target": target,
            "enabled": enabled,
            "missed": missed,
            "catch_up_max": catch_up_max,
            "overlap": overlap,
            "missed_ticks": missed_ticks,
            "created_at": created_at,
            "updated_at": updated_at,
        })
        if name is not UNSET:
            field_dict["name"] = name
        if end_at is not UNSET:
            field_dict["end_at"] = end_at
        if next_fire_at is not UNSET:
            field_dict["next_fire_at"] = next_fire_at
        if last_fire_at is not UNSET:
            field_dict["last_fire_at"] = last_fire_at

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.queue_target import QueueTarget # noqa: PLC0415
        from ..models.runner_target import RunnerTarget # noqa: PLC0415
        d = dict(src_dict)
        id = UUID(d.pop("id"))




        cron = d.pop("cron")

        timezone = d.pop("timezone")

        def _parse_target(data: object) -> QueueTarget | RunnerTarget:
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                componentsschemas_target_type_0 = RunnerTarget.from_dict(data)



                return componentsschemas_target_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            if not isinstance(data, dict):
                raise TypeError()
            componentsschemas_target_type_1 = QueueTarget.from_dict(data)



            return componentsschemas_target_type_1

        target = _parse_target(d.pop("target"))


        enabled = d.pop("enabled")

        missed = Missed(d.pop("missed"))




        catch_up_max = d.pop("catch_up_max")

        overlap = Overlap(d.pop("overlap"))




        missed_ticks = d.pop("missed_ticks")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))




        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))




        def _parse_name(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        name = _parse_name(d.pop("name", UNSET))


        def _parse_end_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                end_at_type_0 = datetime.datetime.fromisoformat(data)



                return end_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        end_at = _parse_end_at(d.pop("end_at", UNSET))


        def _parse_next_fire_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                next_fire_at_type_0 = datetime.datetime.fromisoformat(data)



                return next_fire_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        next_fire_at = _parse_next_fire_at(d.pop("next_fire_at", UNSET))


        def _parse_last_fire_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                last_fire_at_type_0 = datetime.datetime.fromisoformat(data)



                return last_fire_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        last_fire_at = _parse_last_fire_at(d.pop("last_fire_at", UNSET))


        schedule = cls(
            id=id,
            cron=cron,
            timezone=timezone,
            target=target,
            enabled=enabled,
            missed=missed,
            catch_up_max=catch_up_max,
            overlap=overlap,
            missed_ticks=missed_ticks,
            created_at=created_at,
            updated_at=updated_at,
            name=name,
            end_at=end_at,
            next_fire_at=next_fire_at,
            last_fire_at=last_fire_at,
        )


        schedule.additional_properties = d
        return schedule

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
