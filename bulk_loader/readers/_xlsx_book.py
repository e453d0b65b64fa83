"""The parts of an .xlsx/.xlsm package around the sheet data: sheets, styles, shared strings.

Read with zipfile and ElementTree (small parts) or plain string scanning (shared strings, which can
hold a million entries). Every zip/XML problem becomes an InputFileError here.
"""

from __future__ import annotations

import codecs
import html
import posixpath
import re
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree

from bulk_loader.errors import InputFileError
from bulk_loader.readers import xlsx_limits
from bulk_loader.readers.xlsx_limits import (
    STRING_MAX,
    STRINGS_PART_MAX,
    WHOLE_PART_MAX,
    check_part,
    inside,
    refuse,
    too_long,
)

# Built-in number formats that show dates or times (ECMA-376 18.8.30, plus the CJK/Thai ranges).
_DATE_FORMAT_IDS = set(range(14, 18)) | {22} | set(range(27, 37)) | set(range(50, 59)) | \
    set(range(71, 77)) | set(range(78, 82))
_DATE_ONLY_FORMAT_IDS = set(range(14, 18))
_TIME_FORMAT_IDS = set(range(18, 22)) | {45, 46, 47}
_QUOTED_OR_BRACKETED = re.compile(r'"[^"]*"|\[[^\]]*\]|\\.|_.|\*.')
_XML_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")
_T_TEXT = re.compile(r"<(?:\w+:)?t\b[^<>]*>([^<]*)</(?:\w+:)?t>|<(?:\w+:)?t\b[^<>]*/>")
_PHONETIC = re.compile(r"<(?:\w+:)?rPh\b" + inside("rPh") + r"</(?:\w+:)?rPh>")
_SI_END = re.compile(r"</(?:\w+:)?si>")
_SI = re.compile(r"<(?:\w+:)?si>" + inside("si") + r"</(?:\w+:)?si>|<(?:\w+:)?si/>")


@dataclass(frozen=True)
class SheetInfo:
    name: str
    part: str  # path inside the zip, e.g. xl/worksheets/sheet1.xml
    visible: bool
    is_worksheet: bool


def unescape(text: str) -> str:
    """XML entities and OOXML's _xHHHH_ escapes for control characters."""
    if "&" in text:
        text = html.unescape(text)
    if "_x" in text:
        text = _XML_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), text)
    return text


def rich_text(xml: str) -> str:
    """The text of an <si> or <is> element: its <t> runs, without phonetic guides."""
    if "rPh" in xml:
        xml = _PHONETIC.sub("", xml)
    return unescape("".join(_T_TEXT.findall(xml)))


def is_date_format(code: str) -> bool:
    cleaned = _QUOTED_OR_BRACKETED.sub("", code).lower()
    return cleaned != "general" and any(ch in cleaned for ch in "dmyhs")


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


class Workbook:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._formats: tuple[dict[int, str], list[int]] | None = None
        try:
            self.zip = zipfile.ZipFile(path)
        except (zipfile.BadZipFile, OSError, ValueError) as exc:
            raise InputFileError(f"{path.name} looks like an Excel file but is damaged (not a "
                                 "readable zip archive).") from exc
        try:
            self._read_structure()
        except BaseException:
            self.zip.close()
            raise

    def close(self) -> None:
        self.zip.close()

    def _part(self, name: str) -> bytes:
        try:
            check_part(self.path, self.zip.getinfo(name), WHOLE_PART_MAX)
            return self.zip.read(name)
        except KeyError:
            raise InputFileError(f"{self.path.name} is damaged: its part {name} is missing.") \
                from None
        except (zipfile.BadZipFile, zlib.error, OSError, EOFError) as exc:
            raise InputFileError(f"{self.path.name} is damaged: its part {name} cannot be read "
                                 f"({exc}).") from exc

    def _xml(self, name: str) -> ElementTree.Element:
        try:
            return ElementTree.fromstring(self._part(name))
        except ElementTree.ParseError as exc:
            raise InputFileError(f"{self.path.name} is damaged: {name} is not valid XML "
                                 f"({exc}).") from exc

    def _rels(self, part: str) -> dict[str, tuple[str, str]]:
        """Relationship id -> (type suffix, target part) for `part`."""
        folder, base = posixpath.split(part)
        rels_name = posixpath.join(folder, "_rels", base + ".rels")
        if rels_name not in self.zip.NameToInfo:
            return {}
        out = {}
        for rel in self._xml(rels_name):
            target = rel.get("Target", "")
            if rel.get("TargetMode") == "External":
                continue
            target = target.lstrip("/") if target.startswith("/") else \
                posixpath.normpath(posixpath.join(folder, target))
            out[rel.get("Id", "")] = (rel.get("Type", "").rsplit("/", 1)[-1], target)
        return out

    def _read_structure(self) -> None:
        names = set(self.zip.namelist())
        root_rels = self._rels("")  # _rels/.rels
        main = next((t for kind, t in root_rels.values() if kind == "officeDocument"),
                    "xl/workbook.xml")
        if main.endswith(".bin"):
            raise InputFileError(f"{self.path.name} is a binary Excel workbook (.xlsb), which is "
                                 "not supported: save it as .xlsx.")
        if main not in names:
            if "content.xml" in names:
                raise InputFileError(f"{self.path.name} is an OpenDocument spreadsheet, which is "
                                     "not supported: save it as .xlsx.")
            raise InputFileError(f"{self.path.name} is a zip archive but not an Excel workbook.")
        book = self._xml(main)
        rels = self._rels(main)
        self.date1904 = False
        self.sheets: list[SheetInfo] = []
        for el in book.iter():
            tag = _local(el.tag)
            if tag == "workbookPr":
                self.date1904 = el.get("date1904", "0").lower() in ("1", "true")
            elif tag == "sheet":
                rid = next((v for k, v in el.attrib.items() if _local(k) == "id"), "")
                kind, target = rels.get(rid, ("", ""))
                self.sheets.append(SheetInfo(
                    name=el.get("name", ""), part=target,
                    visible=el.get("state", "visible") == "visible",
                    is_worksheet=kind == "worksheet" and target in names))
        if not self.sheets:
            raise InputFileError(f"{self.path.name} holds no sheets.")
        self._styles_part = next((t for k, t in rels.values() if k == "styles"), None)
        self._strings_part = next((t for k, t in rels.values() if k == "sharedStrings"), None)

    def pick(self, sheet: str | None) -> SheetInfo:
        listing = ", ".join(repr(s.name) for s in self.sheets)
        if sheet is None:
            chosen = next((s for s in self.sheets if s.visible and s.is_worksheet), None)
            if chosen is None:
                raise InputFileError(f"{self.path.name} has no visible worksheet (sheets: "
                                     f"{listing}).")
            return chosen
        chosen = next((s for s in self.sheets if s.name == sheet), None) or \
            next((s for s in self.sheets if s.name.casefold() == sheet.strip().casefold()), None)
        if chosen is None and sheet.strip().isdigit() and int(sheet) < len(self.sheets):
            chosen = self.sheets[int(sheet)]
        if chosen is None:
            raise InputFileError(f"{self.path.name} has no worksheet {sheet!r} (sheet takes a "
                                 f"name or a 0-based index); sheets: {listing}.", param="sheet")
        if not chosen.is_worksheet:
            raise InputFileError(f"sheet {chosen.name!r} of {self.path.name} is not a worksheet "
                                 "(a chart or macro sheet?).")
        return chosen

    def _number_formats(self) -> tuple[dict[int, str], list[int]]:
        """(custom format id -> its code, each cell style's format id), from styles.xml, parsed
        once for both readings of it below."""
        if self._formats is None:
            custom: dict[int, str] = {}
            formats: list[int] = []
            if self._styles_part is not None and self._styles_part in self.zip.NameToInfo:
                for el in self._xml(self._styles_part):
                    if _local(el.tag) == "numFmts":
                        for fmt in el:
                            custom[_format_id(fmt)] = fmt.get("formatCode", "")
                    elif _local(el.tag) == "cellXfs":
                        formats = [_format_id(xf) for xf in el]
            self._formats = (custom, formats)
        return self._formats

    def styles(self) -> tuple[frozenset[int], frozenset[int]]:
        """(style indexes showing dates or date-times, style indexes showing times only)."""
        custom, formats = self._number_formats()
        dates: set[int] = set()
        times: set[int] = set()
        for index, fmt_id in enumerate(formats):
            if fmt_id in custom:
                code = custom[fmt_id]
                if is_date_format(code):
                    cleaned = _QUOTED_OR_BRACKETED.sub("", code).lower()
                    (dates if "d" in cleaned or "y" in cleaned else times).add(index)
            elif fmt_id in _DATE_FORMAT_IDS:
                dates.add(index)
            elif fmt_id in _TIME_FORMAT_IDS:
                times.add(index)
        return frozenset(dates), frozenset(times)

    def date_only_styles(self) -> frozenset[int]:
        """Style indexes whose format shows a date and no time of day (`yyyy-mm-dd`, built-in
        14-17): such a cell is a date, which the validator treats as a CSV date without a time."""
        custom, formats = self._number_formats()
        only: set[int] = set()
        for index, fmt_id in enumerate(formats):
            if fmt_id in custom:
                code = custom[fmt_id]
                cleaned = _QUOTED_OR_BRACKETED.sub("", code).lower()
                if is_date_format(code) and "h" not in cleaned and "s" not in cleaned \
                        and ("d" in cleaned or "y" in cleaned):
                    only.add(index)
            elif fmt_id in _DATE_ONLY_FORMAT_IDS:
                only.add(index)
        return frozenset(only)

    def shared_strings(self) -> list[str]:
        """The shared strings table, scanned in pieces (it may hold a million entries)."""
        part = self._strings_part
        if part is None or part not in self.zip.NameToInfo:
            return []
        check_part(self.path, self.zip.getinfo(part), STRINGS_PART_MAX)
        out: list[str] = []
        try:
            for text in whole_items(self.zip, part, "</si>", _SI_END, 1 << 20,
                                    lambda: self._string_too_long(part)):
                _strings(text, out)
                # Read at each file: a test lowers the public cap instead of building 8M strings.
                if len(out) > xlsx_limits.STRINGS_COUNT_MAX:
                    raise refuse(self.path, f"its part {part} holds more than the cap of "
                                            f"{xlsx_limits.STRINGS_COUNT_MAX:,} shared strings")
            return out
        except (zipfile.BadZipFile, zlib.error, OSError, EOFError, UnicodeDecodeError) as exc:
            raise InputFileError(f"{self.path.name} is damaged: its shared strings cannot be "
                                 f"read ({exc}).") from exc

    def _string_too_long(self, part: str) -> InputFileError:
        return too_long(self.path, part, "a shared string", STRING_MAX)


def whole_items(book: zipfile.ZipFile, part: str, end: str, end_re: re.Pattern[str],
                want: int | Callable[[], int], too_long: Callable[[], InputFileError],
                cap: int = STRING_MAX, done: Callable[[int], None] | None = None
                ) -> Iterator[str]:
    """The part's XML decoded, cut after the last whole item (one ending with `end`, or with a
    match of `end_re`: a prefixed tag) of each read; linear in the part's size.

    Text after the last whole item is held as a list of pieces and joined once an item ends, so
    an item that never ends costs one pass, not one copy per read, and is refused (`too_long`)
    past `cap` characters. `want` is the read size (a callable: the sheet reader adapts it)."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    held: list[str] = []
    held_len = 0
    with book.open(part) as stream:
        while True:
            block = stream.read(want() if callable(want) else want)
            if done is not None:
                done(len(block))
            new = decoder.decode(block, final=not block)
            if not block:
                text = "".join(held) + new
                if text:
                    yield text
                return
            edge = held[-1][-64:] if held else ""  # an end tag may straddle two reads
            scan = edge + new
            at = scan.rfind(end)
            cut = at + len(end) if at >= 0 else 0
            if not cut:
                ends = [m.end() for m in end_re.finditer(scan)]
                cut = ends[-1] if ends else 0
            if cut > len(edge):
                cut -= len(edge)
                yield "".join(held) + new[:cut]
                held, held_len = [new[cut:]], len(new) - cut
            else:
                held.append(new)
                held_len += len(new)
            if held_len > cap:
                raise too_long()


_SIMPLE_SI = re.compile(r"<si><t>([^<]*)</t></si>")


def _strings(text: str, out: list[str]) -> None:
    if "<si>" not in text and "si>" in text or "<si/>" in text:
        out.extend(rich_text(m.group(1) or "") for m in _SI.finditer(text))
        return
    # Fast path: every item is a plain <si><t>text</t></si>, as Excel writes most of them.
    simple = _SIMPLE_SI.findall(text)
    if len(simple) == text.count("<si>"):
        out.extend(map(unescape, simple) if "&" in text or "_x" in text else simple)
        return
    for item in text.split("<si>")[1:]:
        end = item.rfind("</si>")
        item = item[:end] if end >= 0 else item
        if item.startswith("<t>") and item.endswith("</t>") and item.count("<") == 2:
            value = item[3:-4]
            out.append(unescape(value) if "&" in value or "_x" in value else value)
        else:  # rich runs, phonetic guides, <t xml:space="preserve">
            out.append(rich_text(item))


def _format_id(el: ElementTree.Element) -> int:
    """An element's numFmtId; a damaged one reads as 0 (General), not as the file failing."""
    text = el.get("numFmtId", "0")
    return int(text) if text.isdecimal() else 0
