from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.update_thread_metadata_type_0 import UpdateThreadMetadataType0





T = TypeVar("T", bound="UpdateThread")



@_attrs_define
class UpdateThread:
    """ Body of `PATCH /v1/threads/{id}`: every field is optional.

        Attributes:
            key (None | str | Unset): A new key (never a UUID); `null` removes it.
            metadata (None | Unset | UpdateThreadMetadataType0): Merged into the metadata key by key (JSON merge patch): a
                `null` value removes
                that key.
     """

    key: None | str | Unset = UNSET
    metadata: None | Unset | UpdateThreadMetadataType0 = UNSET





    def to_dict(self) -> dict[str, Any]:
        from ..models.update_thread_metadata_type_0 import UpdateThreadMetadataType0 # noqa: PLC0415
        key: None | str | Unset
        if isinstance(self.key, Unset):
            key = UNSET
        else:
            key = self.key

        metadata: dict[str, Any] | None | Unset
        if isinstance(self.metadata, Unset):
            metadata = UNSET
        elif isinstance(self.metadata, UpdateThreadMetadataType0):
            metadata = self.metadata.to_dict()
        else:
            metadata = self.metadata


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
        from ..models.update_thread_metadata_type_0 import UpdateThreadMetadataType0 # noqa: PLC0415
        d = dict(src_dict)
        def _parse_key(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        key = _parse_key(d.pop("key", UNSET))


        def _parse_metadata(data: object) -> None | Unset | UpdateThreadMetadataType0:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                metadata_type_0 = UpdateThreadMetadataType0.from_dict(data)



                return metadata_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Unset | UpdateThreadMetadataType0, data)

        metadata = _parse_metadata(d.pop("metadata", UNSET))


        update_thread = cls(
            key=key,
            metadata=metadata,
        )

        return update_thread

