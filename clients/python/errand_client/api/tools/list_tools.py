from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.list_tools_format import ListToolsFormat
from ...models.problem import Problem
from ...models.tool_page import ToolPage
from ...types import UNSET, Unset
from typing import cast



def _get_kwargs(
    *,
    format_: ListToolsFormat | Unset = UNSET,
    limit: int | Unset = UNSET,
    cursor: str | Unset = UNSET,

) -> dict[str, Any]:
    

    

    params: dict[str, Any] = {}

    json_format_: str | Unset = UNSET
    if not isinstance(format_, Unset):
        json_format_ = format_.value

    params["format"] = json_format_

    params["limit"] = limit

    params["cursor"] = cursor


    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}


    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/tools",
        "params": params,
    }


    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Problem | ToolPage | None:
    if response.status_code == 200:
        response_200 = ToolPage.from_dict(response.json())



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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Problem | ToolPage]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    format_: ListToolsFormat | Unset = UNSET,
    limit: int | Unset = UNSET,
    cursor: str | Unset = UNSET,

) -> Response[Problem | ToolPage]:
    """ List tools

     Every tool of the project, by name: the built-ins, the HTTP tools it registered and
    its runners as `run_<name>_task`. `format=openai` gives each as an entry of OpenAI's
    `tools` array (strict where the schema allows), `format=mcp` as an MCP tool.

    Needs the `read` scope.

    Args:
        format_ (ListToolsFormat | Unset): The shape of `GET /v1/tools`' items.
        limit (int | Unset):
        cursor (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | ToolPage]
     """


    kwargs = _get_kwargs(
        format_=format_,
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
    format_: ListToolsFormat | Unset = UNSET,
    limit: int | Unset = UNSET,
    cursor: str | Unset = UNSET,

) -> Problem | ToolPage | None:
    """ List tools

     Every tool of the project, by name: the built-ins, the HTTP tools it registered and
    its runners as `run_<name>_task`. `format=openai` gives each as an entry of OpenAI's
    `tools` array (strict where the schema allows), `format=mcp` as an MCP tool.

    Needs the `read` scope.

    Args:
        format_ (ListToolsFormat | Unset): The shape of `GET /v1/tools`' items.
        limit (int | Unset):
        cursor (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | ToolPage
     """


    return sync_detailed(
        client=client,
format_=format_,
limit=limit,
cursor=cursor,

    ).parsed

async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    format_: ListToolsFormat | Unset = UNSET,
    limit: int | Unset = UNSET,
    cursor: str | Unset = UNSET,

) -> Response[Problem | ToolPage]:
    """ List tools

     Every tool of the project, by name: the built-ins, the HTTP tools it registered and
    its runners as `run_<name>_task`. `format=openai` gives each as an entry of OpenAI's
    `tools` array (strict where the schema allows), `format=mcp` as an MCP tool.

    Needs the `read` scope.

    Args:
        format_ (ListToolsFormat | Unset): The shape of `GET /v1/tools`' items.
        limit (int | Unset):
        cursor (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | ToolPage]
     """


    kwargs = _get_kwargs(
        format_=format_,
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
    format_: ListToolsFormat | Unset = UNSET,
    limit: int | Unset = UNSET,
    cursor: str | Unset = UNSET,

) -> Problem | ToolPage | None:
    """ List tools

     Every tool of the project, by name: the built-ins, the HTTP tools it registered and
    its runners as `run_<name>_task`. `format=openai` gives each as an entry of OpenAI's
    `tools` array (strict where the schema allows), `format=mcp` as an MCP tool.

    Needs the `read` scope.

    Args:
        format_ (ListToolsFormat | Unset): The shape of `GET /v1/tools`' items.
        limit (int | Unset):
        cursor (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | ToolPage
     """


    return (await asyncio_detailed(
        client=client,
format_=format_,
limit=limit,
cursor=cursor,

    )).parsed
