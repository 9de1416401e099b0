"""What every importer returns and raises: a report of what changed and of each bad record, by position."""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

__all__ = ["ImportAborted", "ImportReport", "RecordError"]


@dataclass(frozen=True)
class RecordError:
    """A record that was not imported: where it is in the file and why."""

    position: str  # "line 12", "feature 7 (layer ggw7)"
    reason: str

    def __str__(self):
        return f"{self.position}: {self.reason}"


class ImportAborted(Exception):
    """The import stopped (a bad record with on_error='stop', or an unreadable file); nothing was written."""

    def __init__(self, message: str, report: "ImportReport | None" = None):
        super().__init__(message)
        self.report = report


@dataclass
class ImportReport:
    """Counts of what an import created, updated, left alone or skipped, and the bad records."""

    source: str
    dry_run: bool = False
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RecordError] = field(default_factory=list)
    changes: list[str] = field(default_factory=list)  # human-readable lines: what changed, or would

    @property
    def skipped(self) -> int:
        return len(self.errors)

    def summary(self) -> str:
        counts = {
            "source": self.source,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "skipped": self.skipped,
        }
        # Two whole sentences rather than a verb put in: a translation may need other words around it.
        if self.dry_run:
            return (
                _(
                    "%(source)s: %(created)s would be created, %(updated)s would be updated, "
                    "%(unchanged)s unchanged, %(skipped)s skipped"
                )
                % counts
            )
        return (
            _(
                "%(source)s: %(created)s were created, %(updated)s were updated, %(unchanged)s unchanged, "
                "%(skipped)s skipped"
            )
            % counts
        )
