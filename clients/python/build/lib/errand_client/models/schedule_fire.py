from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.fire_outcome import FireOutcome
from ..types import UNSET, Unset
from typing import cast
from uuid import UUID
import datetime






T = TypeVar("T", bound="ScheduleFire")



@_attrs_define
class ScheduleFire:
    """ One tick of a schedule and what it made.

        Attributes:
            fire_at (datetime.datetime): The tick, as the expression names it.
            fired_at (datetime.datetime): When it was fired (later than `fire_at` when caught up or held).
            outcome (FireOutcome): What came of one tick.
            task_id (None | Unset | UUID):
            message_id (None | Unset | UUID):
            error (Any | Unset):
     """

    fire_at: datetime.datetime
    fired_at: datetime.datetime
    outcome: FireOutcome
    task_id: None | Unset | UUID = UNSET
    message_id: None | Unset | UUID = UNSET
    error: Any | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        fire_at = self.fire_at.isoformat()

        fired_at = self.fired_at.isoformat()

        outcome = self.outcome.value

        task_id: None | str | Unset
        if isinstance(self.task_id, Unset):
            task_id = UNSET
        elif isinstance(self.task_id, UUID):
            task_id = str(self.task_id)
        else:
            task_id = self.task_id

        message_id: None | str | Unset
        if isinstance(self.message_id, Unset):
            message_id = UNSET
        elif isinstance(self.message_id, UUID):
            message_id = str(self.message_id)
        else:
            message_id = self.message_id

        error = self.error


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "fire_at": fire_at,
            "fired_at": fired_at,
            "outcome": outcome,
        })
        if task_id is not UNSET:
            field_dict["task_id"] = task_id
        if message_id is not UNSET:
            field_dict["message_id"] = message_id
        if error is not UNSET:
            field_dict["error"] = error

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        fire_at = datetime.datetime.fromisoformat(d.pop("fire_at"))




        fired_at = datetime.datetime.fromisoformat(d.pop("fired_at"))




        outcome = FireOutcome(d.pop("outcome"))




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


        def _parse_message_id(data: object) -> None | Unset | UUID:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                message_id_type_0 = UUID(data)



                return message_id_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Unset | UUID, data)

        message_id = _parse_message_id(d.pop("message_id", UNSET))


        error = d.pop("error", UNSET)

        schedule_fire = cls(
            fire_at=fire_at,
            fired_at=fired_at,
            outcome=outcome,
            task_id=task_id,
            message_id=message_id,
            error=error,
        )


        schedule_fire.additional_properties = d
        return schedule_fire

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
