from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.provider_info_prices import ProviderInfoPrices





T = TypeVar("T", bound="ProviderInfo")



@_attrs_define
class ProviderInfo:
    """ What `GET /v1/models` shows of a provider.

        Attributes:
            name (str): Use models as `<name>/<model>` (the built-in `mock` is just `mock`).
            kind (str): `mock`, or the server kind of an OpenAI-compatible provider (`openai`, `ollama`,
                `vllm`, `llamacpp`).
            kind_detected (bool): The settings named no `kind`: it was found by asking the server at start.
            models (list[str]): Models named in the settings; runners may use others the endpoint serves.
            prices (ProviderInfoPrices): USD per million tokens, by model.
            base_url (None | str | Unset):
            max_concurrent_requests (int | None | Unset):
     """

    name: str
    kind: str
    kind_detected: bool
    models: list[str]
    prices: ProviderInfoPrices
    base_url: None | str | Unset = UNSET
    max_concurrent_requests: int | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.provider_info_prices import ProviderInfoPrices # noqa: PLC0415
        name = self.name

        kind = self.kind

        kind_detected = self.kind_detected

        models = self.models



        prices = self.prices.to_dict()

        base_url: None | str | Unset
        if isinstance(self.base_url, Unset):
            base_url = UNSET
        else:
            base_url = self.base_url

        max_concurrent_requests: int | None | Unset
        if isinstance(self.max_concurrent_requests, Unset):
            max_concurrent_requests = UNSET
        else:
            max_concurrent_requests = self.max_concurrent_requests


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "name": name,
            "kind": kind,
            "kind_detected": kind_detected,
            "models": models,
            "prices": prices,
        })
        if base_url is not UNSET:
            field_dict["base_url"] = base_url
        if max_concurrent_requests is not UNSET:
            field_dict["max_concurrent_requests"] = max_concurrent_requests

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.provider_info_prices import ProviderInfoPrices # noqa: PLC0415
        d = dict(src_dict)
        name = d.pop("name")

        kind = d.pop("kind")

        kind_detected = d.pop("kind_detected")

        models = cast(list[str], d.pop("models"))


        prices = ProviderInfoPrices.from_dict(d.pop("prices"))




        def _parse_base_url(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        base_url = _parse_base_url(d.pop("base_url", UNSET))


        def _parse_max_concurrent_requests(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        max_concurrent_requests = _parse_max_concurrent_requests(d.pop("max_concurrent_requests", UNSET))


        provider_info = cls(
            name=name,
            kind=kind,
            kind_detected=kind_detected,
            models=models,
            prices=prices,
            base_url=base_url,
            max_concurrent_requests=max_concurrent_requests,
        )


        provider_info.additional_properties = d
        return provider_info

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
