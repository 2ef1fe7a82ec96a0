from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.get_file_format import GetFileFormat
from ...models.problem import Problem
from ...models.stored_file import StoredFile
from ...types import UNSET, Unset
from typing import cast



def _get_kwargs(
    path: str,
    *,
    format_: GetFileFormat | Unset = UNSET,

) -> dict[str, Any]:
    

    

    params: dict[str, Any] = {}

    json_format_: str | Unset = UNSET
    if not isinstance(format_, Unset):
        json_format_ = format_.value

    params["format"] = json_format_


    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}


    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/files/{path}".format(path=quote(str(path), safe=""),),
        "params": params,
    }


    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Problem | StoredFile | None:
    if response.status_code == 200:
        response_200 = StoredFile.from_dict(response.json())



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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Problem | StoredFile]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    path: str,
    *,
    client: AuthenticatedClient,
    format_: GetFileFormat | Unset = UNSET,

) -> Response[Problem | StoredFile]:
    """ Get a file

     The file with its content as JSON, or with `format=raw` the content itself under the
    file's `Content-Type`, with `X-Content-Type-Options: nosniff` and a sandboxing
    `Content-Security-Policy` (an HTML file shows without running scripts).

    Needs the `read` scope.

    Args:
        path (str):
        format_ (GetFileFormat | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | StoredFile]
     """


    kwargs = _get_kwargs(
        path=path,
format_=format_,

    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)

def sync(
    path: str,
    *,
    client: AuthenticatedClient,
    format_: GetFileFormat | Unset = UNSET,

) -> Problem | StoredFile | None:
    """ Get a file

     The file with its content as JSON, or with `format=raw` the content itself under the
    file's `Content-Type`, with `X-Content-Type-Options: nosniff` and a sandboxing
    `Content-Security-Policy` (an HTML file shows without running scripts).

    Needs the `read` scope.

    Args:
        path (str):
        format_ (GetFileFormat | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | StoredFile
     """


    return sync_detailed(
        path=path,
client=client,
format_=format_,

    ).parsed

async def asyncio_detailed(
    path: str,
    *,
    client: AuthenticatedClient,
    format_: GetFileFormat | Unset = UNSET,

) -> Response[Problem | StoredFile]:
    """ Get a file

     The file with its content as JSON, or with `format=raw` the content itself under the
    file's `Content-Type`, with `X-Content-Type-Options: nosniff` and a sandboxing
    `Content-Security-Policy` (an HTML file shows without running scripts).

    Needs the `read` scope.

    Args:
        path (str):
        format_ (GetFileFormat | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | StoredFile]
     """


    kwargs = _get_kwargs(
        path=path,
format_=format_,

    )

    response = await client.get_async_httpx_client().request(
        **kwargs
    )

    return _build_response(client=client, response=response)

async def asyncio(
    path: str,
    *,
    client: AuthenticatedClient,
    format_: GetFileFormat | Unset = UNSET,

) -> Problem | StoredFile | None:
    """ Get a file

     The file with its content as JSON, or with `format=raw` the content itself under the
    file's `Content-Type`, with `X-Content-Type-Options: nosniff` and a sandboxing
    `Content-Security-Policy` (an HTML file shows without running scripts).

    Needs the `read` scope.

    Args:
        path (str):
        format_ (GetFileFormat | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | StoredFile
     """


    return (await asyncio_detailed(
        path=path,
client=client,
format_=format_,

    )).parsed
