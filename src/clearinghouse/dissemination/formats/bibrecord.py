"""The bibliographic view every format reads and writes.

Serializers turn a catalogue ``Record`` into a ``BibRecord`` once (``view.bib_record``)
and then into their own syntax; parsers turn their syntax into ``BibRecord`` entries,
which ``entry.record_input`` turns into the catalogue's ``RecordInput``. One shape in
the middle keeps every format's mapping small and makes round trips comparable.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass, field

#: Identifier schemes that name a record on their own (our ``Record.identifier`` values).
#: A BibTeX key, RIS ``ID`` or CSL ``id`` in one of these schemes is taken as the record's
#: natural key; any other key is local to the file it came from.

#: Fields every import format carries (each format's CARRIES adds its own to these).
IMPORT_CORE = frozenset(
    {
        "abstract",
        "concepts.audience",
        "concepts.topic",
        "container",
        "creators",
        "date_issued",
        "doi",
        "identifier",
        "isbn",
        "language",
        "place",
        "publisher",
        "resource_type",
    }
)

IDENTIFIER_SCHEMES = ("demo", "doi", "isbn", "hash", "marc", "oai", "ch", "urn", "handle")
_SCHEMED = re.compile(r"^([a-z][a-z0-9+.-]*):\S+$")


@dataclass
class Creator:
    name: str
    role: str = "author"  # a RecordCreator.Role value
    is_organisation: bool = False

    def split(self) -> tuple[str, str]:
        """(family, given) of a person; organisations keep their whole name as family."""
        return split_name(self.name) if not self.is_organisation else (self.name, "")


@dataclass
class BibText:
    language: str
    title: str
    subtitle: str = ""
    abstract: str = ""


@dataclass
class BibRecord:
    """A record as bibliographic data: what the exchange formats can say about it."""

    title: str = ""
    subtitle: str = ""
    abstract: str = ""
    language: str = ""  # BCP 47 tag of the title/abstract above (the original)
    translations: list[BibText] = field(default_factory=list)
    identifier: str = ""  # our natural key (Record.identifier) when known
    source_id: str = ""  # an id local to the source file or system (MARC 001, BibTeX key)
    kind: str = ""
    resource_type: str = ""  # vocabulary code
    type_label: str = ""  # import: the source's own type name, matched to a resource type
    creators: list[Creator] = field(default_factory=list)
    date_issued: str = ""  # ISO 8601: YYYY, YYYY-MM or YYYY-MM-DD
    publisher: str = ""
    place: str = ""
    container: str = ""
    doi: str = ""
    isbn: str = ""
    links: list[dict] = field(default_factory=list)  # [{"url": …, "note": …}]
    licence: str = ""
    duration: str = ""  # ISO 8601 duration
    depth: str = ""
    concepts: dict[str, list[str]] = field(default_factory=dict)  # scheme → codes
    keywords: list[str] = field(default_factory=list)  # free keywords no vocabulary matched
    holding_library: str = ""
    shelfmark: str = ""
    provenance: str = ""
    supersedes: str = ""  # identifier of the record this one replaces
    superseded_by: str = ""
    is_sample: bool = False
    # Export only: where the record lives and when it changed.
    record_id: int | None = None
    page_url: str = ""
    updated: str = ""
    status: str = ""
    access: str = ""

    @property
    def full_title(self) -> str:
        return f"{self.title}: {self.subtitle}" if self.subtitle else self.title

    @property
    def year(self) -> str:
        head = self.date_issued[:4]
        return head if head.isdigit() else ""

    @property
    def urls(self) -> list[str]:
        return [link["url"] for link in self.links if link.get("url")]


@dataclass
class ParsedEntry:
    """One entry of an import file: a record, or the reason it cannot be one."""

    number: int  # 1-based position in the file
    line: int | None = None  # line where the entry starts, when the format has lines
    entry: BibRecord | None = None
    error: str = ""
    #: What this entry can say, when less than the format's CARRIES (a CSV with few columns).
    carries: frozenset[str] | None = None


# --- names ---------------------------------------------------------------------------------


def split_name(name: str) -> tuple[str, str]:
    """``"Family, Given"`` or ``"Given Family"`` → (family, given)."""
    name = " ".join(name.split())
    if "," in name:
        family, _, given = name.partition(",")
        return family.strip(), given.strip()
    parts = name.rsplit(" ", 1)
    return (parts[1], parts[0]) if len(parts) == 2 else (name, "")


def inverted_name(creator: Creator) -> str:
    if creator.is_organisation:
        return creator.name
    family, given = creator.split()
    return f"{family}, {given}" if given else family


def person_key(creator: Creator) -> str:
    """A comparable form of a creator's name whatever order it was written in."""
    family, given = creator.split()
    return fold(f"{family}|{given}")


def fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text or "")
    text = "".join(c for c in text if not unicodedata.combining(c))
    return " ".join(re.sub(r"[^\w|]+", " ", text.casefold()).split())


# --- identifiers ---------------------------------------------------------------------------

_DOI = re.compile(r"(10\.\d{4,9}/\S+)", re.IGNORECASE)


def normalise_doi(value: str) -> str:
    match = _DOI.search(value or "")
    return match.group(1).rstrip(".,;").lower() if match else ""


def normalise_isbn(value: str) -> str:
    """ISBN-13 digits (ISBN-10 converted), or '' when ``value`` holds no valid ISBN."""
    for candidate in re.findall(r"[0-9][0-9\-\s]{8,16}[0-9Xx]", value or ""):
        digits = re.sub(r"[^0-9Xx]", "", candidate).upper()
        if len(digits) == 10 and _isbn10_ok(digits):
            core = "978" + digits[:9]
            return core + _isbn13_check(core)
        if len(digits) == 13 and digits.isdigit() and _isbn13_check(digits[:12]) == digits[12]:
            return digits
    return ""


def _isbn10_ok(digits: str) -> bool:
    total = 0
    for i, char in enumerate(digits):
        if char == "X" and i == 9:
            value = 10
        elif char.isdigit():
            value = int(char)
        else:
            return False
        total += (10 - i) * value
    return total % 11 == 0


def _isbn13_check(core: str) -> str:
    total = sum(int(c) * (1 if i % 2 == 0 else 3) for i, c in enumerate(core))
    return str((10 - total % 10) % 10)


def own_identifier(value: str) -> str:
    """``value`` when it is one of our scheme-qualified identifiers, else ''."""
    value = (value or "").strip()
    match = _SCHEMED.match(value)
    return value if match and match.group(1) in IDENTIFIER_SCHEMES else ""


def natural_key(entry: BibRecord) -> str:
    """The key that makes re-importing update instead of duplicating.

    Our own identifier when the file carries one, else the DOI, the ISBN, the
    source system's id, and last a hash of the normalised title, year and first creator.
    """
    if entry.identifier:
        return entry.identifier
    if entry.doi:
        return f"doi:{entry.doi}"
    if entry.isbn:
        return f"isbn:{entry.isbn}"
    if entry.source_id:
        return entry.source_id
    first = person_key(entry.creators[0]) if entry.creators else ""
    basis = "\n".join((fold(entry.title), fold(entry.subtitle), entry.year, first))
    return "hash:" + hashlib.sha256(basis.encode("utf-8")).hexdigest()[:24]


def iso_date(year: str = "", month: str = "", day: str = "") -> str:
    """A valid ISO 8601 calendar date of the precision given ('' when the year is bad)."""
    year = (year or "").strip()
    if not re.fullmatch(r"\d{4}", year):
        return ""
    out = year
    try:
        m = int(month) if month else 0
        d = int(day) if day else 0
    except ValueError:
        return out
    if 1 <= m <= 12:
        out += f"-{m:02d}"
        if 1 <= d <= 31:
            out += f"-{d:02d}"
    return out


_MONTHS = {
    name: i
    for i, names in enumerate(
        (
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ),
        start=1,
    )
    for name in names
}


def parse_loose_date(value: str) -> str:
    """An ISO date from the common forms found in the wild: 2002, 2002-05-09, 2002/05/09,
    '2002 May 9', 'May 2002'; '' when no four-digit year is found."""
    value = (value or "").strip()
    match = re.match(r"^(\d{4})(?:[-/](\d{1,2})(?:[-/](\d{1,2}))?)?", value)
    if match:
        return iso_date(*(g or "" for g in match.groups()))
    year = re.search(r"\b(\d{4})\b", value)
    if not year:
        return ""
    month = next((_MONTHS[w] for w in re.findall(r"[a-z]+", value.lower()) if w in _MONTHS), 0)
    day = re.search(r"\b(\d{1,2})\b", value.replace(year.group(1), ""))
    return iso_date(year.group(1), str(month or ""), day.group(1) if day and month else "")


def month_of(date_issued: str) -> str:
    """The month of an ISO date ('' when there is none, or the date is not ISO 8601)."""
    match = re.match(r"^\d{4}-(\d{2})", date_issued or "")
    return match.group(1) if match else ""


def day_of(date_issued: str) -> str:
    match = re.match(r"^\d{4}-\d{2}-(\d{2})", date_issued or "")
    return match.group(1) if match else ""
