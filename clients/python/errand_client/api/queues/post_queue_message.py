from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.message import Message
from ...models.post_message import PostMessage
from ...models.problem import Problem
from ...types import UNSET, Unset
from typing import cast



def _get_kwargs(
    name: str,
    *,
    body: PostMessage,
    idempotency_key: None | str | Unset = UNSET,

) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(idempotency_key, Unset):
        headers["Idempotency-Key"] = idempotency_key



    

    

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/queues/{name}/messages".format(name=quote(str(name), safe=""),),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Message | Problem | None:
    if response.status_code == 202:
        response_202 = Message.from_dict(response.json())



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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Message | Problem]:
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
    body: PostMessage,
    idempotency_key: None | str | Unset = UNSET,

) -> Response[Message | Problem]:
    """ Post a message

     Adds a message to the queue (made if new): a runner bound to the queue turns it into a
    task with the payload as its arguments, or an external consumer receives it. With an
    `Idempotency-Key`, the same request again answers the message it made (and a different
    one with that key is a 409).

    Needs the `write` scope.

    Args:
        name (str):
        idempotency_key (None | str | Unset):
        body (PostMessage): Body of `POST /v1/queues/{name}/messages`.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Message | Problem]
     """


    kwargs = _get_kwargs(
        name=name,
body=body,
idempotency_key=idempotency_key,

    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)

def sync(
    name: str,
    *,
    client: AuthenticatedClient,
    body: PostMessage,
    idempotency_key: None | str | Unset = UNSET,

) -> Message | Problem | None:
    """ Post a message

     Adds a message to the queue (made if new): a runner bound to the queue turns it into a
    task with the payload as its arguments, or an external consumer receives it. With an
    `Idempotency-Key`, the same request again answers the message it made (and a different
    one with that key is a 409).

    Needs the `write` scope.

    Args:
        name (str):
        idempotency_key (None | str | Unset):
        body (PostMessage): Body of `POST /v1/queues/{name}/messages`.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Message | Problem
     """


    return sync_detailed(
        name=name,
client=client,
body=body,
idempotency_key=idempotency_key,

    ).parsed

async def asyncio_detailed(
    name: str,
    *,
    client: AuthenticatedClient,
    body: PostMessage,
    idempotency_key: None | str | Unset = UNSET,

) -> Response[Message | Problem]:
    """ Post a message

     Adds a message to the queue (made if new): a runner bound to the queue turns it into a
    task with the payload as its arguments, or an external consumer receives it. With an
    `Idempotency-Key`, the same request again answers the message it made (and a different
    one with that key is a 409).

    Needs the `write` scope.

    Args:
        name (str):
        idempotency_key (None | str | Unset):
        body (PostMessage): Body of `POST /v1/queues/{name}/messages`.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Message | Problem]
     """


    kwargs = _get_kwargs(
        name=name,
body=body,
idempotency_key=idempotency_key,

    )

    response = await client.get_async_httpx_client().request(
        **kwargs
    )

    return _build_response(client=client, response=response)

async def asyncio(
    name: str,
    *,
    client: AuthenticatedClient,
    body: PostMessage,
    idempotency_key: None | str | Unset = UNSET,

) -> Message | Problem | None:
    """ Post a message

     Adds a message to the queue (made if new): a runner bound to the queue turns it into a
    task with the payload as its arguments, or an external consumer receives it. With an
    `Idempotency-Key`, the same request again answers the message it made (and a different
    one with that key is a 409).

    Needs the `write` scope.

    Args:
        name (str):
        idempotency_key (None | str | Unset):
        body (PostMessage): Body of `POST /v1/queues/{name}/messages`.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Message | Problem
     """


    return (await asyncio_detailed(
        name=name,
client=client,
body=body,
idempotency_key=idempotency_key,

    )).parsed
