"""Baking credentials into PNG and SVG images and extracting them (BK-01..BK-05, catalogue I)."""

from __future__ import annotations

import io
import struct
import time
import zlib

import pytest
from PIL import Image
from PIL.PngImagePlugin import PngImageFile

from common.baking import (
    OB3_NAMESPACE,
    PNG_KEYWORD,
    PNG_SIGNATURE,
    BakingError,
    bake_png,
    bake_svg,
    unbake,
    unbake_png,
    unbake_svg,
)

JSON_CREDENTIAL = (
    '{\n  "type": ["VerifiableCredential", "OpenBadgeCredential"],\n'
    '  "name": "Zürich · 東京 ✓",\n  "note": "a]]>b ]]]]> c"\n}\n'
).encode()
JWS_CREDENTIAL = b"eyJhbGciOiJFZERTQSJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl"
SVG = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n'
    b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
    b'<circle r="4"/></svg>\n'
)


def _png(size: tuple[int, int] = (4, 4)) -> bytes:
    """A small PNG made by Pillow."""
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 10, 10)).save(buffer, "PNG")
    return buffer.getvalue()


def _chunk(chunk_type: bytes, data: bytes) -> bytes:
    """One PNG chunk with a correct CRC, built independently of the module under test."""
    crc = zlib.crc32(chunk_type + data) & 0xFFFFFFFF
    return struct.pack(">I", len(data)) + chunk_type + data + struct.pack(">I", crc)


def _chunks(png: bytes) -> list[tuple[bytes, bytes, int]]:
    """(type, data, stored CRC) for every chunk of a PNG, parsed independently."""
    result = []
    pos = 8
    while pos < len(png):
        (length,) = struct.unpack_from(">I", png, pos)
        chunk_type = png[pos + 4 : pos + 8]
        data = png[pos + 8 : pos + 8 + length]
        (crc,) = struct.unpack_from(">I", png, pos + 8 + length)
        result.append((chunk_type, data, crc))
        pos += 12 + length
    return result


def _itxt(text: bytes, *, keyword: bytes = PNG_KEYWORD, flag: int = 0, method: int = 0) -> bytes:
    """An iTXt chunk with the given fields."""
    return _chunk(b"iTXt", keyword + b"\x00" + bytes([flag, method]) + b"\x00\x00" + text)


def _insert_before_iend(png: bytes, *chunks: bytes) -> bytes:
    """Insert raw chunks before the 12-byte IEND chunk of a PNG."""
    return png[:-12] + b"".join(chunks) + png[-12:]


class TestBakePng:
    """bake_png writes exactly one uncompressed iTXt chunk before IEND (BK-02)."""

    def test_json_round_trip_is_byte_identical(self) -> None:
        """A JSON credential with non-ASCII text and ']]>' comes back byte for byte."""
        assert unbake_png(bake_png(_png(), JSON_CREDENTIAL)) == JSON_CREDENTIAL

    def test_jws_round_trip_is_byte_identical(self) -> None:
        """A compact JWS comes back byte for byte."""
        assert unbake_png(bake_png(_png(), JWS_CREDENTIAL)) == JWS_CREDENTIAL

    def test_chunk_is_after_last_idat_and_directly_before_iend(self) -> None:
        """The new iTXt is the only one, follows the last IDAT and precedes IEND."""
        types = [t for t, _, _ in _chunks(bake_png(_png(), JWS_CREDENTIAL))]
        assert types.count(b"iTXt") == 1
        last_idat = max(i for i, t in enumerate(types) if t == b"IDAT")
        assert types.index(b"iTXt") > last_idat
        assert types[-2:] == [b"iTXt", b"IEND"]

    def test_chunk_fields_and_crc_are_exact(self) -> None:
        """Keyword, flag 0, method 0, empty language and translated keyword; CRC is valid."""
        baked = bake_png(_png(), JSON_CREDENTIAL)
        (itxt,) = [(d, c) for t, d, c in _chunks(baked) if t == b"iTXt"]
        data, crc = itxt
        assert data == b"openbadgecredential\x00\x00\x00\x00\x00" + JSON_CREDENTIAL
        assert crc == zlib.crc32(b"iTXt" + data) & 0xFFFFFFFF

    def test_every_original_byte_is_kept(self) -> None:
        """Removing the inserted chunk gives back the original PNG exactly."""
        png = _png()
        baked = bake_png(png, JWS_CREDENTIAL)
        inserted = _itxt(JWS_CREDENTIAL)
        assert baked == png[:-12] + inserted + png[-12:]

    def test_is_deterministic(self) -> None:
        """The same inputs give the same bytes."""
        assert bake_png(_png(), JSON_CREDENTIAL) == bake_png(_png(), JSON_CREDENTIAL)

    def test_pillow_reads_the_baked_png(self) -> None:
        """Pillow verifies the baked file and exposes the credential as text."""
        baked = bake_png(_png(), JSON_CREDENTIAL)
        Image.open(io.BytesIO(baked)).verify()
        with Image.open(io.BytesIO(baked)) as image:
            image.load()
            assert isinstance(image, PngImageFile)
            assert image.text["openbadgecredential"] == JSON_CREDENTIAL.decode()

    def test_rebaking_is_refused(self) -> None:
        """A PNG that already carries a credential cannot be baked again."""
        with pytest.raises(BakingError, match="already carries"):
            bake_png(bake_png(_png(), JWS_CREDENTIAL), JWS_CREDENTIAL)

    def test_keyword_in_text_chunk_is_refused(self) -> None:
        """A tEXt chunk with our keyword also counts as already baked."""
        png = _insert_before_iend(_png(), _chunk(b"tEXt", PNG_KEYWORD + b"\x00x"))
        with pytest.raises(BakingError, match="already carries"):
            bake_png(png, JWS_CREDENTIAL)

    def test_non_png_is_refused(self) -> None:
        """A GIF is not baked."""
        with pytest.raises(BakingError, match="signature"):
            bake_png(b"GIF89a" + b"\x00" * 40, JWS_CREDENTIAL)

    def test_truncated_png_is_refused(self) -> None:
        """A PNG cut in the middle of a chunk is refused."""
        png = _png()
        with pytest.raises(BakingError, match="truncated"):
            bake_png(png[: len(png) // 2], JWS_CREDENTIAL)

    def test_bad_crc_is_refused(self) -> None:
        """A flipped CRC byte of IHDR is refused."""
        png = bytearray(_png())
        png[8 + 8 + 13] ^= 0xFF
        with pytest.raises(BakingError, match="bad CRC"):
            bake_png(bytes(png), JWS_CREDENTIAL)

    def test_png_without_idat_is_refused(self) -> None:
        """A PNG with only IHDR and IEND is not an image."""
        png = _png()
        bare = PNG_SIGNATURE + _chunk(b"IHDR", _chunks(png)[0][1]) + _chunk(b"IEND", b"")
        with pytest.raises(BakingError, match="no IDAT"):
            bake_png(bare, JWS_CREDENTIAL)

    def test_empty_credential_is_refused(self) -> None:
        """An empty credential is not baked."""
        with pytest.raises(BakingError, match="empty"):
            bake_png(_png(), b"")

    def test_invalid_json_credential_is_refused(self) -> None:
        """Bytes starting with '{' must be valid JSON."""
        with pytest.raises(BakingError, match="not valid JSON"):
            bake_png(_png(), b'{"a": ')

    def test_non_utf8_credential_is_refused(self) -> None:
        """A credential in Latin-1 is refused (BK-01: UTF-8)."""
        with pytest.raises(BakingError, match="not UTF-8"):
            bake_png(_png(), '{"name": "Zürich"}'.encode("latin-1"))

    def test_neither_json_nor_jws_is_refused(self) -> None:
        """Free text is neither a JSON object nor a compact JWS."""
        with pytest.raises(BakingError, match="neither"):
            bake_png(_png(), b"hello world")


class TestUnbakePng:
    """unbake_png is hardened: sizes, CRCs, chunk counts, no decompression (BK-03, I2-I6)."""

    def test_oversized_input_is_refused(self) -> None:
        """A file above max_size is refused before parsing."""
        with pytest.raises(BakingError, match="too large"):
            unbake_png(bake_png(_png(), JWS_CREDENTIAL), max_size=50)

    def test_too_many_chunks_are_refused(self) -> None:
        """A flood of chunks is refused at the chunk cap."""
        flood = [_chunk(b"tEXt", b"k\x00v")] * 20
        png = _insert_before_iend(bake_png(_png(), JWS_CREDENTIAL), *flood)
        with pytest.raises(BakingError, match="more than 10 chunks"):
            unbake_png(png, max_chunks=10)

    def test_compressed_credential_is_refused(self) -> None:
        """An iTXt with our keyword and compression flag 1 is refused, not inflated (I3)."""
        png = _insert_before_iend(_png(), _itxt(zlib.compress(JWS_CREDENTIAL), flag=1))
        with pytest.raises(BakingError, match="compressed"):
            unbake_png(png)

    def test_unknown_compression_method_is_refused(self) -> None:
        """Compression method other than 0 is malformed."""
        png = _insert_before_iend(_png(), _itxt(JWS_CREDENTIAL, method=1))
        with pytest.raises(BakingError, match="compression method"):
            unbake_png(png)

    def test_other_compressed_chunks_are_never_inflated(self) -> None:
        """A compressed iTXt with another keyword holding garbage is ignored, not inflated."""
        bomb = _itxt(b"\xff" * 64, keyword=b"Comment", flag=1)
        png = _insert_before_iend(bake_png(_png(), JWS_CREDENTIAL), bomb)
        assert unbake_png(png) == JWS_CREDENTIAL

    def test_truncated_itxt_fields_are_refused(self) -> None:
        """An iTXt with our keyword but no compression fields is malformed."""
        png = _insert_before_iend(_png(), _chunk(b"iTXt", PNG_KEYWORD + b"\x00"))
        with pytest.raises(BakingError, match="malformed"):
            unbake_png(png)

    def test_missing_language_fields_are_refused(self) -> None:
        """An iTXt without the language and translated-keyword terminators is malformed."""
        png = _insert_before_iend(_png(), _chunk(b"iTXt", PNG_KEYWORD + b"\x00\x00\x00abc"))
        with pytest.raises(BakingError, match="language tag"):
            unbake_png(png)

    def test_empty_text_is_refused(self) -> None:
        """An iTXt with our keyword and no text carries no credential."""
        png = _insert_before_iend(_png(), _itxt(b""))
        with pytest.raises(BakingError, match="empty"):
            unbake_png(png)

    def test_non_utf8_text_is_refused(self) -> None:
        """Text that is not UTF-8 is refused (BK-01)."""
        png = _insert_before_iend(_png(), _itxt(b"\xff\xfe"))
        with pytest.raises(BakingError, match="not UTF-8"):
            unbake_png(png)

    def test_duplicate_credentials_are_refused(self) -> None:
        """Two credential chunks are ambiguous and refused by default (I4)."""
        png = _insert_before_iend(_png(), _itxt(b"a.b.c"), _itxt(JWS_CREDENTIAL))
        with pytest.raises(BakingError, match="more than one"):
            unbake_png(png)

    def test_duplicate_credentials_are_refused_in_the_other_order(self) -> None:
        """The refusal does not depend on which chunk comes first (I4)."""
        png = _insert_before_iend(_png(), _itxt(JWS_CREDENTIAL), _itxt(b"a.b.c"))
        with pytest.raises(BakingError, match="more than one"):
            unbake_png(png)

    def test_first_chunk_wins_when_duplicates_allowed(self) -> None:
        """With allow_duplicates the first chunk wins (BK-03), unlike Pillow's last-wins."""
        png = _insert_before_iend(_png(), _itxt(b"first.x.y"), _itxt(b"second.x.y"))
        assert unbake_png(png, allow_duplicates=True) == b"first.x.y"

    def test_png_without_credential_is_refused(self) -> None:
        """A plain PNG carries nothing."""
        with pytest.raises(BakingError, match="no baked credential"):
            unbake_png(_png())

    def test_truncated_png_is_refused(self) -> None:
        """A baked PNG cut mid-chunk is refused (I6)."""
        baked = bake_png(_png(), JWS_CREDENTIAL)
        with pytest.raises(BakingError, match="truncated"):
            unbake_png(baked[:-20])

    def test_png_ending_at_a_chunk_boundary_is_refused(self) -> None:
        """A PNG whose IEND is missing is refused (I6)."""
        with pytest.raises(BakingError, match="no IEND"):
            unbake_png(bake_png(_png(), JWS_CREDENTIAL)[:-12])

    def test_cut_chunk_header_is_refused(self) -> None:
        """A file ending inside a chunk header is refused."""
        with pytest.raises(BakingError, match="header"):
            unbake_png(bake_png(_png(), JWS_CREDENTIAL)[:-8])

    def test_bad_crc_is_refused(self) -> None:
        """A credential byte altered without fixing the CRC is refused (I6)."""
        baked = bytearray(bake_png(_png(), JWS_CREDENTIAL))
        baked[-12 - 4 - 1] ^= 0x01
        with pytest.raises(BakingError, match="bad CRC"):
            unbake_png(bytes(baked))

    def test_data_after_iend_is_refused(self) -> None:
        """A trailing ZIP (polyglot) is refused (I5)."""
        with pytest.raises(BakingError, match="after IEND"):
            unbake_png(bake_png(_png(), JWS_CREDENTIAL) + b"PK\x03\x04")

    def test_first_chunk_must_be_ihdr(self) -> None:
        """A PNG signature followed by a non-IHDR chunk is refused."""
        with pytest.raises(BakingError, match="not IHDR"):
            unbake_png(PNG_SIGNATURE + _itxt(JWS_CREDENTIAL) + _chunk(b"IEND", b""))

    def test_invalid_chunk_type_is_refused(self) -> None:
        """A chunk type that is not four ASCII letters is refused."""
        png = _insert_before_iend(_png(), _chunk(b"i\x00Xt", b""))
        with pytest.raises(BakingError, match="invalid type"):
            unbake_png(png)

    def test_huge_declared_length_is_refused(self) -> None:
        """A chunk length above 2^31-1 is refused without allocating anything."""
        png = _png()[:-12] + struct.pack(">I", 0xFFFFFFF0) + b"iTXt"
        with pytest.raises(BakingError, match="invalid length"):
            unbake_png(png)


class TestBakeSvg:
    """bake_svg inserts one <openbadges:credential> directly after the root start tag (BK-04)."""

    def test_json_round_trip_is_byte_identical(self) -> None:
        """JSON with non-ASCII text and ']]>' inside comes back byte for byte."""
        assert unbake_svg(bake_svg(SVG, JSON_CREDENTIAL)) == JSON_CREDENTIAL

    def test_jws_round_trip_is_byte_identical(self) -> None:
        """A compact JWS comes back byte for byte."""
        assert unbake_svg(bake_svg(SVG, JWS_CREDENTIAL)) == JWS_CREDENTIAL

    def test_jws_is_an_empty_element_with_verify(self) -> None:
        """The JWS goes into verify="…" on an empty element right after <svg …>."""
        expected = SVG.replace(
            b'height="10">',
            b'height="10" xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0">'
            b'<openbadges:credential verify="' + JWS_CREDENTIAL + b'"/>',
        )
        assert bake_svg(SVG, JWS_CREDENTIAL) == expected

    def test_json_is_a_cdata_body_with_split_sections(self) -> None:
        """JSON goes into CDATA, every ']]>' split across two sections, no verify."""
        baked = bake_svg(SVG, b'{"a":"x]]>y"}')
        assert b'<openbadges:credential><![CDATA[{"a":"x]]]]><![CDATA[>y"}]]>' in baked
        assert b"verify=" not in baked

    def test_existing_namespace_declaration_is_not_repeated(self) -> None:
        """A root that already binds openbadges gets no second declaration."""
        svg = SVG.replace(b"<svg ", f'<svg xmlns:openbadges="{OB3_NAMESPACE}" '.encode())
        baked = bake_svg(svg, JWS_CREDENTIAL)
        assert baked.count(b"xmlns:openbadges") == 1
        assert unbake_svg(baked) == JWS_CREDENTIAL

    def test_prefix_bound_to_other_namespace_is_refused(self) -> None:
        """openbadges bound to a foreign namespace on the root is refused."""
        svg = SVG.replace(b"<svg ", b'<svg xmlns:openbadges="urn:other" ')
        with pytest.raises(BakingError, match="another namespace"):
            bake_svg(svg, JWS_CREDENTIAL)

    def test_self_closing_root_is_opened(self) -> None:
        """<svg …/> becomes <svg …><openbadges:credential …/></svg>."""
        svg = b'<svg xmlns="http://www.w3.org/2000/svg" a=">"/>'
        baked = bake_svg(svg, JWS_CREDENTIAL)
        assert baked.endswith(b'"/></svg>')
        assert unbake_svg(baked) == JWS_CREDENTIAL

    def test_is_deterministic(self) -> None:
        """The same inputs give the same bytes."""
        assert bake_svg(SVG, JSON_CREDENTIAL) == bake_svg(SVG, JSON_CREDENTIAL)

    def test_rebaking_is_refused(self) -> None:
        """An SVG that already carries a credential cannot be baked again."""
        with pytest.raises(BakingError, match="already carries"):
            bake_svg(bake_svg(SVG, JWS_CREDENTIAL), JWS_CREDENTIAL)

    def test_carriage_return_in_credential_is_refused(self) -> None:
        """XML normalises CR, so a credential with CRLF could not round-trip and is refused."""
        with pytest.raises(BakingError, match="cannot carry"):
            bake_svg(SVG, b'{\r\n"a": 1}')

    def test_non_utf8_svg_is_refused(self) -> None:
        """An SVG declared as Latin-1 is refused."""
        svg = SVG.replace(b"UTF-8", b"ISO-8859-1")
        with pytest.raises(BakingError, match="UTF-8"):
            bake_svg(svg, JWS_CREDENTIAL)

    def test_non_svg_root_is_refused(self) -> None:
        """XML whose root is not <svg> is not an SVG (BK-01)."""
        with pytest.raises(BakingError, match="only PNG or SVG"):
            bake_svg(b"<html/>", JWS_CREDENTIAL)

    def test_doctype_is_refused(self) -> None:
        """An SVG with a DOCTYPE is not baked."""
        svg = b'<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "x.dtd">' + SVG.split(b"\n", 1)[1]
        with pytest.raises(BakingError, match="DOCTYPE"):
            bake_svg(svg, JWS_CREDENTIAL)


class TestUnbakeSvg:
    """unbake_svg is hardened XML (BK-05, I9, I10)."""

    def test_billion_laughs_is_refused_fast(self) -> None:
        """Entity expansion never starts: refused in well under a second."""
        lol = (
            b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "lol">'
            + b"".join(
                b'<!ENTITY %s "%s">' % (bytes([98 + i]), (b"&%s;" % bytes([97 + i])) * 10)
                for i in range(9)
            )
            + b"]><svg>&j;</svg>"
        )
        started = time.perf_counter()
        with pytest.raises(BakingError, match="DOCTYPE"):
            unbake_svg(lol)
        assert time.perf_counter() - started < 0.5

    def test_external_entity_is_refused(self) -> None:
        """An external entity (XXE) is refused."""
        xxe = b'<!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]><svg>&x;</svg>'
        with pytest.raises(BakingError, match="DOCTYPE"):
            unbake_svg(xxe)

    def test_utf16_doctype_is_refused_by_the_parser(self) -> None:
        """A DOCTYPE hidden from the byte check by UTF-16 is refused by the expat handler."""
        xxe = '<!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]><svg>&x;</svg>'
        with pytest.raises(BakingError, match="DOCTYPE"):
            unbake_svg(xxe.encode("utf-16"))

    def test_oversized_input_is_refused(self) -> None:
        """A file above max_size is refused before parsing."""
        with pytest.raises(BakingError, match="too large"):
            unbake_svg(bake_svg(SVG, JWS_CREDENTIAL), max_size=100)

    def test_malformed_xml_is_refused(self) -> None:
        """Broken XML is refused."""
        with pytest.raises(BakingError, match="well-formed"):
            unbake_svg(b"<svg><g></svg>")

    def test_duplicate_elements_are_refused(self) -> None:
        """Two credential elements are ambiguous and refused by default (I10)."""
        svg = (
            b'<svg xmlns:ob="https://purl.imsglobal.org/ob/v3p0">'
            b'<ob:credential verify="a.b.c"/><ob:credential verify="d.e.f"/></svg>'
        )
        with pytest.raises(BakingError, match="more than one"):
            unbake_svg(svg)

    def test_first_element_wins_when_duplicates_allowed(self) -> None:
        """With allow_duplicates the first element in document order wins (BK-05)."""
        svg = (
            b'<svg xmlns:ob="https://purl.imsglobal.org/ob/v3p0"><g>'
            b'<ob:credential verify="first.b.c"/></g><ob:credential verify="d.e.f"/></svg>'
        )
        assert unbake_svg(svg, allow_duplicates=True) == b"first.b.c"

    def test_verify_and_body_together_are_refused(self) -> None:
        """A verify attribute plus a non-blank body is ambiguous (I10)."""
        svg = (
            b'<svg xmlns:ob="https://purl.imsglobal.org/ob/v3p0">'
            b'<ob:credential verify="a.b.c"><![CDATA[{"x":1}]]></ob:credential></svg>'
        )
        with pytest.raises(BakingError, match="both"):
            unbake_svg(svg)

    def test_element_matched_by_namespace_not_prefix(self) -> None:
        """Any prefix bound to the OB 3.0 namespace works; pretty-print whitespace is dropped."""
        svg = (
            b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:x="https://purl.imsglobal.org/ob/v3p0">'
            b'\n  <x:credential>\n    <![CDATA[{"a": 1}]]>\n  </x:credential></svg>'
        )
        assert unbake_svg(svg) == b'{"a": 1}\n  '

    def test_jws_body_whitespace_is_stripped(self) -> None:
        """A JWS given as element text loses its surrounding whitespace."""
        svg = (
            b'<svg xmlns:ob="https://purl.imsglobal.org/ob/v3p0">'
            b"<ob:credential>\n a.b.c \n</ob:credential></svg>"
        )
        assert unbake_svg(svg) == b"a.b.c"

    def test_wrong_namespace_is_not_a_credential(self) -> None:
        """openbadges:credential bound to another namespace does not count."""
        svg = b'<svg xmlns:openbadges="urn:x"><openbadges:credential verify="a.b.c"/></svg>'
        with pytest.raises(BakingError, match="no baked credential"):
            unbake_svg(svg)

    def test_blank_element_is_refused(self) -> None:
        """An element with only whitespace carries no credential."""
        svg = (
            b'<svg xmlns:ob="https://purl.imsglobal.org/ob/v3p0">'
            b"<ob:credential> </ob:credential></svg>"
        )
        with pytest.raises(BakingError, match="empty"):
            unbake_svg(svg)


class TestUnbake:
    """unbake sniffs the content, not the name (BK-01, I5)."""

    def test_png_is_sniffed(self) -> None:
        """A baked PNG is recognised by its signature."""
        assert unbake(bake_png(_png(), JSON_CREDENTIAL)) == JSON_CREDENTIAL

    def test_svg_is_sniffed(self) -> None:
        """A baked SVG with a BOM and leading whitespace is recognised as XML."""
        baked = bake_svg(b"\xef\xbb\xbf\n" + SVG.split(b"\n", 1)[1], JWS_CREDENTIAL)
        assert unbake(baked) == JWS_CREDENTIAL

    def test_gif_is_refused(self) -> None:
        """A GIF is neither PNG nor SVG."""
        with pytest.raises(BakingError, match="only PNG or SVG"):
            unbake(b"GIF89a\x01\x00\x01\x00")

    def test_non_svg_xml_is_refused(self) -> None:
        """XML with another root is not an SVG."""
        with pytest.raises(BakingError, match="only PNG or SVG"):
            unbake(b'<?xml version="1.0"?><html/>')

    def test_empty_input_is_refused(self) -> None:
        """Empty bytes are nothing."""
        with pytest.raises(BakingError, match="only PNG or SVG"):
            unbake(b"")
