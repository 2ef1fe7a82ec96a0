from enum import StrEnum

class HttpToolInputInputSchemaType(StrEnum):
    OBJECT = "object"

    def __str__(self) -> str:
        return str(self.value)
