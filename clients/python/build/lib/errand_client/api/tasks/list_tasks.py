from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.problem import Problem
from ...models.task_page import TaskPage
from ...models.task_status import TaskStatus
from ...types import UNSET, Unset
from typing import cast
from uuid import UUID
import datetime



def _get_kwargs(
    *,
    status: TaskStatus | Unset = UNSET,
    runner: str | Unset = UNSET,
    runner_id: UUID | Unset = UNSET,
    thread_id: UUID | Unset = UNSET,
    batch: UUID | Unset = UNSET,
    parent_task_id: UUID | Unset = UNSET,
    created_after: datetime.datetime | Unset = UNSET,
    created_before: datetime.datetime | Unset = UNSET,
    limit: int | Unset = UNSET,
    cursor: UUID | Unset = UNSET,

) -> dict[str, Any]:
    

    

    params: dict[str, Any] = {}

    json_status: str | Unset = UNSET
    if not isinstance(status, Unset):
        json_status = status.value

    params["status"] = json_status

    params["runner"] = runner

    json_runner_id: str | Unset = UNSET
    if not isinstance(runner_id, Unset):
        json_runner_id = str(runner_id)
    params["runner_id"] = json_runner_id

    json_thread_id: str | Unset = UNSET
    if not isinstance(thread_id, Unset):
        json_thread_id = str(thread_id)
    params["thread_id"] = json_thread_id

    json_batch: str | Unset = UNSET
    if not isinstance(batch, Unset):
        json_batch = str(batch)
    params["batch"] = json_batch

    json_parent_task_id: str | Unset = UNSET
    if not isinstance(parent_task_id, Unset):
        json_parent_task_id = str(parent_task_id)
    params["parent_task_id"] = json_parent_task_id

    json_created_after: str | Unset = UNSET
    if not isinstance(created_after, Unset):
        json_created_after = created_after.isoformat()
    params["created_after"] = json_created_after

    json_created_before: str | Unset = UNSET
    if not isinstance(created_before, Unset):
        json_created_before = created_before.isoformat()
    params["created_before"] = json_created_before

    params["limit"] = limit

    json_cursor: str | Unset = UNSET
    if not isinstance(cursor, Unset):
        json_cursor = str(cursor)
    params["cursor"] = json_cursor


    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}


    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/tasks",
        "params": params,
    }


    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Problem | TaskPage | None:
    if response.status_code == 200:
        response_200 = TaskPage.from_dict(response.json())



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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Problem | TaskPage]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    status: TaskStatus | Unset = UNSET,
    runner: str | Unset = UNSET,
    runner_id: UUID | Unset = UNSET,
    thread_id: UUID | Unset = UNSET,
    batch: UUID | Unset = UNSET,
    parent_task_id: UUID | Unset = UNSET,
    created_after: datetime.datetime | Unset = UNSET,
    created_before: datetime.datetime | Unset = UNSET,
    limit: int | Unset = UNSET,
    cursor: UUID | Unset = UNSET,

) -> Response[Problem | TaskPage]:
    """ List tasks

     

    Needs the `read` scope.

    Args:
        status (TaskStatus | Unset):
        runner (str | Unset):
        runner_id (UUID | Unset):
        thread_id (UUID | Unset):
        batch (UUID | Unset):
        parent_task_id (UUID | Unset):
        created_after (datetime.datetime | Unset):
        created_before (datetime.datetime | Unset):
        limit (int | Unset):
        cursor (UUID | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | TaskPage]
     """


    kwargs = _get_kwargs(
        status=status,
runner=runner,
runner_id=runner_id,
thread_id=thread_id,
batch=batch,
parent_task_id=parent_task_id,
created_after=created_after,
created_before=created_before,
limit=limit,
cursor=cursor,

    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)

def sync(
    *,
    client: AuthenticatedClient,
    status: TaskStatus | Unset = UNSET,
    runner: str | Unset = UNSET,
    runner_id: UUID | Unset = UNSET,
    thread_id: UUID | Unset = UNSET,
    batch: UUID | Unset = UNSET,
    parent_task_id: UUID | Unset = UNSET,
    created_after: datetime.datetime | Unset = UNSET,
    created_before: datetime.datetime | Unset = UNSET,
    limit: int | Unset = UNSET,
    cursor: UUID | Unset = UNSET,

) -> Problem | TaskPage | None:
    """ List tasks

     

    Needs the `read` scope.

    Args:
        status (TaskStatus | Unset):
        runner (str | Unset):
        runner_id (UUID | Unset):
        thread_id (UUID | Unset):
        batch (UUID | Unset):
        parent_task_id (UUID | Unset):
        created_after (datetime.datetime | Unset):
        created_before (datetime.datetime | Unset):
        limit (int | Unset):
        cursor (UUID | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | TaskPage
     """


    return sync_detailed(
        client=client,
status=status,
runner=runner,
runner_id=runner_id,
thread_id=thread_id,
batch=batch,
parent_task_id=parent_task_id,
created_after=created_after,
created_before=created_before,
limit=limit,
cursor=cursor,

    ).parsed

async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    status: TaskStatus | Unset = UNSET,
    runner: str | Unset = UNSET,
    runner_id: UUID | Unset = UNSET,
    thread_id: UUID | Unset = UNSET,
    batch: UUID | Unset = UNSET,
    parent_task_id: UUID | Unset = UNSET,
    created_after: datetime.datetime | Unset = UNSET,
    created_before: datetime.datetime | Unset = UNSET,
    limit: int | Unset = UNSET,
    cursor: UUID | Unset = UNSET,

) -> Response[Problem | TaskPage]:
    """ List tasks

     

    Needs the `read` scope.

    Args:
        status (TaskStatus | Unset):
        runner (str | Unset):
        runner_id (UUID | Unset):
        thread_id (UUID | Unset):
        batch (UUID | Unset):
        parent_task_id (UUID | Unset):
        created_after (datetime.datetime | Unset):
        created_before (datetime.datetime | Unset):
        limit (int | Unset):
        cursor (UUID | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | TaskPage]
     """


    kwargs = _get_kwargs(
        status=status,
runner=runner,
runner_id=runner_id,
thread_id=thread_id,
batch=batch,
parent_task_id=parent_task_id,
created_after=created_after,
created_before=created_before,
limit=limit,
cursor=cursor,

    )

    response = await client.get_async_httpx_client().request(
        **kwargs
    )

    return _build_response(client=client, response=response)

async def asyncio(
    *,
    client: AuthenticatedClient,
    status: TaskStatus | Unset = UNSET,
    runner: str | Unset = UNSET,
    runner_id: UUID | Unset = UNSET,
    thread_id: UUID | Unset = UNSET,
    batch: UUID | Unset = UNSET,
    parent_task_id: UUID | Unset = UNSET,
    created_after: datetime.datetime | Unset = UNSET,
    created_before: datetime.datetime | Unset = UNSET,
    limit: int | Unset = UNSET,
    cursor: UUID | Unset = UNSET,

) -> Problem | TaskPage | None:
    """ List tasks

     

    Needs the `read` scope.

    Args:
        status (TaskStatus | Unset):
        runner (str | Unset):
        runner_id (UUID | Unset):
        thread_id (UUID | Unset):
        batch (UUID | Unset):
        parent_task_id (UUID | Unset):
        created_after (datetime.datetime | Unset):
        created_before (datetime.datetime | Unset):
        limit (int | Unset):
        cursor (UUID | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | TaskPage
     """


    return (await asyncio_detailed(
        client=client,
status=status,
runner=runner,
runner_id=runner_id,
thread_id=thread_id,
batch=batch,
parent_task_id=parent_task_id,
created_after=created_after,
created_before=created_before,
limit=limit,
cursor=cursor,

    )).parsed
