from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.scheme import Scheme
from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.hook_queue_target import HookQueueTarget
  from ..models.hook_runner_target import HookRunnerTarget
  from ..models.new_trigger_mapping_type_0 import NewTriggerMappingType0





T = TypeVar("T", bound="NewTrigger")



@_attrs_define
class NewTrigger:
    """ Body of `POST /v1/triggers`.

        Attributes:
            target (HookQueueTarget | HookRunnerTarget): What a delivery makes: a task of a runner (on a thread, if named),
                or a message on a
                queue.
            scheme (Scheme): How a delivery proves it comes from the sender.
            name (None | str | Unset):
            signature_header (None | str | Unset): The header carrying the signature, for `hmac-sha256` (required there,
                refused
                elsewhere).
            secret (None | str | Unset): The sender's secret, for `github` and `hmac-sha256` when the sender chose it
                (16 to 200 characters); generated when omitted. `standard-webhooks` secrets are
                always generated.
            mapping (NewTriggerMappingType0 | None | Unset): Argument name → JSON pointer into the body (`{"repo":
                "/repository/full_name"}`);
                a pointer the body lacks leaves the argument out. At most 100 names.
     """

    target: HookQueueTarget | HookRunnerTarget
    scheme: Scheme
    name: None | str | Unset = UNSET
    signature_header: None | str | Unset = UNSET
    secret: None | str | Unset = UNSET
    mapping: NewTriggerMappingType0 | None | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        from ..models.hook_queue_target import HookQueueTarget # noqa: PLC0415
        from ..models.hook_runner_target import HookRunnerTarget # noqa: PLC0415
        from ..models.new_trigger_mapping_type_0 import NewTriggerMappingType0 # noqa: PLC0415
        target: dict[str, Any]
        if isinstance(self.target, HookRunnerTarget):
            target = self.target.to_dict()
        else:
            target = self.target.to_dict()


        scheme = self.scheme.value

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

        secret: None | str | Unset
        if isinstance(self.secret, Unset):
            secret = UNSET
        else:
            secret = self.secret

        mapping: dict[str, Any] | None | Unset
        if isinstance(self.mapping, Unset):
            mapping = UNSET
        elif isinstance(self.mapping, NewTriggerMappingType0):
            mapping = self.mapping.to_dict()
        else:
            mapping = self.mapping


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "target": target,
            "scheme": scheme,
        })
        if name is not UNSET:
            field_dict["name"] = name
        if signature_header is not UNSET:
            field_dict["signature_header"] = signature_header
        if secret is not UNSET:
            field_dict["secret"] = secret
        if mapping is not UNSET:
            field_dict["mapping"] = mapping

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.hook_queue_target import HookQueueTarget # noqa: PLC0415
        from ..models.hook_runner_target import HookRunnerTarget # noqa: PLC0415
        from ..models.new_trigger_mapping_type_0 import NewTriggerMappingType0 # noqa: PLC0415
        d = dict(src_dict)
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


        def _parse_secret(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        secret = _parse_secret(d.pop("secret", UNSET))


        def _parse_mapping(data: object) -> NewTriggerMappingType0 | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                mapping_type_0 = NewTriggerMappingType0.from_dict(data)



                return mapping_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(NewTriggerMappingType0 | None | Unset, data)

        mapping = _parse_mapping(d.pop("mapping", UNSET))


        new_trigger = cls(
            target=target,
            scheme=scheme,
            name=name,
            signature_header=signature_header,
            secret=secret,
            mapping=mapping,
        )

        return new_trigger

