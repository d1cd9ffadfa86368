"""OrganisationService: slugs, DIDs, keys, profiles and the resolver hook, on every backend."""

from __future__ import annotations

import pytest
from orgs_support import ACTOR, create_org, make_registry, scope
from sqlalchemy.engine import Engine

from app.verification import make_verifier
from common.errors import ConfigurationError, InvalidInputError
from common.settings import Settings
from issuer import CredentialIssuer, IssueRequest, IssuerProfile, Recipient
from keys.did import resolve_in_document
from keys.ed25519 import verify_signature
from keys.store import MasterSecret
from registry.audit.log import AuditLog
from registry.context import Registry
from registry.errors import OrganisationExistsError, OrganisationNotFoundError
from registry.orgs import Address, OrganisationService, address_of

DID = "did:web:badges.example.org:orgs:centre-one"
BASE = "https://badges.example.org"


def _count(registry: Registry, table: str) -> int:
    with registry.engine.connect() as connection:
        return int(connection.exec_driver_sql(f"SELECT count(*) FROM {table}").scalar_one())


class TestCreate:
    def test_create_gives_the_did_web_of_the_slug(self, registry: Registry) -> None:
        """An organisation's DID is did:web:{host}:orgs:{slug}."""
        create_org(registry, "centre-one")
        with scope(registry) as session:
            assert OrganisationService(registry, session).get("centre-one").did == DID

    def test_create_makes_key_1_and_an_audit_entry(self, registry: Registry) -> None:
        """Creating an organisation stores key-1 and the log's first entry, org.create."""
        org_id = create_org(registry)
        with scope(registry) as session:
            org = OrganisationService(registry, session).get_by_id(org_id)
            signer = OrganisationService(registry, session).signer(org)
            entries = AuditLog(registry, session).entries(org_id)
        assert signer.verification_method == f"{DID}#key-1"
        assert [(e.seq, e.action, e.actor) for e in entries] == [(1, "org.create", ACTOR)]

    def test_host_with_port_is_percent_encoded(self, engine: Engine) -> None:
        """A base URL with a port gives host%3Aport in the DID."""
        base = make_registry(engine)
        registry = Registry(
            settings=Settings(base_url="http://127.0.0.1:8000"),
            engine=engine,
            processor=base.processor,
            catalogue=base.catalogue,
            master=base.master,
        )
        create_org(registry, "local")
        with scope(registry) as session:
            did = OrganisationService(registry, session).get("local").did
        assert did == "did:web:127.0.0.1%3A8000:orgs:local"

    def test_profile_fields_are_stored(self, registry: Registry) -> None:
        """URL, e-mail, logo, address and the assessor rule are kept as given."""
        address = Address(address_locality="Milano", address_country_code="IT")
        create_org(
            registry,
            url="https://centre.example",
            email="info@centre.example",
            logo_url="https://centre.example/logo.png",
            address=address,
            require_assessor_badge=True,
        )
        with scope(registry) as session:
            org = OrganisationService(registry, session).get("centre-one")
        assert (org.url, org.email, org.logo_url) == (
            "https://centre.example",
            "info@centre.example",
            "https://centre.example/logo.png",
        )
        assert address_of(org) == address
        assert org.require_assessor_badge is True

    def test_list_is_sorted_by_slug(self, registry: Registry) -> None:
        """Organisations are listed by slug."""
        for slug in ("zeta", "alpha", "mid"):
            create_org(registry, slug)
        with scope(registry) as session:
            slugs = [o.slug for o in OrganisationService(registry, session).list()]
        assert slugs == ["alpha", "mid", "zeta"]


class TestCreateRefusals:
    def _refused(self, registry: Registry, slug: str) -> None:
        with pytest.raises(InvalidInputError), scope(registry) as session:
            OrganisationService(registry, session).create(slug=slug, name="X", actor=ACTOR)
        assert _count(registry, "organisations") == 0
        assert _count(registry, "signing_keys") == 0

    def test_uppercase_slug_is_refused(self, registry: Registry) -> None:
        """Slugs are lower-case."""
        self._refused(registry, "Centre")

    def test_one_character_slug_is_refused(self, registry: Registry) -> None:
        """Slugs have at least two characters."""
        self._refused(registry, "c")

    def test_65_character_slug_is_refused(self, registry: Registry) -> None:
        """Slugs have at most 64 characters."""
        self._refused(registry, "a" * 65)

    def test_edge_hyphen_slug_is_refused(self, registry: Registry) -> None:
        """Slugs neither start nor end with a hyphen."""
        self._refused(registry, "-centre")

    def test_slug_with_other_characters_is_refused(self, registry: Registry) -> None:
        """Only a-z, 0-9 and '-' (no dots, underscores, slashes or non-ASCII)."""
        self._refused(registry, "centre_one")

    def test_reserved_slug_is_refused(self, registry: Registry) -> None:
        """Slugs that name parts of the service are reserved."""
        self._refused(registry, "admin")

    def test_name_with_nul_is_refused(self, registry: Registry) -> None:
        """A NUL (or other control character) in the name is refused on every backend."""
        with pytest.raises(InvalidInputError, match="control"), scope(registry) as session:
            OrganisationService(registry, session).create(
                slug="centre-one", name="Org\x00One", actor=ACTOR
            )
        assert _count(registry, "organisations") == 0

    def test_non_http_url_is_refused(self, registry: Registry) -> None:
        """The organisation's URL must be http(s)."""
        with pytest.raises(InvalidInputError, match="url"), scope(registry) as session:
            OrganisationService(registry, session).create(
                slug="centre-one", name="C", url="javascript:alert(1)", actor=ACTOR
            )

    def test_bad_email_is_refused(self, registry: Registry) -> None:
        """The contact e-mail must look like one."""
        with pytest.raises(InvalidInputError, match="email"), scope(registry) as session:
            OrganisationService(registry, session).create(
                slug="centre-one", name="C", email="not-an-address", actor=ACTOR
            )

    def test_taken_slug_is_a_conflict_and_writes_nothing(self, registry: Registry) -> None:
        """A second organisation with the same slug is refused; no key or entry is added."""
        create_org(registry, "centre-one")
        with pytest.raises(OrganisationExistsError), scope(registry) as session:
            OrganisationService(registry, session).create(
                slug="centre-one", name="Again", actor=ACTOR
            )
        assert _count(registry, "signing_keys") == 1
        assert _count(registry, "audit_log") == 1

    def test_unknown_slug_is_not_found(self, registry: Registry) -> None:
        """get() of an unknown slug raises OrganisationNotFoundError."""
        with pytest.raises(OrganisationNotFoundError), scope(registry) as session:
            OrganisationService(registry, session).get("nobody")

    def test_unknown_id_is_not_found(self, registry: Registry) -> None:
        """get_by_id() of an unknown id raises OrganisationNotFoundError."""
        with pytest.raises(OrganisationNotFoundError), scope(registry) as session:
            OrganisationService(registry, session).get_by_id(999)


class TestKeysAndDidDocument:
    def test_did_document_lists_rotated_keys(self, registry: Registry) -> None:
        """After a rotation the DID document lists key-1 and key-2, both as assertion keys."""
        create_org(registry)
        with scope(registry) as session:
            service = OrganisationService(registry, session)
            new = service.rotate_key(service.get("centre-one"), actor=ACTOR)
        with scope(registry) as session:
            service = OrganisationService(registry, session)
            document = service.did_document(service.get("centre-one"))
        assert new.key_id == "key-2"
        assert document["id"] == DID
        assert document["assertionMethod"] == [f"{DID}#key-1", f"{DID}#key-2"]
        for vm in document["assertionMethod"]:
            assert resolve_in_document(document, vm, expected_did=DID).id == vm

    def test_signer_uses_the_newest_key(self, registry: Registry) -> None:
        """After rotation the signer signs with key-2, which the DID document publishes."""
        create_org(registry)
        with scope(registry) as session:
            service = OrganisationService(registry, session)
            org = service.get("centre-one")
            service.rotate_key(org, actor=ACTOR)
            signer = service.signer(org)
            document = service.did_document(org)
        method = resolve_in_document(document, signer.verification_method, expected_did=DID)
        assert signer.verification_method.endswith("#key-2")
        verify_signature(method.public_key, signer.key_pair.sign(b"m"), b"m")

    def test_rotation_is_audited(self, registry: Registry) -> None:
        """Rotating writes a key.rotate entry naming the new key."""
        org_id = create_org(registry)
        with scope(registry) as session:
            service = OrganisationService(registry, session)
            service.rotate_key(service.get("centre-one"), actor="token:1:ops")
            last = AuditLog(registry, session).entries(org_id)[-1]
        assert (last.action, last.actor, last.details) == (
            "key.rotate",
            "token:1:ops",
            '{"key_id":"key-2"}',
        )

    def test_resolver_hook_returns_our_documents(self, registry: Registry) -> None:
        """did_document_for() resolves an organisation's DID to its document."""
        create_org(registry)
        with scope(registry) as session:
            document = OrganisationService(registry, session).did_document_for(DID)
        assert document is not None and document["id"] == DID

    def test_resolver_hook_ignores_other_dids(self, registry: Registry) -> None:
        """Unknown did:web DIDs and other methods resolve to None (not ours)."""
        create_org(registry)
        with scope(registry) as session:
            service = OrganisationService(registry, session)
            assert service.did_document_for("did:web:badges.example.org:orgs:nobody") is None
            assert service.did_document_for("did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2Q") is None

    def test_wrong_master_secret_is_a_configuration_error(self, engine: Engine) -> None:
        """With another master secret, signing fails as a configuration error, cleanly."""
        create_org(make_registry(engine))
        wrong = make_registry(engine, MasterSecret.generate())
        with scope(wrong) as session:
            service = OrganisationService(wrong, session)
            org = service.get("centre-one")
            with pytest.raises(ConfigurationError, match="unavailable"):
                service.signer(org)

    def test_wrong_master_secret_creates_no_organisation(self, engine: Engine) -> None:
        """A new organisation under a wrong master secret is refused with nothing stored."""
        create_org(make_registry(engine), "centre-one")
        wrong = make_registry(engine, MasterSecret.generate())
        with pytest.raises(ConfigurationError), scope(wrong) as session:
            OrganisationService(wrong, session).create(slug="centre-two", name="C", actor=ACTOR)
        assert _count(wrong, "organisations") == 1


class TestProfile:
    def test_profile_is_the_issuer_profile(self, registry: Registry) -> None:
        """profile() gives the OB 3.0 issuer Profile with the DID as id."""
        create_org(registry, url="https://centre.example", email="info@centre.example")
        with scope(registry) as session:
            service = OrganisationService(registry, session)
            profile = service.profile(service.get("centre-one"))
        assert profile == IssuerProfile(
            id=DID,
            name="Centre centre-one",
            url="https://centre.example",
            email="info@centre.example",
        )

    def test_update_changes_given_fields_only(self, registry: Registry) -> None:
        """update() changes what is given, clears what is None, keeps the rest."""
        create_org(registry, url="https://centre.example", email="info@centre.example")
        with scope(registry) as session:
            service = OrganisationService(registry, session)
            service.update(service.get("centre-one"), actor=ACTOR, name="Renamed", url=None)
        with scope(registry) as session:
            org = OrganisationService(registry, session).get("centre-one")
        assert (org.name, org.url, org.email) == ("Renamed", None, "info@centre.example")

    def test_update_audits_field_names_not_values(self, registry: Registry) -> None:
        """The org.update entry names the fields changed, never the new values."""
        org_id = create_org(registry)
        with scope(registry) as session:
            service = OrganisationService(registry, session)
            service.update(service.get("centre-one"), actor=ACTOR, email="boss@centre.example")
            last = AuditLog(registry, session).entries(org_id)[-1]
        assert (last.action, last.details) == ("org.update", '{"fields":["email"]}')
        assert "boss" not in last.details

    def test_invalid_update_changes_nothing(self, registry: Registry) -> None:
        """An invalid field refuses the whole update."""
        create_org(registry)
        with scope(registry) as session:
            service = OrganisationService(registry, session)
            org = service.get("centre-one")
            with pytest.raises(InvalidInputError):
                service.update(org, actor=ACTOR, name="New", email="bad")
        with scope(registry) as session:
            assert OrganisationService(registry, session).get("centre-one").name != "New"
        assert _count(registry, "audit_log") == 1

    def test_empty_update_writes_no_entry(self, registry: Registry) -> None:
        """Nothing given, nothing changed, nothing audited."""
        create_org(registry)
        with scope(registry) as session:
            service = OrganisationService(registry, session)
            service.update(service.get("centre-one"), actor=ACTOR)
        assert _count(registry, "audit_log") == 1


class TestVerifierIntegration:
    def test_credential_signed_before_rotation_still_verifies(self, registry: Registry) -> None:
        """A credential signed with key-1 verifies after rotation, resolving our DID locally."""
        create_org(registry)
        request = IssueRequest(
            achievement="teamwork",
            recipient=Recipient(email="volunteer@example.org"),
            outcome="accomplished",
            complexity="mid-high",
        )
        with scope(registry) as session:
            service = OrganisationService(registry, session)
            org = service.get("centre-one")
            issued = CredentialIssuer(registry.processor, registry.catalogue, base_url=BASE).issue(
                request, profile=service.profile(org), signer=service.signer(org)
            )
            service.rotate_key(org, actor=ACTOR)

        def local_documents(did: str) -> dict[str, object] | None:
            with scope(registry) as session:
                return OrganisationService(registry, session).did_document_for(did)

        report = make_verifier(registry.processor, local_documents=local_documents).verify(
            issued.signed_bytes
        )
        assert report.outcome == "valid", [c for c in report.checks if c.status != "passed"]
