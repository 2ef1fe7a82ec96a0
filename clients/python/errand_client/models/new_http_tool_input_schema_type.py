from enum import StrEnum

class NewHttpToolInputSchemaType(StrEnum):
    OBJECT = "object"

    def __str__(self) -> str:
        return str(self.value)
