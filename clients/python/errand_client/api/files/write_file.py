from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.problem import Problem
from ...models.stored_file import StoredFile
from ...models.write_file import WriteFile
from typing import cast



def _get_kwargs(
    path: str,
    *,
    body: WriteFile,

) -> dict[str, Any]:
    headers: dict[str, Any] = {}


    

    

    _kwargs: dict[str, Any] = {
        "method": "put",
        "url": "/v1/files/{path}".format(path=quote(str(path), safe=""),),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Problem | StoredFile | None:
    if response.status_code == 200:
        response_200 = StoredFile.from_dict(response.json())



        return response_200

    if response.status_code == 201:
        response_201 = StoredFile.from_dict(response.json())



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
    body: WriteFile,

) -> Response[Problem | StoredFile]:
    """ Write a file

     Creates the file or replaces its whole content. A `.json` file must hold JSON (text, or
    any JSON value). Sizes are bounded by `storage.max_file_bytes` per file and
    `storage.project_max_bytes` and `storage.project_max_files` per project.

    Needs the `write` scope.

    Args:
        path (str):
        body (WriteFile): `PUT /v1/files/{path}`: the whole new content.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | StoredFile]
     """


    kwargs = _get_kwargs(
        path=path,
body=body,

    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)

def sync(
    path: str,
    *,
    client: AuthenticatedClient,
    body: WriteFile,

) -> Problem | StoredFile | None:
    """ Write a file

     Creates the file or replaces its whole content. A `.json` file must hold JSON (text, or
    any JSON value). Sizes are bounded by `storage.max_file_bytes` per file and
    `storage.project_max_bytes` and `storage.project_max_files` per project.

    Needs the `write` scope.

    Args:
        path (str):
        body (WriteFile): `PUT /v1/files/{path}`: the whole new content.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | StoredFile
     """


    return sync_detailed(
        path=path,
client=client,
body=body,

    ).parsed

async def asyncio_detailed(
    path: str,
    *,
    client: AuthenticatedClient,
    body: WriteFile,

) -> Response[Problem | StoredFile]:
    """ Write a file

     Creates the file or replaces its whole content. A `.json` file must hold JSON (text, or
    any JSON value). Sizes are bounded by `storage.max_file_bytes` per file and
    `storage.project_max_bytes` and `storage.project_max_files` per project.

    Needs the `write` scope.

    Args:
        path (str):
        body (WriteFile): `PUT /v1/files/{path}`: the whole new content.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | StoredFile]
     """


    kwargs = _get_kwargs(
        path=path,
body=body,

    )

    response = await client.get_async_httpx_client().request(
        **kwargs
    )

    return _build_response(client=client, response=response)

async def asyncio(
    path: str,
    *,
    client: AuthenticatedClient,
    body: WriteFile,

) -> Problem | StoredFile | None:
    """ Write a file

     Creates the file or replaces its whole content. A `.json` file must hold JSON (text, or
    any JSON value). Sizes are bounded by `storage.max_file_bytes` per file and
    `storage.project_max_bytes` and `storage.project_max_files` per project.

    Needs the `write` scope.

    Args:
        path (str):
        body (WriteFile): `PUT /v1/files/{path}`: the whole new content.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | StoredFile
     """


    return (await asyncio_detailed(
        path=path,
client=client,
body=body,

    )).parsed
