from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.invoke_result import InvokeResult
from ...models.invoke_tool import InvokeTool
from ...models.problem import Problem
from ...types import UNSET, Unset
from typing import cast



def _get_kwargs(
    name: str,
    *,
    body: InvokeTool,
    wait: int | Unset = UNSET,
    idempotency_key: None | str | Unset = UNSET,
    prefer: None | str | Unset = UNSET,

) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(idempotency_key, Unset):
        headers["Idempotency-Key"] = idempotency_key

    if not isinstance(prefer, Unset):
        headers["Prefer"] = prefer



    

    params: dict[str, Any] = {}

    params["wait"] = wait


    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}


    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/tools/{name}/invoke".format(name=quote(str(name), safe=""),),
        "params": params,
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> InvokeResult | Problem | None:
    if response.status_code == 200:
        response_200 = InvokeResult.from_dict(response.json())



        return response_200

    if response.status_code == 202:
        response_202 = InvokeResult.from_dict(response.json())



        return response_202

    if response.status_code == 400:
        response_400 = Problem.from_dict(response.json())



        return response_400

    if response.status_code == 401:
        response_401 = Problem.from_dict(response.json())



        return response_401

    if response.status_code == 403:
        response_403 = Problem.from_dict(response.json())



        return response_403

    if response.status_code == 404:
        response_404 = Problem.from_dict(response.json())



        return response_404

    if response.status_code == 409:
        response_409 = Problem.from_dict(response.json())



        return response_409

    if response.status_code == 413:
        response_413 = Problem.from_dict(response.json())



        return response_413

    if response.status_code == 415:
        response_415 = Problem.from_dict(response.json())



        return response_415

    if response.status_code == 422:
        response_422 = Problem.from_dict(response.json())



        return response_422

    if response.status_code == 429:
        response_429 = Problem.from_dict(response.json())



        return response_429

    if response.status_code == 500:
        response_500 = Problem.from_dict(response.json())



        return response_500

    if response.status_code == 503:
        response_503 = Problem.from_dict(response.json())



        return response_503

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[InvokeResult | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    name: str,
    *,
    client: AuthenticatedClient,
    body: InvokeTool,
    wait: int | Unset = UNSET,
    idempotency_key: None | str | Unset = UNSET,
    prefer: None | str | Unset = UNSET,

) -> Response[InvokeResult | Problem]:
    """ Invoke a tool

     Checks the arguments against the tool's input schema (422 with a pointer for each
    violation) and runs the tool: 200 with its `output`, or its `error` when the tool
    failed. A runner's tool (`run_<name>_task`) creates a task: 200 with the task's output
    when it ends within `?wait=N` (or `Prefer: wait=N`), else 202 with the task to follow.
    `Idempotency-Key` makes a runner tool's invocation safe to repeat.

    Needs the `write` scope.

    Args:
        name (str):
        wait (int | Unset):
        idempotency_key (None | str | Unset):
        prefer (None | str | Unset):
        body (InvokeTool): Body of `POST /v1/tools/{name}/invoke`.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[InvokeResult | Problem]
     """


    kwargs = _get_kwargs(
        name=name,
body=body,
wait=wait,
idempotency_key=idempotency_key,
prefer=prefer,

    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)

def sync(
    name: str,
    *,
    client: AuthenticatedClient,
    body: InvokeTool,
    wait: int | Unset = UNSET,
    idempotency_key: None | str | Unset = UNSET,
    prefer: None | str | Unset = UNSET,

) -> InvokeResult | Problem | None:
    """ Invoke a tool

     Checks the arguments against the tool's input schema (422 with a pointer for each
    violation) and runs the tool: 200 with its `output`, or its `error` when the tool
    failed. A runner's tool (`run_<name>_task`) creates a task: 200 with the task's output
    when it ends within `?wait=N` (or `Prefer: wait=N`), else 202 with the task to follow.
    `Idempotency-Key` makes a runner tool's invocation safe to repeat.

    Needs the `write` scope.

    Args:
        name (str):
        wait (int | Unset):
        idempotency_key (None | str | Unset):
        prefer (None | str | Unset):
        body (InvokeTool): Body of `POST /v1/tools/{name}/invoke`.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        InvokeResult | Problem
     """


    return sync_detailed(
        name=name,
client=client,
body=body,
wait=wait,
idempotency_key=idempotency_key,
prefer=prefer,

    ).parsed

async def asyncio_detailed(
    name: str,
    *,
    client: AuthenticatedClient,
    body: InvokeTool,
    wait: int | Unset = UNSET,
    idempotency_key: None | str | Unset = UNSET,
    prefer: None | str | Unset = UNSET,

) -> Response[InvokeResult | Problem]:
    """ Invoke a tool

     Checks the arguments against the tool's input schema (422 with a pointer for each
    violation) and runs the tool: 200 with its `output`, or its `error` when the tool
    failed. A runner's tool (`run_<name>_task`) creates a task: 200 with the task's output
    when it ends within `?wait=N` (or `Prefer: wait=N`), else 202 with the task to follow.
    `Idempotency-Key` makes a runner tool's invocation safe to repeat.

    Needs the `write` scope.

    Args:
        name (str):
        wait (int | Unset):
        idempotency_key (None | str | Unset):
        prefer (None | str | Unset):
        body (InvokeTool): Body of `POST /v1/tools/{name}/invoke`.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[InvokeResult | Problem]
     """


    kwargs = _get_kwargs(
        name=name,
body=body,
wait=wait,
idempotency_key=idempotency_key,
prefer=prefer,

    )

    response = await client.get_async_httpx_client().request(
        **kwargs
    )

    return _build_response(client=client, response=response)

async def asyncio(
    name: str,
    *,
    client: AuthenticatedClient,
    body: InvokeTool,
    wait: int | Unset = UNSET,
    idempotency_key: None | str | Unset = UNSET,
    prefer: None | str | Unset = UNSET,

) -> InvokeResult | Problem | None:
    """ Invoke a tool

     Checks the arguments against the tool's input schema (422 with a pointer for each
    violation) and runs the tool: 200 with its `output`, or its `error` when the tool
    failed. A runner's tool (`run_<name>_task`) creates a task: 200 with the task's output
    when it ends within `?wait=N` (or `Prefer: wait=N`), else 202 with the task to follow.
    `Idempotency-Key` makes a runner tool's invocation safe to repeat.

    Needs the `write` scope.

    Args:
        name (str):
        wait (int | Unset):
        idempotency_key (None | str | Unset):
        prefer (None | str | Unset):
        body (InvokeTool): Body of `POST /v1/tools/{name}/invoke`.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        InvokeResult | Problem
     """


    return (await asyncio_detailed(
        name=name,
client=client,
body=body,
wait=wait,
idempotency_key=idempotency_key,
prefer=prefer,

    )).parsed
