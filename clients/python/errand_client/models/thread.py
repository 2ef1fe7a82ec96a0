from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.thread_status import ThreadStatus
from ..types import UNSET, Unset
from typing import cast
from uuid import UUID
import datetime

if TYPE_CHECKING:
  from ..models.thread_metadata import ThreadMetadata





T = TypeVar("T", bound="Thread")



@_attrs_define
class Thread:
    """ A conversation that persists across tasks.

        Attributes:
            id (UUID):
            metadata (ThreadMetadata):
            status (ThreadStatus):
            message_count (int): Messages in the thread.
            last_event_seq (int): The seq of the thread's latest event (`GET /v1/threads/{id}/events`).
            created_at (datetime.datetime):
            updated_at (datetime.datetime): When a task of the thread last changed state, or the thread itself changed.
            key (None | str | Unset): The caller's own unique name for the thread, if it has one.
     """

    id: UUID
    metadata: ThreadMetadata
    status: ThreadStatus
    message_count: int
    last_event_seq: int
    created_at: datetime.datetime
    updated_at: datetime.datetime
    key: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.thread_metadata import ThreadMetadata # noqa: PLC0415
        id = str(self.id)

        metadata = self.metadata.to_dict()

        status = self.status.value

        message_count = self.message_count

        last_event_seq = self.last_event_seq

        created_at = self.created_at.isoformat()

        updated_at = self.updated_at.isoformat()

        key: None | str | Unset
        if isinstance(self.key, Unset):
            key = UNSET
        else:
            key = self.key


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "id": id,
            "metadata": metadata,
            "status": status,
            "message_count": message_count,
            "last_event_seq": last_event_seq,
            "created_at": created_at,
            "updated_at": updated_at,
        })
        if key is not UNSET:
            field_dict["key"] = key

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.thread_metadata import ThreadMetadata # noqa: PLC0415
        d = dict(src_dict)
        id = UUID(d.pop("id"))




        metadata = ThreadMetadata.from_dict(d.pop("metadata"))




        status = ThreadStatus(d.pop("status"))




        message_count = d.pop("message_count")

        last_event_seq = d.pop("last_event_seq")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))




        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))




        def _parse_key(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        key = _parse_key(d.pop("key", UNSET))


        thread = cls(
            id=id,
            metadata=metadata,
            status=status,
            message_count=message_count,
            last_event_seq=last_event_seq,
            created_at=created_at,
            updated_at=updated_at,
            key=key,
        )


        thread.additional_properties = d
        return thread

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
