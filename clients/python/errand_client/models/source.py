from enum import StrEnum

class Source(StrEnum):
    API = "api"
    MCP = "mcp"
    TASK = "task"

    def __str__(self) -> str:
        return str(self.value)
