from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.problem import Problem
from ...models.thread_event_page import ThreadEventPage
from ...types import UNSET, Unset
from typing import cast
from uuid import UUID



def _get_kwargs(
    id: UUID,
    *,
    after: int | Unset = UNSET,
    limit: int | Unset = UNSET,
    accept: None | str | Unset = UNSET,
    last_event_id: str | Unset = UNSET,

) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(accept, Unset):
        headers["Accept"] = accept

    if not isinstance(last_event_id, Unset):
        headers["Last-Event-ID"] = last_event_id



    

    params: dict[str, Any] = {}

    params["after"] = after

    params["limit"] = limit


    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}


    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/threads/{id}/events".format(id=quote(str(id), safe=""),),
        "params": params,
    }


    _kwargs["headers"] = headers
    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Problem | ThreadEventPage | None:
    if response.status_code == 200:
        response_200 = ThreadEventPage.from_dict(response.json())



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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Problem | ThreadEventPage]:
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
    after: int | Unset = UNSET,
    limit: int | Unset = UNSET,
    accept: None | str | Unset = UNSET,
    last_event_id: str | Unset = UNSET,

) -> Response[Problem | ThreadEventPage]:
    """ List or stream a thread's events

     Every event of every task on the thread, in the order they happened, each with its task
    id and numbered in the thread (`thread_seq`, from 1). With `Accept: text/event-stream`
    it is a Server-Sent Events stream: the events after `Last-Event-ID` (or `after`), then
    live ones, with `id:` the thread seq; it stays open across tasks (a comment line every
    `events.heartbeat_seconds`) until the client leaves.

    Needs the `read` scope.

    Args:
        id (UUID):
        after (int | Unset):
        limit (int | Unset):
        accept (None | str | Unset):
        last_event_id (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | ThreadEventPage]
     """


    kwargs = _get_kwargs(
        id=id,
after=after,
limit=limit,
accept=accept,
last_event_id=last_event_id,

    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)

def sync(
    id: UUID,
    *,
    client: AuthenticatedClient,
    after: int | Unset = UNSET,
    limit: int | Unset = UNSET,
    accept: None | str | Unset = UNSET,
    last_event_id: str | Unset = UNSET,

) -> Problem | ThreadEventPage | None:
    """ List or stream a thread's events

     Every event of every task on the thread, in the order they happened, each with its task
    id and numbered in the thread (`thread_seq`, from 1). With `Accept: text/event-stream`
    it is a Server-Sent Events stream: the events after `Last-Event-ID` (or `after`), then
    live ones, with `id:` the thread seq; it stays open across tasks (a comment line every
    `events.heartbeat_seconds`) until the client leaves.

    Needs the `read` scope.

    Args:
        id (UUID):
        after (int | Unset):
        limit (int | Unset):
        accept (None | str | Unset):
        last_event_id (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | ThreadEventPage
     """


    return sync_detailed(
        id=id,
client=client,
after=after,
limit=limit,
accept=accept,
last_event_id=last_event_id,

    ).parsed

async def asyncio_detailed(
    id: UUID,
    *,
    client: AuthenticatedClient,
    after: int | Unset = UNSET,
    limit: int | Unset = UNSET,
    accept: None | str | Unset = UNSET,
    last_event_id: str | Unset = UNSET,

) -> Response[Problem | ThreadEventPage]:
    """ List or stream a thread's events

     Every event of every task on the thread, in the order they happened, each with its task
    id and numbered in the thread (`thread_seq`, from 1). With `Accept: text/event-stream`
    it is a Server-Sent Events stream: the events after `Last-Event-ID` (or `after`), then
    live ones, with `id:` the thread seq; it stays open across tasks (a comment line every
    `events.heartbeat_seconds`) until the client leaves.

    Needs the `read` scope.

    Args:
        id (UUID):
        after (int | Unset):
        limit (int | Unset):
        accept (None | str | Unset):
        last_event_id (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | ThreadEventPage]
     """


    kwargs = _get_kwargs(
        id=id,
after=after,
limit=limit,
accept=accept,
last_event_id=last_event_id,

    )

    response = await client.get_async_httpx_client().request(
        **kwargs
    )

    return _build_response(client=client, response=response)

async def asyncio(
    id: UUID,
    *,
    client: AuthenticatedClient,
    after: int | Unset = UNSET,
    limit: int | Unset = UNSET,
    accept: None | str | Unset = UNSET,
    last_event_id: str | Unset = UNSET,

) -> Problem | ThreadEventPage | None:
    """ List or stream a thread's events

     Every event of every task on the thread, in the order they happened, each with its task
    id and numbered in the thread (`thread_seq`, from 1). With `Accept: text/event-stream`
    it is a Server-Sent Events stream: the events after `Last-Event-ID` (or `after`), then
    live ones, with `id:` the thread seq; it stays open across tasks (a comment line every
    `events.heartbeat_seconds`) until the client leaves.

    Needs the `read` scope.

    Args:
        id (UUID):
        after (int | Unset):
        limit (int | Unset):
        accept (None | str | Unset):
        last_event_id (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | ThreadEventPage
     """


    return (await asyncio_detailed(
        id=id,
client=client,
after=after,
limit=limit,
accept=accept,
last_event_id=last_event_id,

    )).parsed
