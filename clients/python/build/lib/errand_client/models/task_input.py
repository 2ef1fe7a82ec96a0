from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from uuid import UUID






T = TypeVar("T", bound="TaskInput")



@_attrs_define
class TaskInput:
    """ Body of `POST /v1/tasks/{id}/input`.

        Attributes:
            request_id (UUID): The `request_id` of the task's `input_request`.
            answer (Any):
     """

    request_id: UUID
    answer: Any





    def to_dict(self) -> dict[str, Any]:
        request_id = str(self.request_id)

        answer = self.answer


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "request_id": request_id,
            "answer": answer,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        request_id = UUID(d.pop("request_id"))




        answer = d.pop("answer")

        task_input = cls(
            request_id=request_id,
            answer=answer,
        )

        return task_input

