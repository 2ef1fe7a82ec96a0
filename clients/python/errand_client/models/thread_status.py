from enum import StrEnum

class ThreadStatus(StrEnum):
    BUSY = "busy"
    ERROR = "error"
    IDLE = "idle"
    INPUT_REQUIRED = "input_required"

    def __str__(self) -> str:
        return str(self.value)
