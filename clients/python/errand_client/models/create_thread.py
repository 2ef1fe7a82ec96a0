from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.create_thread_metadata import CreateThreadMetadata





T = TypeVar("T", bound="CreateThread")



@_attrs_define
class CreateThread:
    """ Body of `POST /v1/threads`.

        Attributes:
            key (None | str | Unset): A unique name for the thread in the project (such as `support/ticket-123`), so it
                can be found without its id; never a UUID (that is how ids read).
            metadata (CreateThreadMetadata | Unset): Any JSON object (at most 16 KiB); lists filter on it.
     """

    key: None | str | Unset = UNSET
    metadata: CreateThreadMetadata | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        from ..models.create_thread_metadata import CreateThreadMetadata # noqa: PLC0415
        key: None | str | Unset
        if isinstance(self.key, Unset):
            key = UNSET
        else:
            key = self.key

        metadata: dict[str, Any] | Unset = UNSET
        if not isinstance(self.metadata, Unset):
            metadata = self.metadata.to_dict()


        field_dict: dict[str, Any] = {}

        field_dict.update({
        })
        if key is not UNSET:
            field_dict["key"] = key
        if metadata is not UNSET:
            field_dict["metadata"] = metadata

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.create_thread_metadata import CreateThreadMetadata # noqa: PLC0415
        d = dict(src_dict)
        def _parse_key(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        key = _parse_key(d.pop("key", UNSET))


        _metadata = d.pop("metadata", UNSET)
        metadata: CreateThreadMetadata | Unset
        if isinstance(_metadata,  Unset):
            metadata = UNSET
        else:
            metadata = CreateThreadMetadata.from_dict(_metadata)




        create_thread = cls(
            key=key,
            metadata=metadata,
        )

        return create_thread

