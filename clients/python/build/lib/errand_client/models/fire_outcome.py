from enum import StrEnum

class FireOutcome(StrEnum):
    FAILED = "failed"
    MESSAGE = "message"
    SKIPPED = "skipped"
    TASK = "task"
    WAITING = "waiting"

    def __str__(self) -> str:
        return str(self.value)
