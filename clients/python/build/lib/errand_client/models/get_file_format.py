from enum import StrEnum

class GetFileFormat(StrEnum):
    JSON = "json"
    RAW = "raw"

    def __str__(self) -> str:
        return str(self.value)
