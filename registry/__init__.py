"""The registry: stores, revokes, suspends and renews credentials for many organisations, and
publishes their status as W3C Bitstring Status Lists. See ``docs/registry.md``."""
