"""TokenService: tokens stored as hashes only, roles, authentication and revocation."""

from __future__ import annotations

import hashlib
import re

import pytest
from orgs_support import ACTOR, create_org, create_token, make_registry, scope
from sqlalchemy.engine import Engine

from common.errors import InvalidInputError
from registry.audit.log import AuditLog
from registry.context import Registry
from registry.errors import AuthenticationError, TokenNotFoundError
from registry.orgs.service import OrganisationService
from registry.orgs.tokens import TokenService, role_allows

TOKEN_SHAPE = re.compile(r"lvu_[A-Za-z0-9_-]{43}")


@pytest.fixture
def registry(engine: Engine) -> Registry:
    reg = make_registry(engine)
    create_org(reg, "centre-one")
    create_org(reg, "centre-two")
    return reg


def _authenticate(registry: Registry, token: str) -> tuple[str, str]:
    with scope(registry) as session:
        org, record = TokenService(registry, session).authenticate(token)
        return org.slug, record.role


def _dump(registry: Registry, table: str) -> str:
    with registry.engine.connect() as connection:
        rows = connection.exec_driver_sql(f"SELECT * FROM {table}").all()
    return " ".join(str(value) for row in rows for value in row)


class TestCreate:
    def test_token_has_the_documented_shape(self, registry: Registry) -> None:
        """A token is lvu_ + 43 base64url characters."""
        assert TOKEN_SHAPE.fullmatch(create_token(registry, "centre-one", "admin"))

    def test_tokens_are_unique(self, registry: Registry) -> None:
        """Two tokens are never equal (32 random bytes each)."""
        tokens = {create_token(registry, "centre-one", "viewer") for _ in range(5)}
        assert len(tokens) == 5

    def test_only_the_hash_is_stored(self, registry: Registry) -> None:
        """The record holds the SHA-256 hex and a short prefix; the token is nowhere in the DB."""
        with scope(registry) as session:
            org = OrganisationService(registry, session).get("centre-one")
            token, record = TokenService(registry, session).create(org, "admin", "ops", actor=ACTOR)
        assert record.token_hash == hashlib.sha256(token.encode()).hexdigest()
        assert record.prefix == token[:12]
        for table in ("api_tokens", "audit_log", "organisations"):
            assert token not in _dump(registry, table)
            assert token[4:] not in _dump(registry, table)

    def test_creation_is_audited_without_the_token(self, registry: Registry) -> None:
        """token.create names the token id and role only."""
        with scope(registry) as session:
            org = OrganisationService(registry, session).get("centre-one")
            _, record = TokenService(registry, session).create(org, "viewer", actor=ACTOR)
            last = AuditLog(registry, session).entries(org.id or 0)[-1]
        assert (last.action, last.details) == (
            "token.create",
            f'{{"role":"viewer","token_id":{record.id}}}',
        )

    def test_unknown_role_is_refused(self, registry: Registry) -> None:
        """Roles are admin, assessor and viewer only."""
        with scope(registry) as session:
            org = OrganisationService(registry, session).get("centre-one")
            with pytest.raises(InvalidInputError, match="role"):
                TokenService(registry, session).create(org, "owner", actor=ACTOR)

    def test_label_with_control_characters_is_refused(self, registry: Registry) -> None:
        """Labels appear in audit actors: no control characters."""
        with scope(registry) as session:
            org = OrganisationService(registry, session).get("centre-one")
            with pytest.raises(InvalidInputError, match="control"):
                TokenService(registry, session).create(org, "viewer", "a\nb", actor=ACTOR)

    def test_list_shows_only_the_organisations_tokens(self, registry: Registry) -> None:
        """list() returns this organisation's tokens, oldest first."""
        create_token(registry, "centre-one", "admin", "first")
        create_token(registry, "centre-two", "admin", "elsewhere")
        create_token(registry, "centre-one", "viewer", "second")
        with scope(registry) as session:
            org = OrganisationService(registry, session).get("centre-one")
            labels = [t.label for t in TokenService(registry, session).list(org)]
        assert labels == ["first", "second"]


class TestAuthenticate:
    def test_valid_token_gives_its_organisation_and_role(self, registry: Registry) -> None:
        """A valid token authenticates as its organisation, with its role."""
        token = create_token(registry, "centre-two", "assessor")
        assert _authenticate(registry, token) == ("centre-two", "assessor")

    def test_revoked_token_is_refused(self, registry: Registry) -> None:
        """A revoked token no longer authenticates."""
        with scope(registry) as session:
            org = OrganisationService(registry, session).get("centre-one")
            token, record = TokenService(registry, session).create(org, "admin", actor=ACTOR)
        with scope(registry) as session:
            org = OrganisationService(registry, session).get("centre-one")
            TokenService(registry, session).revoke(org, record.id or 0, actor=ACTOR)
        with pytest.raises(AuthenticationError):
            _authenticate(registry, token)

    def test_unknown_token_is_refused(self, registry: Registry) -> None:
        """A well-formed token that was never issued is refused."""
        with pytest.raises(AuthenticationError):
            _authenticate(registry, "lvu_" + "A" * 43)

    def test_token_differing_in_its_last_character_is_refused(self, registry: Registry) -> None:
        """Changing one character of a valid token makes it unknown."""
        token = create_token(registry, "centre-one", "admin")
        other = token[:-1] + ("A" if token[-1] != "A" else "B")
        with pytest.raises(AuthenticationError):
            _authenticate(registry, other)

    def test_malformed_token_is_refused(self, registry: Registry) -> None:
        """A value without the lvu_ shape is refused before any lookup."""
        with pytest.raises(AuthenticationError):
            _authenticate(registry, "lvu_short")

    def test_token_of_other_shape_with_valid_hash_is_refused(self, registry: Registry) -> None:
        """A stored hash is matched only by a well-formed token (whitespace is not trimmed)."""
        token = create_token(registry, "centre-one", "admin")
        with pytest.raises(AuthenticationError):
            _authenticate(registry, token + " ")

    def test_refusals_share_one_message(self, registry: Registry) -> None:
        """Unknown and malformed tokens get the same detail (no oracle)."""
        details = set()
        for token in ("lvu_" + "A" * 43, "nope"):
            with pytest.raises(AuthenticationError) as caught:
                _authenticate(registry, token)
            details.add(caught.value.detail)
        assert len(details) == 1


class TestRevoke:
    def test_revocation_is_audited_once(self, registry: Registry) -> None:
        """Revoking twice writes one token.revoke entry and changes nothing more."""
        with scope(registry) as session:
            org = OrganisationService(registry, session).get("centre-one")
            _, record = TokenService(registry, session).create(org, "viewer", actor=ACTOR)
        for _ in range(2):
            with scope(registry) as session:
                org = OrganisationService(registry, session).get("centre-one")
                TokenService(registry, session).revoke(org, record.id or 0, actor=ACTOR)
        with scope(registry) as session:
            actions = [e.action for e in AuditLog(registry, session).entries(org.id or 0)]
        assert actions.count("token.revoke") == 1

    def test_another_organisations_token_cannot_be_revoked(self, registry: Registry) -> None:
        """Revoking a token of another organisation is 'not found'; the token keeps working."""
        token = create_token(registry, "centre-two", "admin")
        with scope(registry) as session:
            _, record = TokenService(registry, session).authenticate(token)
            one = OrganisationService(registry, session).get("centre-one")
        with pytest.raises(TokenNotFoundError), scope(registry) as session:
            TokenService(registry, session).revoke(one, record.id or 0, actor=ACTOR)
        assert _authenticate(registry, token) == ("centre-two", "admin")

    def test_unknown_token_id_is_not_found(self, registry: Registry) -> None:
        """Revoking an id that does not exist is 'not found'."""
        with scope(registry) as session:
            org = OrganisationService(registry, session).get("centre-one")
            with pytest.raises(TokenNotFoundError):
                TokenService(registry, session).revoke(org, 4242, actor=ACTOR)


class TestRoles:
    def test_roles_nest(self) -> None:
        """viewer ⊂ assessor ⊂ admin."""
        table = {
            (role, needed): role_allows(role, needed)
            for role in ("viewer", "assessor", "admin")
            for needed in ("viewer", "assessor", "admin")
        }
        assert [k for k, v in table.items() if v] == [
            ("viewer", "viewer"),
            ("assessor", "viewer"),
            ("assessor", "assessor"),
            ("admin", "viewer"),
            ("admin", "assessor"),
            ("admin", "admin"),
        ]

    def test_unknown_role_allows_nothing(self) -> None:
        """A role that is not one of ours is never allowed."""
        assert not role_allows("root", "viewer")
