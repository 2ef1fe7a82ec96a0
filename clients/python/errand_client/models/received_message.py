from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.message_status import MessageStatus
from ..types import UNSET, Unset
from typing import cast
from uuid import UUID
import datetime






T = TypeVar("T", bound="ReceivedMessage")



@_attrs_define
class ReceivedMessage:
    """ A message handed to an external consumer, with the receipt that acks or nacks it.

        Attributes:
            id (UUID):
            queue (str): The queue's name.
            payload (Any):
            status (MessageStatus): Where a message is in its life.
            run_after (datetime.datetime): Not handed to a consumer before this.
            priority (int): 0 (lowest) to 9 (highest).
            deliveries (int): Tasks started or leases given for it so far.
            created_at (datetime.datetime):
            updated_at (datetime.datetime):
            receipt (UUID): Send with `ack` or `nack`; a lease that expired and went to another consumer has
                a new receipt, and the old one is refused (409 `lease_lost`).
            concurrency_key (None | str | Unset):
            lease_expires_at (datetime.datetime | None | Unset): Until when the current lease holds (`leased` only).
            task_id (None | Unset | UUID): The task made of it (`running`, or after).
            runner (None | str | Unset): The runner whose task that is.
            last_error (Any | Unset):
     """

    id: UUID
    queue: str
    payload: Any
    status: MessageStatus
    run_after: datetime.datetime
    priority: int
    deliveries: int
    created_at: datetime.datetime
    updated_at: datetime.datetime
    receipt: UUID
    concurrency_key: None | str | Unset = UNSET
    lease_expires_at: datetime.datetime | None | Unset = UNSET
    task_id: None | Unset | UUID = UNSET
    runner: None | str | Unset = UNSET
    last_error: Any | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        id = str(self.id)

        queue = self.queue

        payload = self.payload

        status = self.status.value

        run_after = self.run_after.isoformat()

        priority = self.priority

        deliveries = self.deliveries

        created_at = self.created_at.isoformat()

        updated_at = self.updated_at.isoformat()

        receipt = str(self.receipt)

        concurrency_key: None | str | Unset
        if isinstance(self.concurrency_key, Unset):
            concurrency_key = UNSET
        else:
            concurrency_key = self.concurrency_key

        lease_expires_at: None | str | Unset
        if isinstance(self.lease_expires_at, Unset):
            lease_expires_at = UNSET
        elif isinstance(self.lease_expires_at, datetime.datetime):
            lease_expires_at = self.lease_expires_at.isoformat()
        else:
            lease_expires_at = self.lease_expires_at

        task_id: None | str | Unset
        if isinstance(self.task_id, Unset):
            task_id = UNSET
        elif isinstance(self.task_id, UUID):
            task_id = str(self.task_id)
        else:
            task_id = self.task_id

        runner: None | str | Unset
        if isinstance(self.runner, Unset):
            runner = UNSET
        else:
            runner = self.runner

        last_error = self.last_error


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "id": id,
            "queue": queue,
            "payload": payload,
            "status": status,
            "run_after": run_after,
            "priority": priority,
            "deliveries": deliveries,
            "created_at": created_at,
            "updated_at": updated_at,
            "receipt": receipt,
        })
        if concurrency_key is not UNSET:
            field_dict["concurrency_key"] = concurrency_key
        if lease_expires_at is not UNSET:
            field_dict["lease_expires_at"] = lease_expires_at
        if task_id is not UNSET:
            field_dict["task_id"] = task_id
        if runner is not UNSET:
            field_dict["runner"] = runner
        if last_error is not UNSET:
            field_dict["last_error"] = last_error

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = UUID(d.pop("id"))




        queue = d.pop("queue")

        payload = d.pop("payload")

        status = MessageStatus(d.pop("status"))




        run_after = datetime.datetime.fromisoformat(d.pop("run_after"))




        priority = d.pop("priority")

        deliveries = d.pop("deliveries")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))




        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))




        receipt = UUID(d.pop("receipt"))




        def _parse_concurrency_key(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        concurrency_key = _parse_concurrency_key(d.pop("concurrency_key", UNSET))


        def _parse_lease_expires_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                lease_expires_at_type_0 = datetime.datetime.fromisoformat(data)



                return lease_expires_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        lease_expires_at = _parse_lease_expires_at(d.pop("lease_expires_at", UNSET))


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


        def _parse_runner(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        runner = _parse_runner(d.pop("runner", UNSET))


        last_error = d.pop("last_error", UNSET)

        received_message = cls(
            id=id,
            queue=queue,
            payload=payload,
            status=status,
            run_after=run_after,
            priority=priority,
            deliveries=deliveries,
            created_at=created_at,
            updated_at=updated_at,
            receipt=receipt,
            concurrency_key=concurrency_key,
            lease_expires_at=lease_expires_at,
            task_id=task_id,
            runner=runner,
            last_error=last_error,
        )


        received_message.additional_properties = d
        return received_message

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
