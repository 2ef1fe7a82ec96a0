from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast
import datetime






T = TypeVar("T", bound="PostMessage")



@_attrs_define
class PostMessage:
    """ Body of `POST /v1/queues/{name}/messages`.

        Attributes:
            payload (Any):
            run_after (datetime.datetime | None | Unset): Hand it to no consumer before this time.
            concurrency_key (None | str | Unset): Messages with the same key are worked on at most `concurrency_limit` at a
                time, in
                order; keys take turns.
            priority (int | None | Unset): 0 (lowest) to 9 (highest), default 5: handed out (and its task claimed) in
                priority
                order with aging, as a task's `priority`.
     """

    payload: Any
    run_after: datetime.datetime | None | Unset = UNSET
    concurrency_key: None | str | Unset = UNSET
    priority: int | None | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        payload = self.payload

        run_after: None | str | Unset
        if isinstance(self.run_after, Unset):
            run_after = UNSET
        elif isinstance(self.run_after, datetime.datetime):
            run_after = self.run_after.isoformat()
        else:
            run_after = self.run_after

        concurrency_key: None | str | Unset
        if isinstance(self.concurrency_key, Unset):
            concurrency_key = UNSET
        else:
            concurrency_key = self.concurrency_key

        priority: int | None | Unset
        if isinstance(self.priority, Unset):
            priority = UNSET
        else:
            priority = self.priority


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "payload": payload,
        })
        if run_after is not UNSET:
            field_dict["run_after"] = run_after
        if concurrency_key is not UNSET:
            field_dict["concurrency_key"] = concurrency_key
        if priority is not UNSET:
            field_dict["priority"] = priority

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        payload = d.pop("payload")

        def _parse_run_after(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                run_after_type_0 = datetime.datetime.fromisoformat(data)



                return run_after_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        run_after = _parse_run_after(d.pop("run_after", UNSET))


        def _parse_concurrency_key(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        concurrency_key = _parse_concurrency_key(d.pop("concurrency_key", UNSET))


        def _parse_priority(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        priority = _parse_priority(d.pop("priority", UNSET))


        post_message = cls(
            payload=payload,
            run_after=run_after,
            concurrency_key=concurrency_key,
            priority=priority,
        )

        return post_message

