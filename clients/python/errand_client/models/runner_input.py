from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.structured_output import StructuredOutput
from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.approval import Approval
  from ..models.runner_input_input_schema_type_0 import RunnerInputInputSchemaType0
  from ..models.runner_input_labels import RunnerInputLabels
  from ..models.runner_input_model_settings import RunnerInputModelSettings
  from ..models.runner_input_output_schema_type_0 import RunnerInputOutputSchemaType0





T = TypeVar("T", bound="RunnerInput")



@_attrs_define
class RunnerInput:
    """ A runner definition, as registered (`POST /v1/runners`) or replaced (`PUT`).

        Attributes:
            title (None | str | Unset): Display title; defaults to the name.
            description (str | Unset):
            input_schema (bool | RunnerInputInputSchemaType0 | Unset): A JSON Schema (draft 4, 6, 7, 2019-09 or 2020-12)
            output_schema (bool | None | RunnerInputOutputSchemaType0 | Unset): A JSON Schema (draft 4, 6, 7, 2019-09 or
                2020-12), or null
            rules (list[str] | Unset): Instructions given to the model as its system prompt, in order.
            model (str | Unset): `mock`, `provider/model` for a configured provider, or a model alias (`GET
                /v1/models/aliases`): the runner follows the alias. Example: mock.
            model_settings (RunnerInputModelSettings | Unset): Provider settings (temperature, max_tokens, …); a task's keys
                override these.
                For `mock`, `model_settings.mock` scripts the reply (see the README).
            timeout_seconds (int | Unset): Wall-clock limit of one attempt. Example: 300.
            max_attempts (int | Unset): Attempts before a task fails for good (crashed workers and retryable errors).
                Example: 3.
            labels (RunnerInputLabels | Unset):
            toolkits (list[str] | Unset):
            approval (Approval | Unset): Which of a runner's tools wait for a person's approval before each call runs: those
                named, and with `non_read_only` every tool not marked read-only. Empty: none do.
            max_turns (int | Unset): Model calls one attempt may make (repair turns not counted); reaching it with
                tool calls still pending fails the task with `max_turns_exceeded`. Example: 10.
            repair_turns (int | Unset): Extra model calls that feed output-schema violations back to the model before the
                task fails with `output_invalid`. Example: 2.
            structured_output (StructuredOutput | Unset): How a call asks for structured output when the runner has an
                `output_schema`.
            tool_timeout_seconds (int | Unset): Limit of one tool call. Example: 60.
            context_tokens (int | Unset): The prompt budget of a task on a thread, in tokens (estimated at about four
                characters a token): the thread's history is trimmed, oldest exchanges first, to fit
                it with the rules and the task's own message. Example: 32000.
            input_timeout_seconds (int | Unset): How long a question the model asks a person (`ask_human`) waits for its
                answer
                before the task fails with `input_timeout`; a task may set its own. Example: 86400.
            queue (None | str | Unset): A queue this runner consumes: each message of `/v1/queues/{queue}` becomes a task of
                this runner with the message's payload as its arguments (runners on one queue
                compete for its messages). Example: inbox.
     """

    title: None | str | Unset = UNSET
    description: str | Unset = UNSET
    input_schema: bool | RunnerInputInputSchemaType0 | Unset = UNSET
    output_schema: bool | None | RunnerInputOutputSchemaType0 | Unset = UNSET
    rules: list[str] | Unset = UNSET
    model: str | Unset = UNSET
    model_settings: RunnerInputModelSettings | Unset = UNSET
    timeout_seconds: int | Unset = UNSET
    max_attempts: int | Unset = UNSET
    labels: RunnerInputLabels | Unset = UNSET
    toolkits: list[str] | Unset = UNSET
    approval: Approval | Unset = UNSET
    max_turns: int | Unset = UNSET
    repair_turns: int | Unset = UNSET
    structured_output: StructuredOutput | Unset = UNSET
    tool_timeout_seconds: int | Unset = UNSET
    context_tokens: int | Unset = UNSET
    input_timeout_seconds: int | Unset = UNSET
    queue: None | str | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        from ..models.approval import Approval # noqa: PLC0415
        from ..models.runner_input_input_schema_type_0 import RunnerInputInputSchemaType0 # noqa: PLC0415
        from ..models.runner_input_labels import RunnerInputLabels # noqa: PLC0415
        from ..models.runner_input_model_settings import RunnerInputModelSettings # noqa: PLC0415
        from ..models.runner_input_output_schema_type_0 import RunnerInputOutputSchemaType0 # noqa: PLC0415
        title: None | str | Unset
        if isinstance(self.title, Unset):
            title = UNSET
        else:
            title = self.title

        description = self.description

        input_schema: bool | dict[str, Any] | Unset
        if isinstance(self.input_schema, Unset):
            input_schema = UNSET
        elif isinstance(self.input_schema, RunnerInputInputSchemaType0):
            input_schema = self.input_schema.to_dict()
        else:
            input_schema = self.input_schema

        output_schema: bool | dict[str, Any] | None | Unset
        if isinstance(self.output_schema, Unset):
            output_schema = UNSET
        elif isinstance(self.output_schema, RunnerInputOutputSchemaType0):
            output_schema = self.output_schema.to_dict()
        else:
            output_schema = self.output_schema

        rules: list[str] | Unset = UNSET
        if not isinstance(self.rules, Unset):
            rules = self.rules



        model = self.model

        model_settings: dict[str, Any] | Unset = UNSET
        if not isinstance(self.model_settings, Unset):
            model_settings = self.model_settings.to_dict()

        timeout_seconds = self.timeout_seconds

        max_attempts = self.max_attempts

        labels: dict[str, Any] | Unset = UNSET
        if not isinstance(self.labels, Unset):
            labels = self.labels.to_dict()

        toolkits: list[str] | Unset = UNSET
        if not isinstance(self.toolkits, Unset):
            toolkits = self.toolkits



        approval: dict[str, Any] | Unset = UNSET
        if not isinstance(self.approval, Unset):
            approval = self.approval.to_dict()

        max_turns = self.max_turns

        repair_turns = self.repair_turns

        structured_output: str | Unset = UNSET
        if not isinstance(self.structured_output, Unset):
            structured_output = self.structured_output.value


        tool_timeout_seconds = self.tool_timeout_seconds

        context_tokens = self.context_tokens

        input_timeout_seconds = self.input_timeout_seconds

        queue: None | str | Unset
        if isinstance(self.queue, Unset):
            queue = UNSET
        else:
            queue = self.queue


        field_dict: dict[str, Any] = {}

        field_dict.update({
        })
        if title is not UNSET:
            field_dict["title"] = title
        if description is not UNSET:
            field_dict["description"] = description
        if input_schema is not UNSET:
            field_dict["input_schema"] = input_schema
        if output_schema is not UNSET:
            field_dict["output_schema"] = output_schema
        if rules is not UNSET:
            field_dict["rules"] = rules
        if model is not UNSET:
            field_dict["model"] = model
        if model_settings is not UNSET:
            field_dict["model_settings"] = model_settings
        if timeout_seconds is not UNSET:
            field_dict["timeout_seconds"] = timeout_seconds
        if max_attempts is not UNSET:
            field_dict["max_attempts"] = max_attempts
        if labels is not UNSET:
            field_dict["labels"] = labels
        if toolkits is not UNSET:
            field_dict["toolkits"] = toolkits
        if approval is not UNSET:
            field_dict["approval"] = approval
        if max_turns is not UNSET:
            field_dict["max_turns"] = max_turns
        if repair_turns is not UNSET:
            field_dict["repair_turns"] = repair_turns
        if structured_output is not UNSET:
            field_dict["structured_output"] = structured_output
        if tool_timeout_seconds is not UNSET:
            field_dict["tool_timeout_seconds"] = tool_timeout_seconds
        if context_tokens is not UNSET:
            field_dict["context_tokens"] = context_tokens
        if input_timeout_seconds is not UNSET:
            field_dict["input_timeout_seconds"] = input_timeout_seconds
        if queue is not UNSET:
            field_dict["queue"] = queue

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.approval import Approval # noqa: PLC0415
        from ..models.runner_input_input_schema_type_0 import RunnerInputInputSchemaType0 # noqa: PLC0415
        from ..models.runner_input_labels import RunnerInputLabels # noqa: PLC0415
        from ..models.runner_input_model_settings import RunnerInputModelSettings # noqa: PLC0415
        from ..models.runner_input_output_schema_type_0 import RunnerInputOutputSchemaType0 # noqa: PLC0415
        d = dict(src_dict)
        def _parse_title(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        title = _parse_title(d.pop("title", UNSET))


        description = d.pop("description", UNSET)

        def _parse_input_schema(data: object) -> bool | RunnerInputInputSchemaType0 | Unset:
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                input_schema_type_0 = RunnerInputInputSchemaType0.from_dict(data)



                return input_schema_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(bool | RunnerInputInputSchemaType0 | Unset, data)

        input_schema = _parse_input_schema(d.pop("input_schema", UNSET))


        def _parse_output_schema(data: object) -> bool | None | RunnerInputOutputSchemaType0 | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                output_schema_type_0 = RunnerInputOutputSchemaType0.from_dict(data)



                return output_schema_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(bool | None | RunnerInputOutputSchemaType0 | Unset, data)

        output_schema = _parse_output_schema(d.pop("output_schema", UNSET))


        rules = cast(list[str], d.pop("rules", UNSET))


        model = d.pop("model", UNSET)

        _model_settings = d.pop("model_settings", UNSET)
        model_settings: RunnerInputModelSettings | Unset
        if isinstance(_model_settings,  Unset):
            model_settings = UNSET
        else:
            model_settings = RunnerInputModelSettings.from_dict(_model_settings)




        timeout_seconds = d.pop("timeout_seconds", UNSET)

        max_attempts = d.pop("max_attempts", UNSET)

        _labels = d.pop("labels", UNSET)
        labels: RunnerInputLabels | Unset
        if isinstance(_labels,  Unset):
            labels = UNSET
        else:
            labels = RunnerInputLabels.from_dict(_labels)




        toolkits = cast(list[str], d.pop("toolkits", UNSET))


        _approval = d.pop("approval", UNSET)
        approval: Approval | Unset
        if isinstance(_approval,  Unset):
            approval = UNSET
        else:
            approval = Approval.from_dict(_approval)




        max_turns = d.pop("max_turns", UNSET)

        repair_turns = d.pop("repair_turns", UNSET)

        _structured_output = d.pop("structured_output", UNSET)
        structured_output: StructuredOutput | Unset
        if isinstance(_structured_output,  Unset):
            structured_output = UNSET
        else:
            structured_output = StructuredOutput(_structured_output)




        tool_timeout_seconds = d.pop("tool_timeout_seconds", UNSET)

        context_tokens = d.pop("context_tokens", UNSET)

        input_timeout_seconds = d.pop("input_timeout_seconds", UNSET)

        def _parse_queue(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        queue = _parse_queue(d.pop("queue", UNSET))


        runner_input = cls(
            title=title,
            description=description,
            input_schema=input_schema,
            output_schema=output_schema,
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
            queue=queue,
        )

        return runner_input

