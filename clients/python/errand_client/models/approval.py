from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast






T = TypeVar("T", bound="Approval")



@_attrs_define
class Approval:
    """ Which of a runner's tools wait for a person's approval before each call runs: those
    named, and with `non_read_only` every tool not marked read-only. Empty: none do.

        Attributes:
            tools (list[str] | Unset): Tool names as the model sees them: entries of `toolkits` (`http_fetch`,
                `run_deploy_task`, an HTTP tool's name) or, when `storage` is listed, `storage` (all
                of its tools) or one of them (`write_file`). Example: ['http_fetch', 'run_deploy_task'].
            non_read_only (bool | Unset): Every tool not marked read-only waits too.
     """

    tools: list[str] | Unset = UNSET
    non_read_only: bool | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        tools: list[str] | Unset = UNSET
        if not isinstance(self.tools, Unset):
            tools = self.tools



        non_read_only = self.non_read_only


        field_dict: dict[str, Any] = {}

        field_dict.update({
        })
        if tools is not UNSET:
            field_dict["tools"] = tools
        if non_read_only is not UNSET:
            field_dict["non_read_only"] = non_read_only

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        tools = cast(list[str], d.pop("tools", UNSET))


        non_read_only = d.pop("non_read_only", UNSET)

        approval = cls(
            tools=tools,
            non_read_only=non_read_only,
        )

        return approval

