from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast






T = TypeVar("T", bound="RunnerTarget")



@_attrs_define
class RunnerTarget:
    """ A task of `runner` with these `arguments`, on `thread` if given.

        Attributes:
            runner (str):
            arguments (Any | Unset):
            thread (None | str | Unset): A thread id or key each task continues (made on the first fire if it is a new key).
     """

    runner: str
    arguments: Any | Unset = UNSET
    thread: None | str | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        runner = self.runner

        arguments = self.arguments

        thread: None | str | Unset
        if isinstance(self.thread, Unset):
            thread = UNSET
        else:
            thread = self.thread


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "runner": runner,
        })
        if arguments is not UNSET:
            field_dict["arguments"] = arguments
        if thread is not UNSET:
            field_dict["thread"] = thread

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        runner = d.pop("runner")

        arguments = d.pop("arguments", UNSET)

        def _parse_thread(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        thread = _parse_thread(d.pop("thread", UNSET))


        runner_target = cls(
            runner=runner,
            arguments=arguments,
            thread=thread,
        )

        return runner_target

