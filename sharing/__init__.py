"""Sharing: a stored credential turned into what a holder takes elsewhere.

Pure translations of a signed credential (with the catalogue and the issuing organisation's
profile, passed in as values): no database, no web framework. The registry composes them into
the links it answers; the doors (``app/``) serve them.

- ``linkedin``: LinkedIn's "Add to profile" certification link.

Room for what comes next: the Europass export (a European Digital Credential, ELM v3), the
printable certificate, and the wallet protocols (OpenID4VCI offers and the VC-API exchange of
the Learner Credential Wallet) live here; whatever they must remember (offers, nonces) is
stored by the registry.
"""

from __future__ import annotations

from sharing.linkedin import LINKEDIN_ADD, linkedin_url

__all__ = ["LINKEDIN_ADD", "linkedin_url"]
