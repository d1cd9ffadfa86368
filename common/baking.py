"""Baking an Open Badges 3.0 credential into a PNG or SVG image, and extracting it again.

Open Badges 3.0 §"Baked badges" (requirements BK-01..BK-05):

- **PNG** carries the credential in one uncompressed ``iTXt`` chunk whose keyword is
  ``openbadgecredential``; the text is the credential JSON (embedded proof) or the compact JWS.
- **SVG** carries it in one ``<openbadges:credential>`` element placed directly after the root
  start tag: JSON as a CDATA body, a JWS as the ``verify`` attribute of an empty element.

Only the standard library is used. Images are never decoded: the PNG reader walks the chunk
structure and checks lengths and CRCs, and never inflates image data, so a pixel bomb or a
compressed text-chunk bomb costs nothing. The SVG reader is expat with every DTD refused
(no DOCTYPE, no entity, no external reference), so XXE and billion laughs cannot start.

Decisions (security catalogue group I):

- A compressed ``iTXt`` with our keyword (flag 1) is refused, never inflated (I3).
- Two credentials in one image (two chunks, two elements) are refused as ambiguous by default
  (I4, I10); ``allow_duplicates=True`` gives the spec's extraction rule instead, where the first
  one wins (BK-03, BK-05). A ``verify`` attribute together with a non-blank body is refused.
- Baking an image that already carries a credential is refused (BK-02 "error or replace").
- Bytes after ``IEND`` are refused (polyglot files, I5), as are truncated chunks and bad CRCs (I6).
- A credential is either a JSON object (first byte ``{``) or a compact JWS; anything else is
  refused before baking. For SVG, a credential holding a carriage return or a character XML
  cannot carry is refused, so that ``unbake(bake(image, c)) == c`` holds byte for byte.
"""

from __future__ import annotations

import json
import re
import struct
import zlib
from typing import Final
from xml.parsers import expat

__all__ = [
    "DEFAULT_MAX_CHUNKS",
    "DEFAULT_MAX_SIZE",
    "OB3_NAMESPACE",
    "PNG_KEYWORD",
    "PNG_SIGNATURE",
    "BakingError",
    "bake_png",
    "bake_svg",
    "unbake",
    "unbake_png",
    "unbake_svg",
]

PNG_SIGNATURE: Final = b"\x89PNG\r\n\x1a\n"
"""The eight bytes every PNG file starts with."""
PNG_KEYWORD: Final = b"openbadgecredential"
"""The keyword of the ``iTXt`` chunk carrying the credential."""
OB3_NAMESPACE: Final = "https://purl.imsglobal.org/ob/v3p0"
"""The XML namespace of the ``<openbadges:credential>`` element."""
DEFAULT_MAX_SIZE: Final = 5 * 1024 * 1024
"""Largest image (in bytes) the readers accept by default."""
DEFAULT_MAX_CHUNKS: Final = 4096
"""Most PNG chunks the reader walks by default."""

_SVG_NAMESPACE: Final = "http://www.w3.org/2000/svg"
_NS_SEP: Final = " "
_CREDENTIAL_QNAME: Final = OB3_NAMESPACE + _NS_SEP + "credential"
_MAX_CHUNK_LENGTH: Final = 2**31 - 1
_TEXT_CHUNKS: Final = frozenset({b"tEXt", b"zTXt", b"iTXt"})
_XML_WHITESPACE: Final = " \t\r\n"
_JWS_RE: Final = re.compile(rb"[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+")
# Characters XML 1.0 cannot carry (CR is legal XML but normalised away, so refused too).
_XML_UNSAFE_RE: Final = re.compile("[\x00-\x08\x0b-\x0c\x0d\x0e-\x1f\ufffe\uffff]")


class BakingError(ValueError):
    """An image or a credential cannot be baked or unbaked; the message says why."""


# --------------------------------------------------------------------------------------------
# credential checks


def _credential_kind(credential: bytes) -> str:
    """Return ``"json"`` or ``"jws"`` for a credential, or raise.

    Args:
        credential: The credential bytes to bake.

    Returns:
        ``"json"`` for a JSON object, ``"jws"`` for a compact JWS.

    Raises:
        BakingError: The bytes are neither a UTF-8 JSON object nor a compact JWS.
    """
    if not credential:
        raise BakingError("the credential is empty")
    if credential.startswith(b"{"):
        try:
            document = json.loads(credential.decode("utf-8"))
        except UnicodeDecodeError as exc:
            raise BakingError("the credential is not UTF-8") from exc
        except ValueError as exc:
            raise BakingError(f"the credential is not valid JSON: {exc}") from exc
        if not isinstance(document, dict):  # pragma: no cover - '{' always parses to a dict
            raise BakingError("the credential is not a JSON object")
        return "json"
    if _JWS_RE.fullmatch(credential):
        return "jws"
    raise BakingError("the credential is neither a JSON object nor a compact JWS")


# --------------------------------------------------------------------------------------------
# PNG


def _png_chunk(chunk_type: bytes, data: bytes) -> bytes:
    """Serialise one PNG chunk: length, type, data, CRC32 over type and data."""
    crc = zlib.crc32(chunk_type + data) & 0xFFFFFFFF
    return struct.pack(">I", len(data)) + chunk_type + data + struct.pack(">I", crc)


def _walk_png(data: bytes, max_chunks: int) -> list[tuple[bytes, int, int, int]]:
    """Check a whole PNG's chunk structure and list its chunks.

    Args:
        data: The PNG file.
        max_chunks: Most chunks accepted.

    Returns:
        One ``(type, chunk start, data start, data end)`` tuple per chunk, ``IEND`` last.

    Raises:
        BakingError: Not a PNG, truncated, a bad CRC or length, too many chunks, no ``IHDR``
            first, no ``IEND``, or bytes after ``IEND``.
    """
    if not data.startswith(PNG_SIGNATURE):
        raise BakingError("not a PNG: the PNG signature is missing")
    chunks: list[tuple[bytes, int, int, int]] = []
    pos = len(PNG_SIGNATURE)
    size = len(data)
    while True:
        if pos == size:
            raise BakingError("truncated PNG: no IEND chunk")
        if pos + 8 > size:
            raise BakingError(f"truncated PNG: chunk header at byte {pos} is cut off")
        if len(chunks) >= max_chunks:
            raise BakingError(f"PNG has more than {max_chunks} chunks")
        (length,) = struct.unpack_from(">I", data, pos)
        chunk_type = data[pos + 4 : pos + 8]
        if length > _MAX_CHUNK_LENGTH:
            raise BakingError(f"PNG chunk at byte {pos} declares an invalid length")
        if not chunk_type.isalpha() or not chunk_type.isascii():
            raise BakingError(f"PNG chunk at byte {pos} has an invalid type {chunk_type!r}")
        start, end = pos + 8, pos + 8 + length
        if end + 4 > size:
            raise BakingError(f"truncated PNG: chunk {chunk_type.decode()} is cut off")
        (crc,) = struct.unpack_from(">I", data, end)
        if zlib.crc32(data[pos + 4 : end]) & 0xFFFFFFFF != crc:
            raise BakingError(f"PNG chunk {chunk_type.decode()} at byte {pos} has a bad CRC")
        if not chunks and chunk_type != b"IHDR":
            raise BakingError("not a PNG: the first chunk is not IHDR")
        chunks.append((chunk_type, pos, start, end))
        pos = end + 4
        if chunk_type == b"IEND":
            if pos != size:
                raise BakingError("PNG has data after IEND")
            return chunks


def _text_keyword(body: bytes) -> bytes:
    """The keyword of a ``tEXt``/``zTXt``/``iTXt`` chunk body (bytes before the first NUL)."""
    return body.split(b"\x00", 1)[0]


def _itxt_text(body: bytes) -> bytes:
    """Decode the text of an ``iTXt`` chunk carrying our keyword.

    Args:
        body: The chunk data.

    Returns:
        The text field, as is.

    Raises:
        BakingError: The chunk is malformed, compressed, or its text is not UTF-8 or empty.
    """
    parts = body.split(b"\x00", 1)
    if len(parts) != 2 or len(parts[1]) < 2:
        raise BakingError("malformed iTXt chunk: the compression fields are missing")
    rest = parts[1]
    flag, method = rest[0], rest[1]
    if flag != 0:
        raise BakingError("the baked credential is compressed; compression MUST NOT be used")
    if method != 0:
        raise BakingError("malformed iTXt chunk: unknown compression method")
    fields = rest[2:].split(b"\x00", 2)
    if len(fields) != 3:
        raise BakingError("malformed iTXt chunk: language tag or translated keyword missing")
    text = fields[2]
    if not text:
        raise BakingError("the baked credential is empty")
    try:
        text.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BakingError("the baked credential is not UTF-8") from exc
    return text


def bake_png(png: bytes, credential: bytes) -> bytes:
    """Bake a credential into a PNG.

    Inserts one uncompressed ``iTXt`` chunk (keyword ``openbadgecredential``, empty language
    tag and translated keyword) directly before ``IEND``, so after the last ``IDAT``. Every
    other byte of the image is kept; the result depends only on the inputs.

    Args:
        png: The PNG image.
        credential: The credential: a UTF-8 JSON object or a compact JWS.

    Returns:
        The baked PNG.

    Raises:
        BakingError: The image is not a sound PNG, has no ``IDAT``, already carries a
            credential, or the credential is not JSON or a JWS.
    """
    _credential_kind(credential)
    chunks = _walk_png(png, max_chunks=max(DEFAULT_MAX_CHUNKS, len(png) // 12))
    if not any(chunk_type == b"IDAT" for chunk_type, *_ in chunks):
        raise BakingError("not a PNG image: no IDAT chunk")
    for chunk_type, _pos, start, end in chunks:
        if chunk_type in _TEXT_CHUNKS and _text_keyword(png[start:end]) == PNG_KEYWORD:
            raise BakingError("the PNG already carries a baked credential")
    body = PNG_KEYWORD + b"\x00" + b"\x00\x00" + b"\x00" + b"\x00" + credential
    if len(body) > _MAX_CHUNK_LENGTH:
        raise BakingError("the credential is too large for a PNG chunk")
    iend_pos = chunks[-1][1]
    return png[:iend_pos] + _png_chunk(b"iTXt", body) + png[iend_pos:]


def unbake_png(
    data: bytes,
    *,
    max_size: int = DEFAULT_MAX_SIZE,
    max_chunks: int = DEFAULT_MAX_CHUNKS,
    allow_duplicates: bool = False,
) -> bytes:
    """Extract the credential baked into a PNG.

    The whole file is checked (signature, chunk lengths, CRCs, ``IEND`` last); no chunk is
    ever decompressed.

    Args:
        data: The PNG file.
        max_size: Largest file accepted, in bytes.
        max_chunks: Most chunks accepted.
        allow_duplicates: If true, a second ``openbadgecredential`` chunk is ignored and the
            first one wins (BK-03); by default it is refused as ambiguous.

    Returns:
        The credential bytes, exactly as baked.

    Raises:
        BakingError: The file is too large or not a sound PNG, it carries no credential or
            more than one, or the chunk is compressed or malformed.
    """
    if len(data) > max_size:
        raise BakingError(f"image too large: {len(data)} bytes, the limit is {max_size}")
    found: bytes | None = None
    for chunk_type, _pos, start, end in _walk_png(data, max_chunks):
        if chunk_type != b"iTXt" or _text_keyword(data[start:end]) != PNG_KEYWORD:
            continue
        if found is not None:
            if allow_duplicates:
                continue
            raise BakingError("the PNG carries more than one baked credential")
        found = _itxt_text(data[start:end])
    if found is None:
        raise BakingError("the PNG carries no baked credential")
    return found


# --------------------------------------------------------------------------------------------
# SVG


class _SvgScan:
    """One hardened expat pass over an SVG, recording what baking and unbaking need."""

    def __init__(self, data: bytes, max_size: int) -> None:
        if len(data) > max_size:
            raise BakingError(f"image too large: {len(data)} bytes, the limit is {max_size}")
        # Cheap refusal before parsing; the handlers below refuse the same thing in any form.
        if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
            raise BakingError("SVG with a DOCTYPE or ENTITY declaration is refused")
        self.root_offset = -1
        self.root_prefixes: dict[str, str] = {}
        self.credentials = 0
        self.verify: str | None = None
        self.text: list[str] = []
        self._depth = 0
        self._in_credential_at: int | None = None

        parser = expat.ParserCreate(namespace_separator=_NS_SEP)
        parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
        parser.XmlDeclHandler = self._xml_decl
        parser.StartDoctypeDeclHandler = self._refuse_dtd
        parser.EntityDeclHandler = self._refuse_dtd
        parser.UnparsedEntityDeclHandler = self._refuse_dtd
        parser.ExternalEntityRefHandler = self._refuse_dtd
        parser.StartNamespaceDeclHandler = self._ns_decl
        parser.StartElementHandler = self._start
        parser.EndElementHandler = self._end
        parser.CharacterDataHandler = self._chars
        self._parser = parser
        try:
            parser.Parse(data, True)
        except expat.ExpatError as exc:
            raise BakingError(f"not a well-formed SVG: {exc}") from exc

    def _xml_decl(self, _version: str | None, encoding: str | None, _standalone: int) -> None:
        if encoding is not None and encoding.lower() not in ("utf-8", "utf8", "us-ascii"):
            raise BakingError(f"SVG must be UTF-8, not {encoding}")

    def _refuse_dtd(self, *_args: object) -> int:
        raise BakingError("SVG with a DOCTYPE, ENTITY or external reference is refused")

    def _ns_decl(self, prefix: str | None, uri: str | None) -> None:
        if self.root_offset < 0 and prefix is not None:
            self.root_prefixes[prefix] = uri or ""

    def _start(self, name: str, attrs: dict[str, str]) -> None:
        self._depth += 1
        if self._depth == 1:
            if name not in (_SVG_NAMESPACE + _NS_SEP + "svg", "svg"):
                raise BakingError("only PNG or SVG may be baked: the XML root is not <svg>")
            self.root_offset = self._parser.CurrentByteIndex
        if name == _CREDENTIAL_QNAME:
            self.credentials += 1
            if self.credentials == 1:
                self.verify = attrs.get("verify")
                self._in_credential_at = self._depth

    def _end(self, _name: str) -> None:
        if self._in_credential_at == self._depth:
            self._in_credential_at = None
        self._depth -= 1

    def _chars(self, text: str) -> None:
        if self._in_credential_at == self._depth:
            self.text.append(text)


def _start_tag_end(data: bytes, offset: int) -> int:
    """Index of the ``>`` closing the start tag at ``offset`` (quotes respected)."""
    quote = 0
    for index in range(offset, len(data)):
        byte = data[index]
        if quote:
            if byte == quote:
                quote = 0
        elif byte in b"\"'":
            quote = byte
        elif byte == 0x3E:  # '>'
            return index
    raise BakingError("not a well-formed SVG: the root start tag is not closed")  # pragma: no cover


def bake_svg(svg: bytes, credential: bytes) -> bytes:
    """Bake a credential into an SVG.

    Declares ``xmlns:openbadges`` on the root ``<svg>`` if it is missing and inserts
    ``<openbadges:credential>`` directly after the root start tag: a JSON credential as a CDATA
    body (any ``]]>`` split across two CDATA sections), a JWS as ``verify="…"`` on an empty
    element. Every other byte of the image is kept.

    Args:
        svg: The SVG image, UTF-8.
        credential: The credential: a UTF-8 JSON object or a compact JWS.

    Returns:
        The baked SVG.

    Raises:
        BakingError: The image is not a safe, well-formed SVG, already carries a credential,
            binds ``openbadges`` to another namespace, or the credential cannot be carried.
    """
    kind = _credential_kind(credential)
    scan = _SvgScan(svg, max_size=max(DEFAULT_MAX_SIZE, len(svg)))
    if scan.credentials:
        raise BakingError("the SVG already carries a baked credential")
    try:
        svg.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BakingError("SVG must be UTF-8") from exc
    text = credential.decode("utf-8")
    if _XML_UNSAFE_RE.search(text):
        raise BakingError("the credential holds a character an SVG cannot carry (e.g. CR)")

    bound = scan.root_prefixes.get("openbadges")
    if bound is not None and bound != OB3_NAMESPACE:
        raise BakingError("the SVG binds the prefix openbadges to another namespace")
    declaration = b"" if bound else f' xmlns:openbadges="{OB3_NAMESPACE}"'.encode()

    if kind == "json":
        cdata = text.replace("]]>", "]]]]><![CDATA[>")
        element = f"<openbadges:credential><![CDATA[{cdata}]]></openbadges:credential>"
    else:
        element = f'<openbadges:credential verify="{text}"/>'

    close = _start_tag_end(svg, scan.root_offset)
    self_closing = svg[close - 1 : close] == b"/"
    head = svg[: close - 1] if self_closing else svg[:close]
    tail = svg[close + 1 :]
    if self_closing:
        tag = re.match(rb"<([^\s/>]+)", svg[scan.root_offset :])
        assert tag is not None  # expat accepted this start tag
        tail = b"</" + tag.group(1) + b">" + tail
    return head + declaration + b">" + element.encode("utf-8") + tail


def unbake_svg(
    data: bytes,
    *,
    max_size: int = DEFAULT_MAX_SIZE,
    allow_duplicates: bool = False,
) -> bytes:
    """Extract the credential baked into an SVG.

    Parses with expat, namespace-aware, refusing any DTD. The credential is the ``verify``
    attribute of the first ``{https://purl.imsglobal.org/ob/v3p0}credential`` element, else its
    text (CDATA included) without the surrounding whitespace of pretty-printing; trailing
    whitespace is kept for JSON so the bytes come back as baked.

    Args:
        data: The SVG file.
        max_size: Largest file accepted, in bytes.
        allow_duplicates: If true, a second credential element is ignored and the first one
            wins (BK-05); by default it is refused as ambiguous.

    Returns:
        The credential bytes, UTF-8.

    Raises:
        BakingError: The file is too large, not a well-formed SVG, declares a DTD or entity,
            carries no credential or an ambiguous one.
    """
    scan = _SvgScan(data, max_size=max_size)
    if scan.credentials == 0:
        raise BakingError("the SVG carries no baked credential")
    if scan.credentials > 1 and not allow_duplicates:
        raise BakingError("the SVG carries more than one baked credential")
    body = "".join(scan.text).lstrip(_XML_WHITESPACE)
    if scan.verify is not None:
        if body.strip(_XML_WHITESPACE):
            raise BakingError("the credential element has both a verify attribute and a body")
        result = scan.verify
    else:
        result = body if body.startswith("{") else body.rstrip(_XML_WHITESPACE)
    if not result:
        raise BakingError("the baked credential is empty")
    return result.encode("utf-8")


# --------------------------------------------------------------------------------------------
# sniffing


def unbake(data: bytes) -> bytes:
    """Extract the credential baked into a PNG or SVG, chosen by content, not by name.

    Args:
        data: The image file.

    Returns:
        The credential bytes.

    Raises:
        BakingError: The file is neither a PNG nor an SVG (BK-01), or unbaking it failed.
    """
    if data.startswith(PNG_SIGNATURE):
        return unbake_png(data)
    head = data.removeprefix(b"\xef\xbb\xbf").lstrip(b" \t\r\n")
    if head.startswith(b"<"):
        return unbake_svg(data)
    raise BakingError("only PNG or SVG may be baked")
