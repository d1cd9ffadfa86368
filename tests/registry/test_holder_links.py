"""registry.credentials.holder: the holder link's key and LinkedIn's "Add to profile" URL."""

from __future__ import annotations

import base64
import hashlib
import hmac
from datetime import UTC, datetime
from urllib.parse import parse_qs, urlsplit

from registry.context import Registry
from registry.credentials._reads import lookup_key
from registry.credentials.holder import holder_key, holder_token, holder_url, token_matches
from sharing.linkedin import linkedin_url

UUID = "7c9e6679-7425-40de-944b-e07fc1f90ae7"


class TestHolderKey:
    def test_token_is_stable_and_matches(self, registry: Registry) -> None:
        """The same uuid gets the same 43-character token, and it matches."""
        key = holder_key(registry)
        token = holder_token(key, UUID)
        assert token == holder_token(holder_key(registry), UUID)
        assert len(token) == 43
        assert token_matches(key, UUID, token)

    def test_key_is_its_own(self, registry: Registry) -> None:
        """The holder key is not the recipient-lookup key (one derived key per purpose)."""
        assert holder_key(registry) != lookup_key(registry)

    def test_another_credentials_token_does_not_match(self, registry: Registry) -> None:
        """A token is bound to its uuid."""
        key = holder_key(registry)
        other = holder_token(key, "0b6e3c1a-0000-4000-8000-000000000000")
        assert not token_matches(key, UUID, other)

    def test_empty_or_oversized_token_does_not_match(self, registry: Registry) -> None:
        """Nothing, or a very long value, never matches."""
        key = holder_key(registry)
        assert not token_matches(key, UUID, None)
        assert not token_matches(key, UUID, "")
        assert not token_matches(key, UUID, "A" * 500)

    def test_token_is_the_hmac_of_the_uuid(self) -> None:
        """The token is base64url(HMAC-SHA256(key, uuid)) without padding, computed here
        independently of the implementation."""
        key = bytes(range(32))
        digest = hmac.new(key, UUID.encode("ascii"), hashlib.sha256).digest()
        expected = base64.urlsafe_b64encode(digest).decode("ascii").rstrip("=")
        assert holder_token(key, UUID) == expected

    def test_holder_url(self, registry: Registry) -> None:
        """{BASE}/credentials/{uuid}/holder?key=<token>."""
        expected = f"{registry.base_url}/credentials/{UUID}/holder?key="
        assert holder_url(registry, UUID) == expected + holder_token(holder_key(registry), UUID)


class TestLinkedIn:
    def test_parameters_and_encoding(self) -> None:
        """Every value URL-encoded; months 1-12; certUrl is the public page."""
        url = linkedin_url(
            name="Lavoro di squadra & co",
            organization_name="Centro Volontari Ünø",
            issued=datetime(2026, 1, 31, tzinfo=UTC),
            expires=datetime(2029, 12, 1, tzinfo=UTC),
            cert_url=f"https://badges.example.org/credentials/{UUID}",
            cert_id=UUID,
        )
        parts = urlsplit(url)
        assert f"{parts.scheme}://{parts.netloc}{parts.path}" == (
            "https://www.linkedin.com/profile/add"
        )
        assert "&co" not in parts.query and " " not in parts.query
        query = parse_qs(parts.query)
        assert query["name"] == ["Lavoro di squadra & co"]
        assert query["organizationName"] == ["Centro Volontari Ünø"]
        assert (query["issueYear"], query["issueMonth"]) == (["2026"], ["1"])
        assert (query["expirationYear"], query["expirationMonth"]) == (["2029"], ["12"])
        assert query["certUrl"] == [f"https://badges.example.org/credentials/{UUID}"]
        assert query["certId"] == [UUID]

    def test_no_expiry_and_no_organisation(self) -> None:
        """Members without a value are left out."""
        url = linkedin_url(
            name="Teamwork",
            organization_name=None,
            issued=datetime(2026, 5, 2, tzinfo=UTC),
            expires=None,
            cert_url="https://badges.example.org/credentials/x",
            cert_id="x",
        )
        query = parse_qs(urlsplit(url).query)
        assert "expirationYear" not in query and "organizationName" not in query
        assert query["issueMonth"] == ["5"]
