from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.scheme import Scheme
from ..types import UNSET, Unset
from typing import cast
from uuid import UUID
import datetime

if TYPE_CHECKING:
  from ..models.hook_queue_target import HookQueueTarget
  from ..models.hook_runner_target import HookRunnerTarget
  from ..models.trigger_mapping_type_0 import TriggerMappingType0





T = TypeVar("T", bound="CreatedTrigger")



@_attrs_define
class CreatedTrigger:
    """ A new trigger and its secret, shown this once.

        Attributes:
            id (UUID):
            url (str): Where a third party posts, with no API key: `/v1/hooks/{id}` on this server.
            target (HookQueueTarget | HookRunnerTarget): What a delivery makes: a task of a runner (on a thread, if named),
                or a message on a
                queue.
            scheme (Scheme): How a delivery proves it comes from the sender.
            enabled (bool):
            deliveries (int): Deliveries that made a task or message.
            created_at (datetime.datetime):
            updated_at (datetime.datetime):
            name (None | str | Unset):
            signature_header (None | str | Unset): The header `hmac-sha256` reads.
            mapping (None | TriggerMappingType0 | Unset): Argument (or payload field) name → JSON pointer into the
                delivery's body; without
                a mapping the whole body is the arguments (or payload).
            last_delivery_at (datetime.datetime | None | Unset):
            secret (None | str | Unset): The secret to give the sender (`whsec_…` for `standard-webhooks`); `null` for
                `none`. It is not shown again.
     """

    id: UUID
    url: str
    target: HookQueueTarget | HookRunnerTarget
    scheme: Scheme
    enabled: bool
    deliveries: int
    created_at: datetime.datetime
    updated_at: datetime.datetime
    name: None | str | Unset = UNSET
    signature_header: None | str | Unset = UNSET
    mapping: None | TriggerMappingType0 | Unset = UNSET
    last_delivery_at: datetime.datetime | None | Unset = UNSET
    secret: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.hook_queue_target import HookQueueTarget # noqa: PLC0415
        from ..models.hook_runner_target import HookRunnerTarget # noqa: PLC0415
        from ..models.trigger_mapping_type_0 import TriggerMappingType0 # noqa: PLC0415
        id = str(self.id)

        url = self.url

        target: dict[str, Any]
        if isinstance(self.target, HookRunnerTarget):
            target = self.target.to_dict()
        else:
            target = self.target.to_dict()


        scheme = self.scheme.value

        enabled = self.enabled

        deliveries = self.deliveries

        created_at = self.created_at.isoformat()

        updated_at = self.updated_at.isoformat()

        name: None | str | Unset
        if isinstance(self.name, Unset):
            name = UNSET
        else:
            name = self.name

        signature_header: None | str | Unset
        if isinstance(self.signature_header, Unset):
            signature_header = UNSET
        else:
            signature_header = self.signature_header

        mapping: dict[str, Any] | None | Unset
        if isinstance(self.mapping, Unset):
            mapping = UNSET
        elif isinstance(self.mapping, TriggerMappingType0):
            mapping = self.mapping.to_dict()
        else:
            mapping = self.mapping

        last_delivery_at: None | str | Unset
        if isinstance(self.last_delivery_at, Unset):
            last_delivery_at = UNSET
        elif isinstance(self.last_delivery_at, datetime.datetime):
            last_delivery_at = self.last_delivery_at.isoformat()
        else:
            last_delivery_at = self.last_delivery_at

        secret: None | str | Unset
        if isinstance(self.secret, Unset):
            secret = UNSET
        else:
            secret = self.secret


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "id": id,
            "url": url,
            "target": target,
            "scheme": scheme,
            "enabled": enabled,
            "deliveries": deliveries,
            "created_at": created_at,
            "updated_at": updated_at,
        })
        if name is not UNSET:
            field_dict["name"] = name
        if signature_header is not UNSET:
            field_dict["signature_header"] = signature_header
        if mapping is not UNSET:
            field_dict["mapping"] = mapping
        if last_delivery_at is not UNSET:
            field_dict["last_delivery_at"] = last_delivery_at
        if secret is not UNSET:
            field_dict["secret"] = secret

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.hook_queue_target import HookQueueTarget # noqa: PLC0415
        from ..models.hook_runner_target import HookRunnerTarget # noqa: PLC0415
        from ..models.trigger_mapping_type_0 import TriggerMappingType0 # noqa: PLC0415
        d = dict(src_dict)
        id = UUID(d.pop("id"))




        url = d.pop("url")

        def _parse_target(data: object) -> HookQueueTarget | HookRunnerTarget:
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                componentsschemas_trigger_target_type_0 = HookRunnerTarget.from_dict(data)



                return componentsschemas_trigger_target_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            if not isinstance(data, dict):
                raise TypeError()
            componentsschemas_trigger_target_type_1 = HookQueueTarget.from_dict(data)



            return componentsschemas_trigger_target_type_1

        target = _parse_target(d.pop("target"))


        scheme = Scheme(d.pop("scheme"))




        enabled = d.pop("enabled")

        deliveries = d.pop("deliveries")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))




        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))




        def _parse_name(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        name = _parse_name(d.pop("name", UNSET))


        def _parse_signature_header(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        signature_header = _parse_signature_header(d.pop("signature_header", UNSET))


        def _parse_mapping(data: object) -> None | TriggerMappingType0 | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                mapping_type_0 = TriggerMappingType0.from_dict(data)



                return mapping_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | TriggerMappingType0 | Unset, data)

        mapping = _parse_mapping(d.pop("mapping", UNSET))


        def _parse_last_delivery_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                last_delivery_at_type_0 = datetime.datetime.fromisoformat(data)



                return last_delivery_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        last_delivery_at = _parse_last_delivery_at(d.pop("last_delivery_at", UNSET))


        def _parse_secret(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        secret = _parse_secret(d.pop("secret", UNSET))


        created_trigger = cls(
            id=id,
            url=url,
            target=target,
            scheme=scheme,
            enabled=enabled,
            deliveries=deliveries,
            created_at=created_at,
            updated_at=updated_at,
            name=name,
            signature_header=signature_header,
            mapping=mapping,
            last_delivery_at=last_delivery_at,
            secret=secret,
        )


        created_trigger.additional_properties = d
        return created_trigger

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
