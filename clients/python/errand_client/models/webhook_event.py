from enum import StrEnum

class WebhookEvent(StrEnum):
    SCHEDULE_FIRED = "schedule.fired"
    TASK_CANCELLED = "task.cancelled"
    TASK_FAILED = "task.failed"
    TASK_INPUT_REQUIRED = "task.input_required"
    TASK_SUCCEEDED = "task.succeeded"
    TASK_TIMED_OUT = "task.timed_out"

    def __str__(self) -> str:
        return str(self.value)
