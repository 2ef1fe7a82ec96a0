from enum import StrEnum

class AliasSource(StrEnum):
    PROJECT = "project"
    SERVER = "server"

    def __str__(self) -> str:
        return str(self.value)
