from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast
import datetime

if TYPE_CHECKING:
  from ..models.task_step_request import TaskStepRequest
  from ..models.task_step_response import TaskStepResponse
  from ..models.task_step_usage_type_0 import TaskStepUsageType0





T = TypeVar("T", bound="TaskStep")



@_attrs_define
class TaskStep:
    """ A journaled step as `GET /v1/tasks/{id}/steps` shows it.

        Attributes:
            index (int): The step's place in the run, from 0; shared by all attempts.
            attempt (int): The attempt that made the step (a retry replays earlier attempts' steps).
            kind (str): `model_call` or `tool_result`.
            request (TaskStepRequest): A model call: model, purpose (`turn` or `repair`), message count, tools offered.
                A tool result: the call's id, name and arguments.
            response (TaskStepResponse): A model call: text, tool calls, finish reason. A tool result: `output` or `error`.
            started_at (datetime.datetime):
            finished_at (datetime.datetime):
            usage (None | TaskStepUsageType0 | Unset): Tokens of a model call.
            cost_usd (float | None | Unset):
     """

    index: int
    attempt: int
    kind: str
    request: TaskStepRequest
    response: TaskStepResponse
    started_at: datetime.datetime
    finished_at: datetime.datetime
    usage: None | TaskStepUsageType0 | Unset = UNSET
    cost_usd: float | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.task_step_request import TaskStepRequest # noqa: PLC0415
        from ..models.task_step_response import TaskStepResponse # noqa: PLC0415
        from ..models.task_step_usage_type_0 import TaskStepUsageType0 # noqa: PLC0415
        index = self.index

        attempt = self.attempt

        kind = self.kind

        request = self.request.to_dict()

        response = self.response.to_dict()

        started_at = self.started_at.isoformat()

        finished_at = self.finished_at.isoformat()

        usage: dict[str, Any] | None | Unset
        if isinstance(self.usage, Unset):
            usage = UNSET
        elif isinstance(self.usage, TaskStepUsageType0):
            usage = self.usage.to_dict()
        else:
            usage = self.usage

        cost_usd: float | None | Unset
        if isinstance(self.cost_usd, Unset):
            cost_usd = UNSET
        else:
            cost_usd = self.cost_usd


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "index": index,
            "attempt": attempt,
            "kind": kind,
            "request": request,
            "response": response,
            "started_at": started_at,
            "finished_at": finished_at,
        })
        if usage is not UNSET:
            field_dict["usage"] = usage
        if cost_usd is not UNSET:
            field_dict["cost_usd"] = cost_usd

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.task_step_request import TaskStepRequest # noqa: PLC0415
        from ..models.task_step_response import TaskStepResponse # noqa: PLC0415
        from ..models.task_step_usage_type_0 import TaskStepUsageType0 # noqa: PLC0415
        d = dict(src_dict)
        index = d.pop("index")

        attempt = d.pop("attempt")

        kind = d.pop("kind")

        request = TaskStepRequest.from_dict(d.pop("request"))




        response = TaskStepResponse.from_dict(d.pop("response"))




        started_at = datetime.datetime.fromisoformat(d.pop("started_at"))




        finished_at = datetime.datetime.fromisoformat(d.pop("finished_at"))




        def _parse_usage(data: object) -> None | TaskStepUsageType0 | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                usage_type_0 = TaskStepUsageType0.from_dict(data)



                return usage_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | TaskStepUsageType0 | Unset, data)

        usage = _parse_usage(d.pop("usage", UNSET))


        def _parse_cost_usd(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        cost_usd = _parse_cost_usd(d.pop("cost_usd", UNSET))


        task_step = cls(
            index=index,
            attempt=attempt,
            kind=kind,
            request=request,
            response=response,
            started_at=started_at,
            finished_at=finished_at,
            usage=usage,
            cost_usd=cost_usd,
        )


        task_step.additional_properties = d
        return task_step

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
