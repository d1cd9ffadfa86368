"""Interoperability tests against the reference JavaScript implementation."""
