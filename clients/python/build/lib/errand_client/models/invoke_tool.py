from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.if_not_exists import IfNotExists
from ..types import UNSET, Unset
from typing import cast






T = TypeVar("T", bound="InvokeTool")



@_attrs_define
class InvokeTool:
    """ Body of `POST /v1/tools/{name}/invoke`.

        Attributes:
            arguments (Any | Unset):
            thread (None | str | Unset): A runner tool only: the thread the task continues (its id or key).
            if_not_exists (IfNotExists | None | Unset):
            read_only (bool | Unset): A runner tool only: the task is offered only read-only tools.
     """

    arguments: Any | Unset = UNSET
    thread: None | str | Unset = UNSET
    if_not_exists: IfNotExists | None | Unset = UNSET
    read_only: bool | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        arguments = self.arguments

        thread: None | str | Unset
        if isinstance(self.thread, Unset):
            thread = UNSET
        else:
            thread = self.thread

        if_not_exists: None | str | Unset
        if isinstance(self.if_not_exists, Unset):
            if_not_exists = UNSET
        elif isinstance(self.if_not_exists, IfNotExists):
            if_not_exists = self.if_not_exists.value
        else:
            if_not_exists = self.if_not_exists

        read_only = self.read_only


        field_dict: dict[str, Any] = {}

        field_dict.update({
        })
        if arguments is not UNSET:
            field_dict["arguments"] = arguments
        if thread is not UNSET:
            field_dict["thread"] = thread
        if if_not_exists is not UNSET:
            field_dict["if_not_exists"] = if_not_exists
        if read_only is not UNSET:
            field_dict["read_only"] = read_only

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        arguments = d.pop("arguments", UNSET)

        def _parse_thread(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        thread = _parse_thread(d.pop("thread", UNSET))


        def _parse_if_not_exists(data: object) -> IfNotExists | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                if_not_exists_type_0 = IfNotExists(data)



                return if_not_exists_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(IfNotExists | None | Unset, data)

        if_not_exists = _parse_if_not_exists(d.pop("if_not_exists", UNSET))


        read_only = d.pop("read_only", UNSET)

        invoke_tool = cls(
            arguments=arguments,
            thread=thread,
            if_not_exists=if_not_exists,
            read_only=read_only,
        )

        return invoke_tool

