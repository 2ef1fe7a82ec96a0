"""Following ``GET /v1/tasks/{id}/events`` (Server-Sent Events), resuming after the last
event seen when the connection drops."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from typing import Optional
from urllib.parse import quote

import httpx

from errand_client.models import TaskEvent

#: Reconnections in a row without an event before giving up.
MAX_RECONNECTS = 10

TERMINAL = frozenset({"task.succeeded", "task.failed", "task.cancelled", "task.timed_out"})


def is_terminal(event_type: str) -> bool:
    """Whether an event of this type ends its task's stream."""
    return event_type in TERMINAL


def follow(
    http: httpx.Client,
    task_id: str,
    *,
    after: int = 0,
    deadline: Optional[float] = None,
) -> Iterator[TaskEvent]:
    """Yields the task's events after seq ``after`` until the terminal one (or until the
    server says nothing is left: 204). Raises ``TimeoutError`` past ``deadline``
    (``time.monotonic()``)."""
    from errand._client import ErrandError

    last = after
    dropped = 0
    path = f"/v1/tasks/{quote(str(task_id), safe='')}/events"
    while True:
        headers = {"Accept": "text/event-stream"}
        if last > 0:
            headers["Last-Event-ID"] = str(last)
        try:
            with http.stream("GET", path, headers=headers, timeout=_timeout(http, deadline)) as res:
                if res.status_code == 204:
                    return
                if res.status_code >= 400:
                    res.read()
                    raise ErrandError(res.status_code, _problem(res))
                # Heartbeats keep every read short: only closing the response from outside
                # ends a wait at its deadline.
                timer = _closer(res, deadline)
                try:
                    for event in _events(res):
                        last = event.seq
                        dropped = 0
                        yield event
                        if is_terminal(event.type_):
                            return
                finally:
                    if timer is not None:
                        timer.cancel()
        except (httpx.TransportError, httpx.StreamError, RuntimeError) as e:
            if deadline is not None and time.monotonic() >= deadline:
                raise TimeoutError(f"task {task_id} did not end in time") from e
            if dropped >= MAX_RECONNECTS:
                raise
        if deadline is not None and time.monotonic() >= deadline:
            raise TimeoutError(f"task {task_id} did not end in time")
        # Closed (or broken) before the end: resume after the last event.
        dropped += 1
        if dropped > MAX_RECONNECTS:
            raise ErrandError(502, {"detail": f"the event stream of task {task_id} kept dropping"})
        time.sleep(min(0.25 * 2**dropped, 5.0))


def _closer(res: httpx.Response, deadline: Optional[float]) -> Optional[threading.Timer]:
    """Cuts ``res``'s connection at ``deadline``: its reader stops at once with an error."""
    if deadline is None:
        return None

    def cut() -> None:
        stream = res.extensions.get("network_stream")
        sock = stream.get_extra_info("socket") if stream is not None else None
        if sock is not None:
            # A shutdown wakes a blocked read; closing the response alone would not.
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        else:
            res.close()

    timer = threading.Timer(max(deadline - time.monotonic(), 0.0), cut)
    timer.daemon = True
    timer.start()
    return timer


def _timeout(http: httpx.Client, deadline: Optional[float]) -> httpx.Timeout:
    if deadline is None:
        return http.timeout
    left = max(deadline - time.monotonic(), 0.001)
    return httpx.Timeout(left)


def _problem(res: httpx.Response) -> dict:
    try:
        body = res.json()
        return body if isinstance(body, dict) else {}
    except ValueError:
        return {"detail": res.text}


def _events(res: httpx.Response) -> Iterator[TaskEvent]:
    data: list[str] = []
    for line in res.iter_lines():
        if line == "":
            if data:
                yield TaskEvent.from_dict(json.loads("\n".join(data)))
            data = []
        elif line.startswith("data:"):
            value = line[5:]
            data.append(value[1:] if value.startswith(" ") else value)
