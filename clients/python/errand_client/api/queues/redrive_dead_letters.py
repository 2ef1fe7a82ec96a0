from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.problem import Problem
from ...models.redrive_messages import RedriveMessages
from ...models.redriven import Redriven
from typing import cast



def _get_kwargs(
    name: str,
    *,
    body: RedriveMessages,

) -> dict[str, Any]:
    headers: dict[str, Any] = {}


    

    

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/queues/{name}/dead-letters/redrive".format(name=quote(str(name), safe=""),),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Problem | Redriven | None:
    if response.status_code == 200:
        response_200 = Redriven.from_dict(response.json())



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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Problem | Redriven]:
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
    body: RedriveMessages,

) -> Response[Problem | Redriven]:
    """ Redrive dead letters

     Makes dead letters pending again with their deliveries counted from zero: those in
    `ids` (ids that are not dead letters of the queue are left alone), or all of the
    queue's.

    Needs the `write` scope.

    Args:
        name (str):
        body (RedriveMessages): Body of a redrive: the dead letters to send back (all of the
            queue's when omitted).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | Redriven]
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
    body: RedriveMessages,

) -> Problem | Redriven | None:
    """ Redrive dead letters

     Makes dead letters pending again with their deliveries counted from zero: those in
    `ids` (ids that are not dead letters of the queue are left alone), or all of the
    queue's.

    Needs the `write` scope.

    Args:
        name (str):
        body (RedriveMessages): Body of a redrive: the dead letters to send back (all of the
            queue's when omitted).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | Redriven
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
    body: RedriveMessages,

) -> Response[Problem | Redriven]:
    """ Redrive dead letters

     Makes dead letters pending again with their deliveries counted from zero: those in
    `ids` (ids that are not dead letters of the queue are left alone), or all of the
    queue's.

    Needs the `write` scope.

    Args:
        name (str):
        body (RedriveMessages): Body of a redrive: the dead letters to send back (all of the
            queue's when omitted).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | Redriven]
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
    body: RedriveMessages,

) -> Problem | Redriven | None:
    """ Redrive dead letters

     Makes dead letters pending again with their deliveries counted from zero: those in
    `ids` (ids that are not dead letters of the queue are left alone), or all of the
    queue's.

    Needs the `write` scope.

    Args:
        name (str):
        body (RedriveMessages): Body of a redrive: the dead letters to send back (all of the
            queue's when omitted).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | Redriven
     """


    return (await asyncio_detailed(
        name=name,
client=client,
body=body,

    )).parsed
