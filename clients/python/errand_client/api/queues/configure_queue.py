from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.problem import Problem
from ...models.queue import Queue
from ...models.queue_settings_input import QueueSettingsInput
from typing import cast



def _get_kwargs(
    name: str,
    *,
    body: QueueSettingsInput,

) -> dict[str, Any]:
    headers: dict[str, Any] = {}


    

    

    _kwargs: dict[str, Any] = {
        "method": "put",
        "url": "/v1/queues/{name}".format(name=quote(str(name), safe=""),),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Problem | Queue | None:
    if response.status_code == 200:
        response_200 = Queue.from_dict(response.json())



        return response_200

    if response.status_code == 201:
        response_201 = Queue.from_dict(response.json())



        return response_201

    if response.status_code == 400:
        response_400 = Problem.from_dict(response.json())



        return response_400

    if response.status_code == 401:
        response_401 = Problem.from_dict(response.json())



        return response_401

    if response.status_code == 403:
        response_403 = Problem.from_dict(response.json())



        return response_403

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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Problem | Queue]:
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
    body: QueueSettingsInput,

) -> Response[Problem | Queue]:
    """ Set up a queue

     Creates the queue or changes its settings; what the body omits keeps its value (a new
    queue's defaults: `concurrency_limit` 1, `visibility_timeout_seconds` 30,
    `max_deliveries` 5). Queues are also made by posting a message or binding a runner.

    Needs the `write` scope.

    Args:
        name (str):
        body (QueueSettingsInput): Body of `PUT /v1/queues/{name}`: the queue's settings (omitted
            ones keep their value,
            or the default for a new queue).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | Queue]
     """


    kwargs = _get_kwargs(
        name=name,
body=body,

    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)

def sync(
    name: str,
    *,
    client: AuthenticatedClient,
    body: QueueSettingsInput,

) -> Problem | Queue | None:
    """ Set up a queue

     Creates the queue or changes its settings; what the body omits keeps its value (a new
    queue's defaults: `concurrency_limit` 1, `visibility_timeout_seconds` 30,
    `max_deliveries` 5). Queues are also made by posting a message or binding a runner.

    Needs the `write` scope.

    Args:
        name (str):
        body (QueueSettingsInput): Body of `PUT /v1/queues/{name}`: the queue's settings (omitted
            ones keep their value,
            or the default for a new queue).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | Queue
     """


    return sync_detailed(
        name=name,
client=client,
body=body,

    ).parsed

async def asyncio_detailed(
    name: str,
    *,
    client: AuthenticatedClient,
    body: QueueSettingsInput,

) -> Response[Problem | Queue]:
    """ Set up a queue

     Creates the queue or changes its settings; what the body omits keeps its value (a new
    queue's defaults: `concurrency_limit` 1, `visibility_timeout_seconds` 30,
    `max_deliveries` 5). Queues are also made by posting a message or binding a runner.

    Needs the `write` scope.

    Args:
        name (str):
        body (QueueSettingsInput): Body of `PUT /v1/queues/{name}`: the queue's settings (omitted
            ones keep their value,
            or the default for a new queue).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | Queue]
     """


    kwargs = _get_kwargs(
        name=name,
body=body,

    )

    response = await client.get_async_httpx_client().request(
        **kwargs
    )

    return _build_response(client=client, response=response)

async def asyncio(
    name: str,
    *,
    client: AuthenticatedClient,
    body: QueueSettingsInput,

) -> Problem | Queue | None:
    """ Set up a queue

     Creates the queue or changes its settings; what the body omits keeps its value (a new
    queue's defaults: `concurrency_limit` 1, `visibility_timeout_seconds` 30,
    `max_deliveries` 5). Queues are also made by posting a message or binding a runner.

    Needs the `write` scope.

    Args:
        name (str):
        body (QueueSettingsInput): Body of `PUT /v1/queues/{name}`: the queue's settings (omitted
            ones keep their value,
            or the default for a new queue).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | Queue
     """


    return (await asyncio_detailed(
        name=name,
client=client,
body=body,

    )).parsed
