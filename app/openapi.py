"""The OpenAPI document's shared parts, and its viewers at ``/schema`` served by this service.

- ``/schema`` (and ``/schema/swagger``) is Swagger UI, ``/schema/redoc`` ReDoc,
  ``/schema/openapi.json`` the document. Their scripts, stylesheet and icon come from the
  ``openapi-ui-bundles`` package and are served under ``/schema/assets/``: the viewers load
  nothing from elsewhere (no CDN, no web fonts), so they work offline.
- The document names the ``bearer`` security scheme (an API token), so Swagger UI's
  "Authorize" sends ``Authorization: Bearer …``; the API's handlers declare it with
  :data:`BEARER`, their problem answers with :func:`problems` and, for a body they read
  themselves (raw JSON, CSV, images, multipart), its shape with :func:`request_body`.
- Every operation's description is its handler's docstring.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

import msgspec
from litestar import Response, get
from litestar.exceptions import NotFoundException
from litestar.openapi import OpenAPIConfig, ResponseSpec
from litestar.openapi.plugins import JsonRenderPlugin, RedocRenderPlugin, SwaggerRenderPlugin
from litestar.openapi.spec import (
    Components,
    OpenAPIMediaType,
    Operation,
    RequestBody,
    SecurityRequirement,
    SecurityScheme,
)
from litestar.openapi.spec.base import BaseSchemaObject
from litestar.params import FromPath
from openapi_ui_bundles import redoc, swagger_ui

__all__ = [
    "ASSETS_PATH",
    "BEARER",
    "PROBLEM_MEDIA_TYPE",
    "Problem",
    "openapi_config",
    "problems",
    "request_body",
    "schema_asset",
    "schema_of",
]

PROBLEM_MEDIA_TYPE: Final = "application/problem+json"
ASSETS_PATH: Final = "/schema/assets"
"""Where the viewers' own files are served."""

BEARER_SCHEME: Final = "bearer"
BEARER: Final[list[SecurityRequirement]] = [{BEARER_SCHEME: []}]
"""The security of every ``/api/v1`` operation but ``POST /api/v1/verify``."""


class Problem(msgspec.Struct, frozen=True, kw_only=True):
    """An RFC 9457 problem (``application/problem+json``); ``docs/problems.md`` lists the types.
    Some carry more members (``rows`` of ``batch-invalid``)."""

    type: str
    """``urn:leverup:problem:<slug>``: branch on this, never on ``detail``."""
    title: str
    status: int
    detail: str


_MEANINGS: Final[Mapping[int, str]] = {
    400: "bad-request or invalid-request: the request is malformed or does not match the API",
    401: "invalid-token: no, unknown or revoked API token",
    403: "insufficient-role: the token's role does not allow this",
    404: "not-found (or a more specific *-not-found): no such resource, or not the caller's",
    406: "not-acceptable: no representation matches Accept",
    409: "invalid-state or organisation-exists: the current state does not allow this",
    413: "request-too-large: the body is larger than this route accepts",
    415: "unsupported-media-type: the body's media type is not accepted here",
    422: "invalid-input (or a more specific type, see docs/problems.md): well-formed but not "
    "acceptable",
    429: "too-many-requests (or this route's own limit): retry after Retry-After seconds",
    500: "internal-error: the service failed; nothing was changed",
    502: "credential-unreachable: the credential URL could not be fetched",
    503: "database-unavailable or status-list-unavailable: retry after Retry-After seconds",
}


def problems(*statuses: int, limited: bool = True) -> dict[int, ResponseSpec]:
    """The problem answers of an operation: ``statuses``, plus 500 and (``limited``: under the
    per-client rate limit) 429, each an RFC 9457 :class:`Problem`."""
    every = {*statuses, 500, *([429] if limited else [])}
    return {
        status: ResponseSpec(
            data_container=Problem,
            description=_MEANINGS[status],
            media_type=PROBLEM_MEDIA_TYPE,
            generate_examples=False,
        )
        for status in sorted(every)
    }


@dataclass
class _JsonSchema(BaseSchemaObject):
    """A JSON Schema given as a document (msgspec's, with its definitions inlined)."""

    document: dict[str, Any] = field(default_factory=dict)

    def to_schema(self) -> dict[str, Any]:
        return self.document


def _inline(node: Any, definitions: Mapping[str, Any]) -> Any:
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/$defs/"):
            return _inline(definitions[ref.removeprefix("#/$defs/")], definitions)
        return {key: _inline(value, definitions) for key, value in node.items()}
    if isinstance(node, list):
        return [_inline(value, definitions) for value in node]
    return node


def schema_of(shape: object) -> dict[str, Any]:
    """The JSON Schema of a msgspec type, its definitions inlined (or ``shape`` if it is one)."""
    if isinstance(shape, dict):
        return shape
    document = msgspec.json.schema(shape)
    definitions = document.pop("$defs", {})
    result = _inline(document, definitions)
    assert isinstance(result, dict)
    return result


def request_body(description: str, content: Mapping[str, object]) -> type[Operation]:
    """An ``operation_class`` documenting a body the handler reads itself.

    Args:
        description: What the body is.
        content: Media type → its shape: a msgspec type, or a JSON Schema document.
    """
    body = RequestBody(
        content={
            media: OpenAPIMediaType(schema=_JsonSchema(schema_of(shape)))  # type: ignore[arg-type]
            for media, shape in content.items()
        },
        description=description,
        required=True,
    )

    class DocumentedBody(Operation):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            if self.request_body is None:
                self.request_body = body

    return DocumentedBody


_REDOC_LOGO: Final = b"https://cdn.redoc.ly/redoc/logo-mini.svg"
"""ReDoc's "powered by" logo, which its bundle loads from its CDN: served from here instead."""


def _redoc_bundle(path: Path) -> bytes:
    """ReDoc's bundle with its one CDN address (the logo) pointing at our copy of the logo."""
    bundle = path.read_bytes()
    if bundle.count(_REDOC_LOGO) != 1:
        raise RuntimeError(f"{path} no longer names its logo once: check the viewer's requests")
    return bundle.replace(_REDOC_LOGO, f"{ASSETS_PATH}/logo-mini.svg".encode())


_ASSETS: Final[Mapping[str, tuple[Path, str]]] = {
    "swagger-ui.css": (swagger_ui.static_path / "swagger-ui.css", "text/css"),
    "swagger-ui-bundle.js": (
        swagger_ui.static_path / "swagger-ui-bundle.js",
        "text/javascript",
    ),
    "swagger-ui-standalone-preset.js": (
        swagger_ui.static_path / "swagger-ui-standalone-preset.js",
        "text/javascript",
    ),
    "favicon-32x32.png": (swagger_ui.static_path / "favicon-32x32.png", "image/png"),
    "redoc.standalone.js": (redoc.static_path / "redoc.standalone.js", "text/javascript"),
    "logo-mini.svg": (redoc.static_path / "logo-mini.svg", "image/svg+xml"),
}


@functools.cache
def _asset_bytes(name: str) -> bytes:
    """The bytes of a viewer file, read once."""
    path = _ASSETS[name][0]
    return _redoc_bundle(path) if name == "redoc.standalone.js" else path.read_bytes()


@get(ASSETS_PATH + "/{name:str}", include_in_schema=False, sync_to_thread=False)
def schema_asset(name: FromPath[str]) -> Response[bytes]:
    """A file of the documentation viewers (from the ``openapi-ui-bundles`` package)."""
    found = _ASSETS.get(name)
    if found is None:
        raise NotFoundException(f"no documentation asset {name!r:.60}")
    media_type = found[1]
    return Response(
        _asset_bytes(name),
        media_type=media_type,
        headers={"Cache-Control": "public, max-age=86400", "X-Content-Type-Options": "nosniff"},
    )


def openapi_config(*, description: str) -> OpenAPIConfig:
    """``/schema``: Swagger UI (also ``/schema/swagger``), ReDoc (``/schema/redoc``) and
    ``/schema/openapi.json``, every viewer file served by this service."""
    favicon = f"<link rel='icon' type='image/png' href='{ASSETS_PATH}/favicon-32x32.png'>"
    return OpenAPIConfig(
        title="LEVER UP Badges",
        version="0.1.0",
        description=description,
        use_handler_docstrings=True,
        components=Components(
            security_schemes={
                BEARER_SCHEME: SecurityScheme(
                    type="http",
                    scheme="bearer",
                    description="An API token of an organisation (`leverup tokens create`; in "
                    "development the demo organisation's admin token is in "
                    "var/dev-admin-token).",
                )
            }
        ),
        render_plugins=[
            SwaggerRenderPlugin(
                path=["/", "/swagger"],
                js_url=f"{ASSETS_PATH}/swagger-ui-bundle.js",
                css_url=f"{ASSETS_PATH}/swagger-ui.css",
                standalone_preset_js_url=f"{ASSETS_PATH}/swagger-ui-standalone-preset.js",
                favicon=favicon,
            ),
            RedocRenderPlugin(
                path="/redoc",
                js_url=f"{ASSETS_PATH}/redoc.standalone.js",
                google_fonts=False,
                favicon=favicon,
            ),
            JsonRenderPlugin(),
        ],
    )
