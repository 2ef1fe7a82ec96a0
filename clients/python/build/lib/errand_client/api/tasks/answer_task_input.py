from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.problem import Problem
from ...models.task import Task
from ...models.task_input import TaskInput
from typing import cast
from uuid import UUID



def _get_kwargs(
    id: UUID,
    *,
    body: TaskInput,

) -> dict[str, Any]:
    headers: dict[str, Any] = {}


    

    

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/tasks/{id}/input".format(id=quote(str(id), safe=""),),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Problem | Task | None:
    if response.status_code == 200:
        response_200 = Task.from_dict(response.json())



        return response_200

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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Problem | Task]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    id: UUID,
    *,
    client: AuthenticatedClient,
    body: TaskInput,

) -> Response[Problem | Task]:
    """ Answer a task's question

     A task in `input_required` waits for the answer to its `input_request` (a question the
    model asked with `ask_human`). The answer must satisfy the question's schema; it becomes
    the result of the model's call, and the task is queued to go on from there. Sending the
    same answer again returns the task (200); a different one is 409 `answer_conflict`.

    Needs the `write` scope.

    Args:
        id (UUID):
        body (TaskInput): Body of `POST /v1/tasks/{id}/input`.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | Task]
     """


    kwargs = _get_kwargs(
        id=id,
body=body,

    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)

def sync(
    id: UUID,
    *,
    client: AuthenticatedClient,
    body: TaskInput,

) -> Problem | Task | None:
    """ Answer a task's question

     A task in `input_required` waits for the answer to its `input_request` (a question the
    model asked with `ask_human`). The answer must satisfy the question's schema; it becomes
    the result of the model's call, and the task is queued to go on from there. Sending the
    same answer again returns the task (200); a different one is 409 `answer_conflict`.

    Needs the `write` scope.

    Args:
        id (UUID):
        body (TaskInput): Body of `POST /v1/tasks/{id}/input`.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | Task
     """


    return sync_detailed(
        id=id,
client=client,
body=body,

    ).parsed

async def asyncio_detailed(
    id: UUID,
    *,
    client: AuthenticatedClient,
    body: TaskInput,

) -> Response[Problem | Task]:
    """ Answer a task's question

     A task in `input_required` waits for the answer to its `input_request` (a question the
    model asked with `ask_human`). The answer must satisfy the question's schema; it becomes
    the result of the model's call, and the task is queued to go on from there. Sending the
    same answer again returns the task (200); a different one is 409 `answer_conflict`.

    Needs the `write` scope.

    Args:
        id (UUID):
        body (TaskInput): Body of `POST /v1/tasks/{id}/input`.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | Task]
     """


    kwargs = _get_kwargs(
        id=id,
body=body,

    )

    response = await client.get_async_httpx_client().request(
        **kwargs
    )

    return _build_response(client=client, response=response)

async def asyncio(
    id: UUID,
    *,
    client: AuthenticatedClient,
    body: TaskInput,

) -> Problem | Task | None:
    """ Answer a task's question

     A task in `input_required` waits for the answer to its `input_request` (a question the
    model asked with `ask_human`). The answer must satisfy the question's schema; it becomes
    the result of the model's call, and the task is queued to go on from there. Sending the
    same answer again returns the task (200); a different one is 409 `answer_conflict`.

    Needs the `write` scope.

    Args:
        id (UUID):
        body (TaskInput): Body of `POST /v1/tasks/{id}/input`.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | Task
     """


    return (await asyncio_detailed(
        id=id,
client=client,
body=body,

    )).parsed
