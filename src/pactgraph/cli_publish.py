"""Commands of the publish feature, registered on the pactgraph app."""

from __future__ import annotations

from pactgraph.cli import app  # noqa: F401
