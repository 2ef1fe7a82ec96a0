from enum import StrEnum

class TaskStatus(StrEnum):
    CANCELLED = "cancelled"
    FAILED = "failed"
    INPUT_REQUIRED = "input_required"
    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    TIMED_OUT = "timed_out"
    WAITING = "waiting"

    def __str__(self) -> str:
        return str(self.value)
