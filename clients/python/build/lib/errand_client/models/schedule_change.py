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
import datetime

if TYPE_CHECKING:
  from ..models.queue_target import QueueTarget
  from ..models.runner_target import RunnerTarget





T = TypeVar("T", bound="ScheduleChange")



@_attrs_define
class ScheduleChange:
    """ Body of `PATCH /v1/schedules/{id}`: what it names changes; the next tick is computed
    again from now.

        Attributes:
            name (None | str | Unset):
            cron (None | str | Unset):
            timezone (None | str | Unset):
            target (None | QueueTarget | RunnerTarget | Unset):
            enabled (bool | None | Unset):
            end_at (datetime.datetime | None | Unset): A time to come, or `null` to remove the end.
            missed (Missed | None | Unset):
            catch_up_max (int | None | Unset):
            overlap (None | Overlap | Unset):
     """

    name: None | str | Unset = UNSET
    cron: None | str | Unset = UNSET
    timezone: None | str | Unset = UNSET
    target: None | QueueTarget | RunnerTarget | Unset = UNSET
    enabled: bool | None | Unset = UNSET
    end_at: datetime.datetime | None | Unset = UNSET
    missed: Missed | None | Unset = UNSET
    catch_up_max: int | None | Unset = UNSET
    overlap: None | Overlap | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        from ..models.queue_target import QueueTarget # noqa: PLC0415
        from ..models.runner_target import RunnerTarget # noqa: PLC0415
        name: None | str | Unset
        if isinstance(self.name, Unset):
            name = UNSET
        else:
            name = self.name

        cron: None | str | Unset
        if isinstance(self.cron, Unset):
            cron = UNSET
        else:
            cron = self.cron

        timezone: None | str | Unset
        if isinstance(self.timezone, Unset):
            timezone = UNSET
        else:
            timezone = self.timezone

        target: dict[str, Any] | None | Unset
        if isinstance(self.target, Unset):
            target = UNSET
        elif isinstance(self.target, RunnerTarget):
            target = self.target.to_dict()
        elif isinstance(self.target, QueueTarget):
            target = self.target.to_dict()
        else:
            target = self.target

        enabled: bool | None | Unset
        if isinstance(self.enabled, Unset):
            enabled = UNSET
        else:
            enabled = self.enabled

        end_at: None | str | Unset
        if isinstance(self.end_at, Unset):
            end_at = UNSET
        elif isinstance(self.end_at, datetime.datetime):
            end_at = self.end_at.isoformat()
        else:
            end_at = self.end_at

        missed: None | str | Unset
        if isinstance(self.missed, Unset):
            missed = UNSET
        elif isinstance(self.missed, Missed):
            missed = self.missed.value
        else:
            missed = self.missed

        catch_up_max: int | None | Unset
        if isinstance(self.catch_up_max, Unset):
            catch_up_max = UNSET
        else:
            catch_up_max = self.catch_up_max

        overlap: None | str | Unset
        if isinstance(self.overlap, Unset):
            overlap = UNSET
        elif isinstance(self.overlap, Overlap):
            overlap = self.overlap.value
        else:
            overlap = self.overlap


        field_dict: dict[str, Any] = {}

        field_dict.update({
        })
        if name is not UNSET:
            field_dict["name"] = name
        if cron is not UNSET:
            field_dict["cron"] = cron
        if timezone is not UNSET:
            field_dict["timezone"] = timezone
        if target is not UNSET:
            field_dict["target"] = target
        if enabled is not UNSET:
            field_dict["enabled"] = enabled
        if end_at is not UNSET:
            field_dict["end_at"] = end_at
        if missed is not UNSET:
            field_dict["missed"] = missed
        if catch_up_max is not UNSET:
            field_dict["catch_up_max"] = catch_up_max
        if overlap is not UNSET:
            field_dict["overlap"] = overlap

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.queue_target import QueueTarget # noqa: PLC0415
        from ..models.runner_target import RunnerTarget # noqa: PLC0415
        d = dict(src_dict)
        def _parse_name(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        name = _parse_name(d.pop("name", UNSET))


        def _parse_cron(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        cron = _parse_cron(d.pop("cron", UNSET))


        def _parse_timezone(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        timezone = _parse_timezone(d.pop("timezone", UNSET))


        def _parse_target(data: object) -> None | QueueTarget | RunnerTarget | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                componentsschemas_target_type_0 = RunnerTarget.from_dict(data)



                return componentsschemas_target_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                componentsschemas_target_type_1 = QueueTarget.from_dict(data)



                return componentsschemas_target_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | QueueTarget | RunnerTarget | Unset, data)

        target = _parse_target(d.pop("target", UNSET))


        def _parse_enabled(data: object) -> bool | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(bool | None | Unset, data)

        enabled = _parse_enabled(d.pop("enabled", UNSET))


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


        def _parse_missed(data: object) -> Missed | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                missed_type_0 = Missed(data)



                return missed_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(Missed | None | Unset, data)

        missed = _parse_missed(d.pop("missed", UNSET))


        def _parse_catch_up_max(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        catch_up_max = _parse_catch_up_max(d.pop("catch_up_max", UNSET))


        def _parse_overlap(data: object) -> None | Overlap | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                overlap_type_0 = Overlap(data)



                return overlap_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Overlap | Unset, data)

        overlap = _parse_overlap(d.pop("overlap", UNSET))


        schedule_change = cls(
            name=name,
            cron=cron,
            timezone=timezone,
            target=target,
            enabled=enabled,
            end_at=end_at,
            missed=missed,
            catch_up_max=catch_up_max,
            overlap=overlap,
        )

        return schedule_change

