"""What erasing a member takes along in the apps above this one.

An app whose rows hold a member's traces (the alerts app: the member's reactions) registers a step in its
AppConfig.ready(); member_erase runs every step inside its transaction, before the member's row goes. The
dependency stays where it belongs: that app imports this module, never the reverse.
"""

from collections.abc import Callable

__all__ = ["erasure_steps", "register_erasure_step"]

_steps: list[Callable] = []


def register_erasure_step(step: Callable) -> None:
    """Have member_erase call `step(member=...)` for every member it erases (once per step)."""
    if step not in _steps:
        _steps.append(step)


def erasure_steps() -> tuple[Callable, ...]:
    return tuple(_steps)
