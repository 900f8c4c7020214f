"""The attribution candidate the cue rules build and :mod:`.assemble` settles."""

from __future__ import annotations

from dataclasses import dataclass, field

from counterclaim.extract.attributions.speakers import Speaker


@dataclass
class Candidate:
    """An attribution before ids, nesting and relays are settled."""

    content: tuple[int, int]
    speaker: Speaker | None
    cue: tuple[int, int] | None
    direct: bool
    rule: str
    via: list[str] = field(default_factory=list)
    pending: str | None = None  # 'floating' | 'partial' | Speaker.pending
    lead: Candidate | None = None  # the wire-story lead whose relay chain this one inherits
    parent: Candidate | None = None
    continues: Candidate | None = None
    id: str = ""
