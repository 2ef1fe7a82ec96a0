from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.problem import Problem
from ...models.received import Received
from ...types import UNSET, Unset
from typing import cast



def _get_kwargs(
    name: str,
    *,
    wait: int | Unset = UNSET,
    max_: int | Unset = UNSET,

) -> dict[str, Any]:
    

    

    params: dict[str, Any] = {}

    params["wait"] = wait

    params["max"] = max_


    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}


    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/queues/{name}/receive".format(name=quote(str(name), safe=""),),
        "params": params,
    }


    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Problem | Received | None:
    if response.status_code == 200:
        response_200 = Received.from_dict(response.json())



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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Problem | Received]:
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
    wait: int | Unset = UNSET,
    max_: int | Unset = UNSET,

) -> Response[Problem | Received]:
    """ Receive messages

     Leases up to `max` due messages (oldest first, keys taking turns, each key within the
    queue's `concurrency_limit`) for the queue's `visibility_timeout_seconds`. Ack each when
    done, or nack it to hand it back; a lease that expires hands the message out again, and
    after `max_deliveries` deliveries it is dead-lettered. With `wait`, an empty queue is
    watched that long before answering with no messages.

    Needs the `write` scope.

    Args:
        name (str):
        wait (int | Unset):
        max_ (int | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | Received]
     """


    kwargs = _get_kwargs(
        name=name,
wait=wait,
max_=max_,

    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)

def sync(
    name: str,
    *,
    client: AuthenticatedClient,
    wait: int | Unset = UNSET,
    max_: int | Unset = UNSET,

) -> Problem | Received | None:
    """ Receive messages

     Leases up to `max` due messages (oldest first, keys taking turns, each key within the
    queue's `concurrency_limit`) for the queue's `visibility_timeout_seconds`. Ack each when
    done, or nack it to hand it back; a lease that expires hands the message out again, and
    after `max_deliveries` deliveries it is dead-lettered. With `wait`, an empty queue is
    watched that long before answering with no messages.

    Needs the `write` scope.

    Args:
        name (str):
        wait (int | Unset):
        max_ (int | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | Received
     """


    return sync_detailed(
        name=name,
client=client,
wait=wait,
max_=max_,

    ).parsed

async def asyncio_detailed(
    name: str,
    *,
    client: AuthenticatedClient,
    wait: int | Unset = UNSET,
    max_: int | Unset = UNSET,

) -> Response[Problem | Received]:
    """ Receive messages

     Leases up to `max` due messages (oldest first, keys taking turns, each key within the
    queue's `concurrency_limit`) for the queue's `visibility_timeout_seconds`. Ack each when
    done, or nack it to hand it back; a lease that expires hands the message out again, and
    after `max_deliveries` deliveries it is dead-lettered. With `wait`, an empty queue is
    watched that long before answering with no messages.

    Needs the `write` scope.

    Args:
        name (str):
        wait (int | Unset):
        max_ (int | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | Received]
     """


    kwargs = _get_kwargs(
        name=name,
wait=wait,
max_=max_,

    )

    response = await client.get_async_httpx_client().request(
        **kwargs
    )

    return _build_response(client=client, response=response)

async def asyncio(
    name: str,
    *,
    client: AuthenticatedClient,
    wait: int | Unset = UNSET,
    max_: int | Unset = UNSET,

) -> Problem | Received | None:
    """ Receive messages

     Leases up to `max` due messages (oldest first, keys taking turns, each key within the
    queue's `concurrency_limit`) for the queue's `visibility_timeout_seconds`. Ack each when
    done, or nack it to hand it back; a lease that expires hands the message out again, and
    after `max_deliveries` deliveries it is dead-lettered. With `wait`, an empty queue is
    watched that long before answering with no messages.

    Needs the `write` scope.

    Args:
        name (str):
        wait (int | Unset):
        max_ (int | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | Received
     """


    return (await asyncio_detailed(
        name=name,
client=client,
wait=wait,
max_=max_,

    )).parsed
