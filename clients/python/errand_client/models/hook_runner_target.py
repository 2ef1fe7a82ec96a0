from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast






T = TypeVar("T", bound="HookRunnerTarget")



@_attrs_define
class HookRunnerTarget:
    """ A task of `runner` per delivery.

        Attributes:
            runner (str):
            thread (None | str | Unset): A thread id or key every task continues (made on the first delivery if new).
     """

    runner: str
    thread: None | str | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        runner = self.runner

        thread: None | str | Unset
        if isinstance(self.thread, Unset):
            thread = UNSET
        else:
            thread = self.thread


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "runner": runner,
        })
        if thread is not UNSET:
            field_dict["thread"] = thread

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        runner = d.pop("runner")

        def _parse_thread(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        thread = _parse_thread(d.pop("thread", UNSET))


        hook_runner_target = cls(
            runner=runner,
            thread=thread,
        )

        return hook_runner_target

