"""The migration chain stays linear: engineers add revisions in parallel, and two heads make every ledger unopenable."""
from __future__ import annotations

from alembic.script import ScriptDirectory

from counterclaim.ledger.store import _alembic_config


def test_the_migrations_have_exactly_one_head():
    heads = ScriptDirectory.from_config(_alembic_config()).get_heads()
    assert len(heads) == 1, f"several alembic heads {heads}: set the newer revision's down_revision to the other"


def test_every_revision_but_the_first_has_a_known_parent():
    revs = list(ScriptDirectory.from_config(_alembic_config()).walk_revisions())
    known = {r.revision for r in revs}
    roots = [r.revision for r in revs if r.down_revision is None]
    assert roots == ["0001"]
    assert all(r.down_revision in known for r in revs if r.down_revision is not None)
