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





T = TypeVar("T", bound="NewSchedule")



@_attrs_define
class NewSchedule:
    """ Body of `POST /v1/schedules`.

        Attributes:
            cron (str): Five fields (minute hour day-of-month month day-of-week) or six with seconds first. Example: */2 * *
                * * *.
            target (QueueTarget | RunnerTarget): What a fire makes: a task of a runner, or a message on a queue.
            name (None | str | Unset):
            timezone (None | str | Unset): An IANA time zone; default `UTC`. Example: Europe/Paris.
            enabled (bool | Unset):
            end_at (datetime.datetime | None | Unset): No fire after this; a time to come (a past one is refused: nothing
                would fire).
            missed (Missed | Unset): What happens to ticks missed while no worker ran.
            catch_up_max (int | None | Unset): Missed ticks `catch_up` fires at most after a downtime (default 10).
            overlap (Overlap | Unset): What a fire does while the previous fire's task is still active (runner targets).
     """

    cron: str
    target: QueueTarget | RunnerTarget
    name: None | str | Unset = UNSET
    timezone: None | str | Unset = UNSET
    enabled: bool | Unset = UNSET
    end_at: datetime.datetime | None | Unset = UNSET
    missed: Missed | Unset = UNSET
    catch_up_max: int | None | Unset = UNSET
    overlap: Overlap | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        from ..models.queue_target import QueueTarget # noqa: PLC0415
        from ..models.runner_target import RunnerTarget # noqa: PLC0415
        cron = self.cron

        target: dict[str, Any]
        if isinstance(self.target, RunnerTarget):
            target = self.target.to_dict()
        else:
            target = self.target.to_dict()


        name: None | str | Unset
        if isinstance(self.name, Unset):
            name = UNSET
        else:
            name = self.name

        timezone: None | str | Unset
        if isinstance(self.timezone, Unset):
            timezone = UNSET
        else:
            timezone = self.timezone

        enabled = self.enabled

        end_at: None | str | Unset
        if isinstance(self.end_at, Unset):
            end_at = UNSET
        elif isinstance(self.end_at, datetime.datetime):
            end_at = self.end_at.isoformat()
        else:
            end_at = self.end_at

        missed: str | Unset = UNSET
        if not isinstance(self.missed, Unset):
            missed = self.missed.value


        catch_up_max: int | None | Unset
        if isinstance(self.catch_up_max, Unset):
            catch_up_max = UNSET
        else:
            catch_up_max = self.catch_up_max

        overlap: str | Unset = UNSET
        if not isinstance(self.overlap, Unset):
            overlap = self.overlap.value



        field_dict: dict[str, Any] = {}

        field_dict.update({
            "cron": cron,
            "target": target,
        })
        if name is not UNSET:
            field_dict["name"] = name
        if timezone is not UNSET:
            field_dict["timezone"] = timezone
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
        cron = d.pop("cron")

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


        def _parse_name(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        name = _parse_name(d.pop("name", UNSET))


        def _parse_timezone(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        timezone = _parse_timezone(d.pop("timezone", UNSET))


        enabled = d.pop("enabled", UNSET)

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


        _missed = d.pop("missed", UNSET)
        missed: Missed | Unset
        if isinstance(_missed,  Unset):
            missed = UNSET
        else:
            missed = Missed(_missed)




        def _parse_catch_up_max(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        catch_up_max = _parse_catch_up_max(d.pop("catch_up_max", UNSET))


        _overlap = d.pop("overlap", UNSET)
        overlap: Overlap | Unset
        if isinstance(_overlap,  Unset):
            overlap = UNSET
        else:
            overlap = Overlap(_overlap)




        new_schedule = cls(
            cron=cron,
            target=target,
            name=name,
            timezone=timezone,
            enabled=enabled,
            end_at=end_at,
            missed=missed,
            catch_up_max=catch_up_max,
            overlap=overlap,
        )

        return new_schedule

