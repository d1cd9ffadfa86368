"""Migration 0004_registry_semantics (issue 12) upgrades a 0002 database holding data (through
0003_seen_status_bits): existing audit chains keep their hashing (reasons in clear,
``hash_version`` 1) and still verify, new entries chain the reason's hash; organisations get
their name keys, a later look-alike name keeps none."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from registry_support import alembic, make_registry, scope
from sqlalchemy.engine import Engine

from registry.audit.log import GENESIS_HASH, AuditLog, entry_hash
from registry.db import migrate

NOW = datetime(2026, 1, 1, tzinfo=UTC)
CREDENTIAL = "00000000-0000-4000-8000-000000000001"


def _seed_0002(engine: Engine) -> None:
    """Three organisations (the second's name a look-alike of the first's) and a v1 chain."""
    with engine.begin() as c:
        for org_id, slug, name in (
            (1, "a", "Centre One"),
            (2, "b", "CENTRE 0NE"),
            (3, "c", "Other"),
        ):
            c.execute(
                sa.text(
                    "INSERT INTO organisations (id, slug, name, did, require_assessor_badge, "
                    "created_at) VALUES (:id, :slug, :name, :did, false, :now)"
                ),
                {
                    "id": org_id,
                    "slug": slug,
                    "name": name,
                    "did": f"did:web:x:orgs:{slug}",
                    "now": NOW,
                },
            )
        prev = GENESIS_HASH
        for seq, reason in ((1, None), (2, "asked by ada@example.org")):
            digest = entry_hash(
                prev,
                seq=seq,
                at=NOW,
                actor="cli:old",
                action="credential.revoke",
                credential_id=CREDENTIAL,
                reason=reason,
                details={},
                version=1,
            )
            c.execute(
                sa.text(
                    "INSERT INTO audit_log (org_id, seq, at, actor, action, credential_id, reason, "
                    "details, prev_hash, hash) VALUES (1, :seq, :at, 'cli:old', "
                    "'credential.revoke', :cid, :reason, '{}', :prev, :hash)"
                ),
                {
                    "seq": seq,
                    "at": NOW,
                    "cid": CREDENTIAL,
                    "reason": reason,
                    "prev": prev,
                    "hash": digest,
                },
            )
            prev = digest


def test_i12_upgrade_from_0002_keeps_old_chains_and_fills_name_keys(bare_engine: Engine) -> None:
    """No organisation is a training provider to begin with. Old entries keep hash version 1
    and verify; a new entry is version 2 and verifies after
    them; clearing reasons leaves version-1 text (its hash depends on it); name keys are filled,
    the look-alike second name gets none."""
    alembic(bare_engine, "upgrade", "0002")
    _seed_0002(bare_engine)
    migrate(bare_engine)
    with bare_engine.connect() as c:
        keys = dict(c.execute(sa.text("SELECT slug, name_key FROM organisations")).all())
        versions = c.execute(sa.text("SELECT hash_version FROM audit_log ORDER BY seq")).all()
        providers = c.execute(sa.text("SELECT training_provider FROM organisations")).all()
    assert keys == {"a": "centre one", "b": None, "c": "other"}
    assert [v[0] for v in versions] == [1, 1]
    assert [bool(p[0]) for p in providers] == [False, False, False]
    registry = make_registry(bare_engine)
    with scope(registry) as session:
        log = AuditLog(registry, session)
        assert log.verify_chain(1) is None
        log.append(
            1, actor="cli:new", action="credential.revoke", reason="new", credential_id=CREDENTIAL
        )
        assert log.clear_reasons(1, CREDENTIAL) == 1
    with scope(registry) as session:
        log = AuditLog(registry, session)
        entries = log.entries(1)
        assert log.verify_chain(1) is None
    assert [(e.hash_version, e.reason) for e in entries] == [
        (1, None),
        (1, "asked by ada@example.org"),
        (2, None),
    ]


def test_i12_downgrade_to_0002_and_up_again(bare_engine: Engine) -> None:
    """0004_registry_semantics is reversible (and 0003_seen_status_bits below it)."""
    migrate(bare_engine)
    alembic(bare_engine, "downgrade", "0002")
    columns = {c["name"] for c in sa.inspect(bare_engine).get_columns("audit_log")}
    assert "reason_hash" not in columns and "hash_version" not in columns
    migrate(bare_engine)
    columns = {c["name"] for c in sa.inspect(bare_engine).get_columns("organisations")}
    assert "name_key" in columns
