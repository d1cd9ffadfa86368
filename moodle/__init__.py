"""The Moodle link: course completion on a Moodle site releases a practitioner badge.

Room named now, filled by the Moodle issue: connections to Moodle sites (URL and an encrypted
web-service token), course-to-role mappings, and the sync that reads enrolled users' course
completion through Moodle's web services and issues each Tutor, Assessor or Trainer badge once
through :class:`registry.credentials.IssuanceService`. It builds on the registry; only the doors
(``app/``) build on it.
"""

from __future__ import annotations

__all__: list[str] = []
