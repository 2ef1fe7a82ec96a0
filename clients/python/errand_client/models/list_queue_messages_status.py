from enum import StrEnum

class ListQueueMessagesStatus(StrEnum):
    DEAD = "dead"
    DONE = "done"
    LEASED = "leased"
    PENDING = "pending"
    RUNNING = "running"

    def __str__(self) -> str:
        return str(self.value)
