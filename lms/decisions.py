"""The answer a pure rule gives: allowed or not, and why not, in words shown to the user."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Decision:
    """Whether something may happen; ``reason`` says why not, in words shown to the user."""

    allowed: bool
    reason: str = ""

    def __bool__(self) -> bool:
        return self.allowed


YES = Decision(True)


def no(reason) -> Decision:
    return Decision(False, str(reason))
