"""``Errand``: submit, wait, stream, answer and cancel over the generated client."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any, Optional, Union
from uuid import UUID

import httpx

from errand_client import AuthenticatedClient, Client
from errand_client.api.tasks import (
    answer_task_input,
    cancel_task,
    create_task,
    get_task,
)
from errand_client.models import Batch, CreateTask, Task, TaskEvent, TaskInput
from errand_client.types import UNSET, Response

from errand._sse import follow, is_terminal

SETTLED = frozenset({"succeeded", "failed", "cancelled", "timed_out"})




class ErrandError(Exception):
    """A request Errand refused or failed: its HTTP status and problem+json (``code``,
    ``detail``, and for schema violations ``errors`` with a JSON pointer each)."""

    def __init__(self, status: int, problem: dict[str, Any]):
        self.status = status
        self.problem = problem
        self.code: Optional[str] = problem.get("code")
        self.errors: list[dict[str, Any]] = list(problem.get("errors") or [])
        super().__init__(f"{status} {self.code}: {problem.get('detail', '')}")


def _task(response: Response[Any], expected: tuple[int, ...]) -> Task:
    if response.status_code in expected and isinstance(response.parsed, Task):
        return response.parsed
    raise _refusal(response)


def _refusal(response: Response[Any]) -> ErrandError:
    try:
        problem = httpx.Response(response.status_code, content=response.content).json()
    except ValueError:
        problem = {"detail": response.content.decode("utf-8", "replace")}
    return ErrandError(response.status_code, problem if isinstance(problem, dict) else {})


def awaits_caller(task: Task) -> bool:
    """Settled, or waiting for an answer (its own question, or one of its children's: a
    waiting task shows an unanswered one asked below it, with its ``task_id``)."""
    status = str(task.status.value if hasattr(task.status, "value") else task.status)
    request = task.to_dict().get("input_request") or {}
    asked_below = request.get("task_id") is not None and request.get("answer") is None
    return status in SETTLED or status == "input_required" or (status == "waiting" and asked_below)


class Errand:
    """A client of one Errand server. ``api`` is the generated client, for every other
    operation (``errand_client.api.*``)."""

    def __init__(
        self,
        base_url: str,
        api_key: Optional[str] = None,
        *,
        timeout: float = 30.0,
    ) -> None:
        base_url = base_url.rstrip("/")
        http_timeout = httpx.Timeout(timeout)
        if api_key:
            self.api: Client | AuthenticatedClient = AuthenticatedClient(
                base_url=base_url, token=api_key, timeout=http_timeout
            )
            headers = {"Authorization": f"Bearer {api_key}"}
        else:
            self.api = Client(base_url=base_url, timeout=http_timeout)
            headers = {}
        # Streams read without a time limit between events: heartbeats keep them alive.
        self._streams = httpx.Client(
            base_url=base_url,
            headers=headers,
            timeout=httpx.Timeout(timeout, read=None),
        )

    def close(self) -> None:
        self._streams.close()
        self.api.get_httpx_client().close()

    def __enter__(self) -> Errand:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def submit(
        self,
        runner: str,
        arguments: Any = None,
        *,
        idempotency_key: Optional[str] = None,
        **options: Any,
    ) -> Task:
        """Queues a task of ``runner``; ``options`` are the other fields of the submission
        (``thread``, ``priority``, ``rules``, ``model_settings``, ...). A batch across
        ``models`` is ``submit_batch``."""
        if "models" in options:
            raise ValueError("a submission with models is a batch: use submit_batch")
        response = self._create(runner, arguments, idempotency_key, options)
        return _task(response, (200, 202))

    def submit_batch(
        self,
        runner: str,
        arguments: Any,
        models: list[str],
        *,
        idempotency_key: Optional[str] = None,
        **options: Any,
    ) -> Batch:
        """Queues one task of ``runner`` per model, as a batch sharing one ``batch_id``."""
        response = self._create(runner, arguments, idempotency_key, {**options, "models": models})
        if response.status_code in (200, 202) and isinstance(response.parsed, Batch):
            return response.parsed
        raise _refusal(response)

    def _create(
        self,
        runner: str,
        arguments: Any,
        idempotency_key: Optional[str],
        options: dict[str, Any],
    ) -> Response[Any]:
        body = CreateTask.from_dict({"arguments": {} if arguments is None else arguments, **options})
        return create_task.sync_detailed(
            runner,
            client=self.api,  # type: ignore[arg-type]
            body=body,
            idempotency_key=UNSET if idempotency_key is None else idempotency_key,
        )

    def get(self, task_id: Union[str, UUID]) -> Task:
        response = get_task.sync_detailed(UUID(str(task_id)), client=self.api)  # type: ignore[arg-type]
        return _task(response, (200,))

    def wait(self, task_id: Union[str, UUID], *, timeout: Optional[float] = None) -> Task:
        """The task once it ends or waits for an answer (follows its event stream).
        Raises ``TimeoutError`` after ``timeout`` seconds."""
        deadline = None if timeout is None else time.monotonic() + timeout
        after = 0
        while True:
            stopped = None
            for event in follow(self._streams, str(task_id), after=after, deadline=deadline):
                after = event.seq
                if is_terminal(event.type_):
                    return Task.from_dict(event.data.to_dict()["task"])
                if event.type_ == "task.input_required":
                    stopped = event
                    break
            task = self.get(task_id)
            if stopped is None or awaits_caller(task):
                return task
            # A question asked earlier and answered since: go on after it.

    def submit_and_wait(
        self,
        runner: str,
        arguments: Any = None,
        *,
        timeout: Optional[float] = None,
        **options: Any,
    ) -> Task:
        """Submits, then waits for the end (or a question); see ``wait``."""
        task = self.submit(runner, arguments, **options)
        return self.wait(task.id, timeout=timeout)

    def stream(self, task_id: Union[str, UUID], *, after: int = 0) -> Iterator[TaskEvent]:
        """The task's events after ``after`` as they come, ending with the terminal one.
        A dropped connection resumes after the last event seen (``Last-Event-ID``): nothing
        is missed or repeated."""
        yield from follow(self._streams, str(task_id), after=after)

    def answer(self, task_id: Union[str, UUID], request_id: Union[str, UUID], answer: Any) -> Task:
        """Answers the question ``request_id`` the task (or a child of it) asks."""
        body = TaskInput.from_dict({"request_id": str(request_id), "answer": answer})
        response = answer_task_input.sync_detailed(UUID(str(task_id)), client=self.api, body=body)  # type: ignore[arg-type]
        return _task(response, (200, 202))

    def cancel(self, task_id: Union[str, UUID]) -> Task:
        response = cancel_task.sync_detailed(UUID(str(task_id)), client=self.api)  # type: ignore[arg-type]
        return _task(response, (200, 202))
