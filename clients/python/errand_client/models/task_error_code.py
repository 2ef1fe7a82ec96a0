from enum import StrEnum

class TaskErrorCode(StrEnum):
    CANCELLED = "cancelled"
    INPUT_TIMEOUT = "input_timeout"
    INTERNAL_ERROR = "internal_error"
    MAX_TURNS_EXCEEDED = "max_turns_exceeded"
    MODEL_ERROR = "model_error"
    MODEL_UNAVAILABLE = "model_unavailable"
    OUTPUT_INVALID = "output_invalid"
    PROVIDER_ERROR = "provider_error"
    TIMEOUT = "timeout"
    TOOLS_UNSUPPORTED = "tools_unsupported"
    TOOL_UNAVAILABLE = "tool_unavailable"
    WORKER_LOST = "worker_lost"

    def __str__(self) -> str:
        return str(self.value)
