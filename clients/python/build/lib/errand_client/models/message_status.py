from enum import StrEnum

class MessageStatus(StrEnum):
    DEAD = "dead"
    DONE = "done"
    LEASED = "leased"
    PENDING = "pending"
    RUNNING = "running"

    def __str__(self) -> str:
        return str(self.value)
