from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.batch import Batch
from ...models.create_task import CreateTask
from ...models.problem import Problem
from ...models.task import Task
from ...types import UNSET, Unset
from typing import cast



def _get_kwargs(
    name: str,
    *,
    body: CreateTask,
    wait: int | Unset = UNSET,
    stream: bool | Unset = UNSET,
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

    params["stream"] = stream


    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}


    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/runners/{name}/tasks".format(name=quote(str(name), safe=""),),
        "params": params,
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Batch | Task | Problem | None:
    if response.status_code == 200:
        def _parse_response_200(data: object) -> Batch | Task:
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                componentsschemas_task_or_batch_type_0 = Task.from_dict(data)



                return componentsschemas_task_or_batch_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            if not isinstance(data, dict):
                raise TypeError()
            componentsschemas_task_or_batch_type_1 = Batch.from_dict(data)



            return componentsschemas_task_or_batch_type_1

        response_200 = _parse_response_200(response.json())

        return response_200

    if response.status_code == 202:
        def _parse_response_202(data: object) -> Batch | Task:
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                componentsschemas_task_or_batch_type_0 = Task.from_dict(data)



                return componentsschemas_task_or_batch_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            if not isinstance(data, dict):
                raise TypeError()
            componentsschemas_task_or_batch_type_1 = Batch.from_dict(data)



            return componentsschemas_task_or_batch_type_1

        response_202 = _parse_response_202(response.json())

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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Batch | Task | Problem]:
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
    body: CreateTask,
    wait: int | Unset = UNSET,
    stream: bool | Unset = UNSET,
    idempotency_key: None | str | Unset = UNSET,
    prefer: None | str | Unset = UNSET,

) -> Response[Batch | Task | Problem]:
    """ Submit a task

     Validates the arguments against the runner's input schema and queues the task; the
    task row and its job are committed together. With `Idempotency-Key`, repeating the same
    request returns the same task (200) instead of creating another.

    With `?wait=N` or `Prefer: wait=N` the answer waits up to N seconds for the task to
    end: 200 with the final task if it does, else 202. With `?stream=true` the answer is
    the new task's event stream (see `GET /v1/tasks/{id}/events`).

    Needs the `write` scope.

    Args:
        name (str):
        wait (int | Unset):
        stream (bool | Unset):
        idempotency_key (None | str | Unset):
        prefer (None | str | Unset):
        body (CreateTask): Body of `POST /v1/runners/{name}/tasks`.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Batch | Task | Problem]
     """


    kwargs = _get_kwargs(
        name=name,
body=body,
wait=wait,
stream=stream,
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
    body: CreateTask,
    wait: int | Unset = UNSET,
    stream: bool | Unset = UNSET,
    idempotency_key: None | str | Unset = UNSET,
    prefer: None | str | Unset = UNSET,

) -> Batch | Task | Problem | None:
    """ Submit a task

     Validates the arguments against the runner's input schema and queues the task; the
    task row and its job are committed together. With `Idempotency-Key`, repeating the same
    request returns the same task (200) instead of creating another.

    With `?wait=N` or `Prefer: wait=N` the answer waits up to N seconds for the task to
    end: 200 with the final task if it does, else 202. With `?stream=true` the answer is
    the new task's event stream (see `GET /v1/tasks/{id}/events`).

    Needs the `write` scope.

    Args:
        name (str):
        wait (int | Unset):
        stream (bool | Unset):
        idempotency_key (None | str | Unset):
        prefer (None | str | Unset):
        body (CreateTask): Body of `POST /v1/runners/{name}/tasks`.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Batch | Task | Problem
     """


    return sync_detailed(
        name=name,
client=client,
body=body,
wait=wait,
stream=stream,
idempotency_key=idempotency_key,
prefer=prefer,

    ).parsed

async def asyncio_detailed(
    name: str,
    *,
    client: AuthenticatedClient,
    body: CreateTask,
    wait: int | Unset = UNSET,
    stream: bool | Unset = UNSET,
    idempotency_key: None | str | Unset = UNSET,
    prefer: None | str | Unset = UNSET,

) -> Response[Batch | Task | Problem]:
    """ Submit a task

     Validates the arguments against the runner's input schema and queues the task; the
    task row and its job are committed together. With `Idempotency-Key`, repeating the same
    request returns the same task (200) instead of creating another.

    With `?wait=N` or `Prefer: wait=N` the answer waits up to N seconds for the task to
    end: 200 with the final task if it does, else 202. With `?stream=true` the answer is
    the new task's event stream (see `GET /v1/tasks/{id}/events`).

    Needs the `write` scope.

    Args:
        name (str):
        wait (int | Unset):
        stream (bool | Unset):
        idempotency_key (None | str | Unset):
        prefer (None | str | Unset):
        body (CreateTask): Body of `POST /v1/runners/{name}/tasks`.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Batch | Task | Problem]
     """


    kwargs = _get_kwargs(
        name=name,
body=body,
wait=wait,
stream=stream,
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
    body: CreateTask,
    wait: int | Unset = UNSET,
    stream: bool | Unset = UNSET,
    idempotency_key: None | str | Unset = UNSET,
    prefer: None | str | Unset = UNSET,

) -> Batch | Task | Problem | None:
    """ Submit a task

     Validates the arguments against the runner's input schema and queues the task; the
    task row and its job are committed together. With `Idempotency-Key`, repeating the same
    request returns the same task (200) instead of creating another.

    With `?wait=N` or `Prefer: wait=N` the answer waits up to N seconds for the task to
    end: 200 with the final task if it does, else 202. With `?stream=true` the answer is
    the new task's event stream (see `GET /v1/tasks/{id}/events`).

    Needs the `write` scope.

    Args:
        name (str):
        wait (int | Unset):
        stream (bool | Unset):
        idempotency_key (None | str | Unset):
        prefer (None | str | Unset):
        body (CreateTask): Body of `POST /v1/runners/{name}/tasks`.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Batch | Task | Problem
     """


    return (await asyncio_detailed(
        name=name,
client=client,
body=body,
wait=wait,
stream=stream,
idempotency_key=idempotency_key,
prefer=prefer,

    )).parsed
