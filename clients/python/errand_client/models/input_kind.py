from enum import StrEnum

class InputKind(StrEnum):
    APPROVAL = "approval"
    QUESTION = "question"

    def __str__(self) -> str:
        return str(self.value)
