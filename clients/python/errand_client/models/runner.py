from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.structured_output import StructuredOutput
from ..types import UNSET, Unset
from typing import cast
from uuid import UUID
import datetime

if TYPE_CHECKING:
  from ..models.approval import Approval
  from ..models.runner_input_schema_type_0 import RunnerInputSchemaType0
  from ..models.runner_labels import RunnerLabels
  from ..models.runner_model_settings import RunnerModelSettings
  from ..models.runner_output_schema_type_0 import RunnerOutputSchemaType0





T = TypeVar("T", bound="Runner")



@_attrs_define
class Runner:
    """ A registered runner at its current version.

        Attributes:
            id (UUID):
            name (str):
            version (int): Starts at 1; every change made with `PUT` adds one.
            title (str):
            description (str):
            input_schema (bool | RunnerInputSchemaType0): A JSON Schema (draft 4, 6, 7, 2019-09 or 2020-12)
            rules (list[str]):
            model (str):
            model_settings (RunnerModelSettings):
            timeout_seconds (int):
            max_attempts (int):
            labels (RunnerLabels):
            toolkits (list[str]):
            approval (Approval): Which of a runner's tools wait for a person's approval before each call runs: those
                named, and with `non_read_only` every tool not marked read-only. Empty: none do.
            max_turns (int):
            repair_turns (int):
            structured_output (StructuredOutput): How a call asks for structured output when the runner has an
                `output_schema`.
            tool_timeout_seconds (int):
            context_tokens (int):
            input_timeout_seconds (int):
            created_at (datetime.datetime):
            updated_at (datetime.datetime):
            output_schema (bool | None | RunnerOutputSchemaType0 | Unset): A JSON Schema (draft 4, 6, 7, 2019-09 or
                2020-12), or null
            queue (None | str | Unset): The queue it consumes, if any.
     """

    id: UUID
    name: str
    version: int
    title: str
    description: str
    input_schema: bool | RunnerInputSchemaType0
    rules: list[str]
    model: str
    model_settings: RunnerModelSettings
    timeout_seconds: int
    max_attempts: int
    labels: RunnerLabels
    toolkits: list[str]
    approval: Approval
    max_turns: int
    repair_turns: int
    structured_output: StructuredOutput
    tool_timeout_seconds: int
    context_tokens: int
    input_timeout_seconds: int
    created_at: datetime.datetime
    updated_at: datetime.datetime
    output_schema: bool | None | RunnerOutputSchemaType0 | Unset = UNSET
    queue: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.approval import Approval # noqa: PLC0415
        from ..models.runner_input_schema_type_0 import RunnerInputSchemaType0 # noqa: PLC0415
        from ..models.runner_labels import RunnerLabels # noqa: PLC0415
        from ..models.runner_model_settings import RunnerModelSettings # noqa: PLC0415
        from ..models.runner_output_schema_type_0 import RunnerOutputSchemaType0 # noqa: PLC0415
        id = str(self.id)

        name = self.name

        version = self.version

        title = self.title

        description = self.description

        input_schema: bool | dict[str, Any]
        if isinstance(self.input_schema, RunnerInputSchemaType0):
            input_schema = self.input_schema.to_dict()
        else:
            input_schema = self.input_schema

        rules = self.rules



        model = self.model

        model_settings = self.model_settings.to_dict()

        timeout_seconds = self.timeout_seconds

        max_attempts = self.max_attempts

        labels = self.labels.to_dict()

        toolkits = self.toolkits



        approval = self.approval.to_dict()

        max_turns = self.max_turns

        repair_turns = self.repair_turns

        structured_output = self.structured_output.value

        tool_timeout_seconds = self.tool_timeout_seconds

        context_tokens = self.context_tokens

        input_timeout_seconds = self.input_timeout_seconds

        created_at = self.created_at.isoformat()

        updated_at = self.updated_at.isoformat()

        output_schema: bool | dict[str, Any] | None | Unset
        if isinstance(self.output_schema, Unset):
            output_schema = UNSET
        elif isinstance(self.output_schema, RunnerOutputSchemaType0):
            output_schema = self.output_schema.to_dict()
        else:
            output_schema = self.output_schema

        queue: None | str | Unset
        if isinstance(self.queue, Unset):
            queue = UNSET
        else:
            queue = self.queue


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "id": id,
            "name": name,
            "version": version,
            "title": title,
            "description": description,
            "input_schema": input_schema,
            "rules": rules,
            "model": model,
            "model_settings": model_settings,
            "timeout_seconds": timeout_seconds,
            "max_attempts": max_attempts,
            "labels": labels,
            "toolkits": toolkits,
            "approval": approval,
            "max_turns": max_turns,
            "repair_turns": repair_turns,
            "structured_output": structured_output,
            "tool_timeout_seconds": tool_timeout_seconds,
            "context_tokens": context_tokens,
            "input_timeout_seconds": input_timeout_seconds,
            "created_at": created_at,
            "updated_at": updated_at,
        })
        if output_schema is not UNSET:
            field_dict["output_schema"] = output_schema
        if queue is not UNSET:
            field_dict["queue"] = queue

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.approval import Approval # noqa: PLC0415
        from ..models.runner_input_schema_type_0 import RunnerInputSchemaType0 # noqa: PLC0415
        from ..models.runner_labels import RunnerLabels # noqa: PLC0415
        from ..models.runner_model_settings import RunnerModelSettings # noqa: PLC0415
        from ..models.runner_output_schema_type_0 import RunnerOutputSchemaType0 # noqa: PLC0415
        d = dict(src_dict)
        id = UUID(d.pop("id"))




        name = d.pop("name")

        version = d.pop("version")

        title = d.pop("title")

        description = d.pop("description")

        def _parse_input_schema(data: object) -> bool | RunnerInputSchemaType0:
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                input_schema_type_0 = RunnerInputSchemaType0.from_dict(data)



                return input_schema_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(bool | RunnerInputSchemaType0, data)

        input_schema = _parse_input_schema(d.pop("input_schema"))


        rules = cast(list[str], d.pop("rules"))


        model = d.pop("model")

        model_settings = RunnerModelSettings.from_dict(d.pop("model_settings"))




        timeout_seconds = d.pop("timeout_seconds")

        max_attempts = d.pop("max_attempts")

        labels = RunnerLabels.from_dict(d.pop("labels"))




        toolkits = cast(list[str], d.pop("toolkits"))


        approval = Approval.from_dict(d.pop("approval"))




        max_turns = d.pop("max_turns")

        repair_turns = d.pop("repair_turns")

        structured_output = StructuredOutput(d.pop("structured_output"))




        tool_timeout_seconds = d.pop("tool_timeout_seconds")

        context_tokens = d.pop("context_tokens")

        input_timeout_seconds = d.pop("input_timeout_seconds")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))




        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))




        def _parse_output_schema(data: object) -> bool | None | RunnerOutputSchemaType0 | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                output_schema_type_0 = RunnerOutputSchemaType0.from_dict(data)



                return output_schema_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(bool | None | RunnerOutputSchemaType0 | Unset, data)

        output_schema = _parse_output_schema(d.pop("output_schema", UNSET))


        def _parse_queue(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        queue = _parse_queue(d.pop("queue", UNSET))


        runner = cls(
            id=id,
            name=name,
            version=version,
            title=title,
            description=description,
            input_schema=input_schema,
            rules=rules,
            model=model,
            model_settings=model_settings,
            timeout_seconds=timeout_seconds,
            max_attempts=max_attempts,
            labels=labels,
            toolkits=toolkits,
            approval=approval,
            max_turns=max_turns,
            repair_turns=repair_turns,
            structured_output=structured_output,
            tool_timeout_seconds=tool_timeout_seconds,
            context_tokens=context_tokens,
            input_timeout_seconds=input_timeout_seconds,
            created_at=created_at,
            updated_at=updated_at,
            output_schema=output_schema,
            queue=queue,
        )


        runner.additional_properties = d
        return runner

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
