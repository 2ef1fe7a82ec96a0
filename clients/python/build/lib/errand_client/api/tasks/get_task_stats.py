from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.problem import Problem
from ...models.task_stats import TaskStats
from ...types import UNSET, Unset
from typing import cast



def _get_kwargs(
    *,
    minutes: int | Unset = UNSET,

) -> dict[str, Any]:
    

    

    params: dict[str, Any] = {}

    params["minutes"] = minutes


    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}


    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/stats/tasks",
        "params": params,
    }


    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Problem | TaskStats | None:
    if response.status_code == 200:
        response_200 = TaskStats.from_dict(response.json())



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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Problem | TaskStats]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    minutes: int | Unset = UNSET,

) -> Response[Problem | TaskStats]:
    """ Count recent tasks

     The project's tasks made in the window, by the status each has now and by the minute
    it was made in. At most 100,000 tasks per status are counted (the newest; `capped`
    says when).

    Needs the `read` scope.

    Args:
        minutes (int | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | TaskStats]
     """


    kwargs = _get_kwargs(
        minutes=minutes,

    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)

def sync(
    *,
    client: AuthenticatedClient,
    minutes: int | Unset = UNSET,

) -> Problem | TaskStats | None:
    """ Count recent tasks

     The project's tasks made in the window, by the status each has now and by the minute
    it was made in. At most 100,000 tasks per status are counted (the newest; `capped`
    says when).

    Needs the `read` scope.

    Args:
        minutes (int | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | TaskStats
     """


    return sync_detailed(
        client=client,
minutes=minutes,

    ).parsed

async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    minutes: int | Unset = UNSET,

) -> Response[Problem | TaskStats]:
    """ Count recent tasks

     The project's tasks made in the window, by the status each has now and by the minute
    it was made in. At most 100,000 tasks per status are counted (the newest; `capped`
    says when).

    Needs the `read` scope.

    Args:
        minutes (int | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | TaskStats]
     """


    kwargs = _get_kwargs(
        minutes=minutes,

    )

    response = await client.get_async_httpx_client().request(
        **kwargs
    )

    return _build_response(client=client, response=response)

async def asyncio(
    *,
    client: AuthenticatedClient,
    minutes: int | Unset = UNSET,

) -> Problem | TaskStats | None:
    """ Count recent tasks

     The project's tasks made in the window, by the status each has now and by the minute
    it was made in. At most 100,000 tasks per status are counted (the newest; `capped`
    says when).

    Needs the `read` scope.

    Args:
        minutes (int | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | TaskStats
     """


    return (await asyncio_detailed(
        client=client,
minutes=minutes,

    )).parsed
