"""Streaming result-file reader: expat with defusedxml's guards, no element tree at all.

The root element picks the format (JUnit, NUnit 2, NUnit 3, xUnit.net v1/v2, TRX); anything else is
an `UnsupportedResultFile`, so an unknown file is an error for that file, never 0 tests passing.

Why not `defusedxml.ElementTree.iterparse`: to install its guards it swaps in the pure-Python
XMLParser and TreeBuilder, which measured slower than junitparser's full C parse. Here the same guards
defusedxml installs (entity declarations, unparsed entities and external references all raise
defusedxml's own exceptions) sit on a raw expat parser whose callbacks only look at tests and their
children, so memory stays flat in file size and text is only gathered where it is kept.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO, NoReturn
from xml.parsers.expat import ExpatError, ParserCreate, XMLParserType

from defusedxml.common import DefusedXmlException, EntitiesForbidden, ExternalReferenceForbidden

from runner.report.junit.formats.base import (
    MAX_MESSAGE_CHARS,
    MAX_OUTPUT_CHARS,
    MAX_TEXT_CHARS,
    FileScan,
    FormatReader,
    ReadOptions,
    local_name,
)
from runner.report.junit.formats.dotnet import NUnit2Reader, NUnit3Reader, XunitReader
from runner.report.junit.formats.junit import JUnitReader
from runner.report.junit.formats.trx import TrxReader
from runner.report.junit.model import CaseRecord

__all__ = [
    "MAX_MESSAGE_CHARS",
    "MAX_OUTPUT_CHARS",
    "MAX_TEXT_CHARS",
    "FileScan",
    "JUnitReadError",
    "ReadOptions",
    "UnsupportedResultFile",
    "iter_case_batches",
    "iter_cases",
]

_CHUNK_BYTES = 256 * 1024
DEFAULT_OPTIONS = ReadOptions()
_READERS: dict[str, type[FormatReader]] = {
    "testsuites": JUnitReader,
    "testsuite": JUnitReader,
    "test-run": NUnit3Reader,
    "test-results": NUnit2Reader,
    "assemblies": XunitReader,
    "assembly": XunitReader,
    "TestRun": TrxReader,
}


class JUnitReadError(ValueError):
    """A result file that cannot be read: malformed, truncated, of an unknown format, or using
    forbidden XML features. The merge turns it into an error entry for that file."""


class UnsupportedResultFile(JUnitReadError):
    """Well-formed XML, but not a result format the reader knows."""


def iter_cases(
    path: Path, scan: FileScan | None = None, options: ReadOptions = DEFAULT_OPTIONS
) -> Iterator[CaseRecord]:
    """Every test of `path` in document order; raises JUnitReadError on a bad file."""
    for batch in iter_case_batches(path, scan, options):
        yield from batch


def iter_case_batches(
    path: Path, scan: FileScan | None = None, options: ReadOptions = DEFAULT_OPTIONS
) -> Iterator[list[CaseRecord]]:
    """The tests of `path`, one list per chunk read (the merge's hot loop avoids a generator step
    per test this way); memory stays at one chunk's worth of records."""
    encoding = _transcoded_encoding(path)
    # expat reads UTF-8, UTF-16, ISO-8859-1 and ASCII itself; any other declared encoding (Shift_JIS,
    # GBK, windows-1252...) is decoded by Python and handed to expat as UTF-8.
    parser = ParserCreate("utf-8") if encoding is not None else ParserCreate()
    # The guards defusedxml installs (forbid_entities, forbid_external); DTDs without them are fine.
    parser.EntityDeclHandler = _forbid_entity
    parser.UnparsedEntityDeclHandler = _forbid_unparsed
    parser.ExternalEntityRefHandler = _forbid_external
    parser.buffer_text = True
    router = _Router(parser, scan if scan is not None else FileScan(), options)
    parser.StartElementHandler = router.first_element
    try:
        with path.open("rb") as handle:
            for chunk in _chunks(handle, encoding):
                parser.Parse(chunk, False)
                yield router.take()
            parser.Parse(b"", True)
            yield router.take(final=True)
    except DefusedXmlException as error:
        raise JUnitReadError(f"refused: {error}") from error
    except ExpatError as error:
        raise JUnitReadError(f"not well-formed XML: {error}") from error
    except UnicodeDecodeError as error:
        raise JUnitReadError(f"not {error.encoding} as its XML declaration says: {error.reason}") from error
    except OSError as error:
        raise JUnitReadError(f"unreadable: {error.strerror or error}") from error
    finally:
        # The callbacks and the parser refer to each other; unhooking them frees the parser at once
        # instead of at the next cycle collection (which the merge pauses while a file is read).
        parser.StartElementHandler = parser.EndElementHandler = parser.CharacterDataHandler = None
        router.reader = None


_DECLARED_ENCODING = re.compile(rb"""^<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._:-]+)["']""")
_EXPAT_ENCODINGS = frozenset(
    {"utf-8", "utf8", "utf-16", "utf16", "iso-8859-1", "latin-1", "latin1", "us-ascii", "ascii"}
)


def _transcoded_encoding(path: Path) -> str | None:
    """The declared encoding when Python must decode the file for expat, else None."""
    try:
        with path.open("rb") as handle:
            head = handle.read(200)
    except OSError:
        return None  # the read itself reports it
    match = _DECLARED_ENCODING.match(head)
    if match is None:
        return None
    name = match.group(1).decode("ascii")
    if name.lower() in _EXPAT_ENCODINGS:
        return None
    try:
        return codecs.lookup(name).name
    except LookupError:
        raise JUnitReadError(f"unknown encoding {name!r} in its XML declaration") from None


def _chunks(handle: BinaryIO, encoding: str | None) -> Iterator[bytes]:
    if encoding is None:
        while chunk := handle.read(_CHUNK_BYTES):
            yield chunk
        return
    decoder = codecs.getincrementaldecoder(encoding)()
    while chunk := handle.read(_CHUNK_BYTES):
        yield decoder.decode(chunk).encode("utf-8")
    yield decoder.decode(b"", final=True).encode("utf-8")


class _Router:
    """Hands the document to the reader its root element calls for."""

    def __init__(self, parser: XMLParserType, scan: FileScan, options: ReadOptions) -> None:
        self.parser = parser
        self.scan = scan
        self.options = options
        self.reader: FormatReader | None = None

    def first_element(self, name: str, attrs: dict[str, str]) -> None:
        reader_type = _READERS.get(local_name(name))
        if reader_type is None:
            raise UnsupportedResultFile(
                f"unsupported result format: root element <{local_name(name)[:80]}> is not JUnit "
                "(testsuites, testsuite), NUnit 2 (test-results), NUnit 3 (test-run), "
                "xUnit.net (assemblies, assembly) or TRX (TestRun)"
            )
        reader = self.reader = reader_type(self.parser, self.scan, self.options)
        self.parser.StartElementHandler = reader.start
        self.parser.EndElementHandler = reader.end
        reader.start(name, attrs)

    def take(self, final: bool = False) -> list[CaseRecord]:
        reader = self.reader
        if reader is None:
            if final:  # expat already refuses a document without an element; kept for clarity
                raise UnsupportedResultFile("unsupported result format: no root element")
            return []
        if final:
            reader.finish()
        return reader.take()


def _forbid_entity(name: str, is_parameter: bool, value: str | None, base: str | None, sysid: str | None,
                   pubid: str | None, notation: str | None) -> NoReturn:  # fmt: skip
    raise EntitiesForbidden(name, value, base, sysid, pubid, notation)


def _forbid_unparsed(
    name: str, base: str | None, sysid: str | None, pubid: str | None, notation: str | None
) -> NoReturn:
    raise EntitiesForbidden(name, None, base, sysid, pubid, notation)


def _forbid_external(context: str, base: str | None, sysid: str | None, pubid: str | None) -> NoReturn:
    raise ExternalReferenceForbidden(context, base, sysid, pubid)
