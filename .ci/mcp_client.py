"""An independent MCP client (the official Python SDK, `mcp` from PyPI) against a live
Errand: lists tools, calls `calculator`, calls a runner's tool that finishes within the
call, and one that outlasts it, followed through the tasks extension (`tasks/get`) to its
result. Usage: mcp_client.py URL KEY. Exits non-zero on any mismatch."""

import sys
from typing import Literal

import anyio
import httpx2
import mcp_types as types
from mcp.client import Client
from mcp.client.extension import ClaimContext, ClientExtension, ResultClaim
from mcp.client.streamable_http import streamable_http_client
from pydantic import ConfigDict, Field


class TaskHandle(types.Result):
    """A `tools/call` answered with a task (`resultType: "task"`)."""

    model_config = ConfigDict(extra="allow", populate_by_name=True)
    result_type: Literal["task"] = Field(alias="resultType")
    task_id: str = Field(alias="taskId")
    status: str


class GetTask(types.GetTaskRequest):
    """`tasks/get`, with the task id mirrored into the `Mcp-Name` header as SEP-2663 asks."""

    name_param = "taskId"


class TaskState(types.Result):
    """A `tasks/get` answer: the task with its status-specific payload."""

    model_config = ConfigDict(extra="allow")


async def follow(handle: TaskHandle, ctx: ClaimContext) -> types.CallToolResult:
    """Polls `tasks/get` until the task leaves `working`; its result is the call's."""
    print(f"  task {handle.task_id} is {handle.status}; following it with tasks/get")
    for _ in range(600):
        request = GetTask(params=types.GetTaskRequestParams(task_id=handle.task_id))
        state = (await ctx.session.send_request(request, TaskState)).model_dump(by_alias=True)
        if state["status"] != "working":
            assert state["status"] == "completed", state
            return types.CallToolResult.model_validate(state["result"])
        await anyio.sleep(0.2)
    raise AssertionError(f"task {handle.task_id} never completed")


class Tasks(ClientExtension):
    """The `io.modelcontextprotocol/tasks` extension, as far as following a call goes."""

    identifier = "io.modelcontextprotocol/tasks"

    def claims(self):
        return [ResultClaim(result_type="task", model=TaskHandle, resolve=follow)]


def text_of(result: types.CallToolResult) -> str:
    return "".join(getattr(block, "text", "") for block in result.content)


async def main(url: str, key: str) -> None:
    http = httpx2.AsyncClient(headers={"Authorization": f"Bearer {key}"}, timeout=60)
    transport = streamable_http_client(url, http_client=http)
    async with Client(transport, extensions=[Tasks()]) as client:
        tools = await client.list_tools()
        names = sorted(t.name for t in tools.tools)
        print("tools:", ", ".join(names))
        for expected in ("calculator", "run_quick_task", "run_slow_task"):
            assert expected in names, names

        result = await client.call_tool("calculator", {"expression": "6*7"})
        assert not result.is_error, result
        assert result.structured_content["result"] == 42, result
        print("calculator: 6*7 =", result.structured_content["result"])

        result = await client.call_tool("run_quick_task", {"text": "hi"})
        assert not result.is_error, result
        assert result.structured_content == {"text": "hi"}, result
        print("run_quick_task (as a task):", result.structured_content)

        result = await client.call_tool("run_slow_task", {})
        assert not result.is_error, result
        assert text_of(result) == "done at last", result
        print("run_slow_task:", text_of(result))
    # Without the extension a runner's tool answers within the call.
    plain = streamable_http_client(url, http_client=http)
    async with Client(plain) as client:
        result = await client.call_tool("run_quick_task", {"text": "plain"})
        assert not result.is_error, result
        assert result.structured_content == {"text": "plain"}, result
        print("run_quick_task (blocking):", result.structured_content)
    print("the Python MCP client passed")


if __name__ == "__main__":
    anyio.run(main, sys.argv[1], sys.argv[2])
