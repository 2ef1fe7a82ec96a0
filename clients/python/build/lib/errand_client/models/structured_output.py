from enum import StrEnum

class StructuredOutput(StrEnum):
    AUTO = "auto"
    JSON_OBJECT = "json_object"
    JSON_SCHEMA = "json_schema"
    PROMPT = "prompt"

    def __str__(self) -> str:
        return str(self.value)
