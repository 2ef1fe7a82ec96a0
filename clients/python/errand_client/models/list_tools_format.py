from enum import StrEnum

class ListToolsFormat(StrEnum):
    ERRAND = "errand"
    MCP = "mcp"
    OPENAI = "openai"

    def __str__(self) -> str:
        return str(self.value)
