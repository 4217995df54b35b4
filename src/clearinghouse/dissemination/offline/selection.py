"""Which records and files an edition holds: the access policy decides, nothing else."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.auth.models import Group
from django.db.models import QuerySet

from clearinghouse.catalog.models import Record, RecordFile
from clearinghouse.catalog.policies import can_download, can_view
from clearinghouse.core.policy import ANONYMOUS, Actor

from ..formats.view import export_queryset
from .errors import EditionRefused

__all__ = ["EditionOptions", "EditionRefused", "Selection", "parse_size", "select"]

#: Accepted by --max-size: 700MB, 4.7GB, 512k, 1000 (bytes).
_UNITS = {"": 1, "B": 1, "K": 1000, "KB": 1000, "M": 10**6, "MB": 10**6, "G": 10**9, "GB": 10**9}


def parse_size(text: str | int | None) -> int | None:
    if text in (None, "", 0):
        return None
    if isinstance(text, int):
        return text
    value = text.strip().upper().replace(" ", "")
    number = value.rstrip("BKMGI")
    unit = value[len(number) :].replace("IB", "B").replace("I", "")
    if unit not in _UNITS or not number:
        raise EditionRefused(f"cannot read the size {text!r} (e.g. 700MB, 4.7GB)")
    return int(float(number) * _UNITS[unit])


@dataclass(frozen=True)
class EditionOptions:
    """What goes into an edition. Empty lists mean "any"."""

    audiences: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()
    #: Records with a text in one of these languages; also the UI languages of the site.
    languages: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    files: bool = True
    max_size: int | None = None
    #: A named group's material (staff only, marked on every page); None: public only.
    group: str | None = None
    version: str = ""
    date: str = ""

    def ui_languages(self) -> tuple[str, ...]:
        return self.languages or ("en",)

    def as_dict(self) -> dict:
        return {
            "audiences": sorted(self.audiences),
            "topics": sorted(self.topics),
            "languages": list(self.languages),
            "kinds": sorted(self.kinds),
            "files": self.files,
            "group": self.group or "",
        }


@dataclass
class Selection:
    actor: Actor
    group: Group | None
    records: list[Record]
    files: dict[int, list[RecordFile]] = field(default_factory=dict)


def edition_actor(
    options: EditionOptions, requested_by: Actor | None
) -> tuple[Actor, Group | None]:
    """The anonymous public, or (staff only, explicitly) a reader in one named group."""
    if not options.group:
        return ANONYMOUS, None
    if requested_by is None or not requested_by.is_staff:
        raise EditionRefused("only staff may build an edition with a group's material")
    group = Group.objects.filter(name=options.group).first()
    if group is None:
        raise EditionRefused(f"no group named {options.group!r}")
    return Actor(role="reader", is_registered=True, group_ids=frozenset({group.pk})), group


def select(options: EditionOptions, requested_by: Actor | None = None) -> Selection:
    actor, group = edition_actor(options, requested_by)
    queryset: QuerySet[Record] = export_queryset(actor)
    for scheme, codes in (("audience", options.audiences), ("topic", options.topics)):
        if codes:
            queryset = queryset.filter(
                pk__in=Record.concepts.through.objects.filter(
                    concept__scheme_id=scheme, concept__code__in=list(codes)
                ).values("record_id")
            )
    if options.kinds:
        queryset = queryset.filter(kind__in=list(options.kinds))
    records = list(queryset.order_by("pk"))
    if options.languages:
        wanted = {code.lower().split("-")[0] for code in options.languages}
        records = [r for r in records if wanted & _record_languages(r)]
    # The policy again, per object: a second, independent check of what the query chose.
    records = [r for r in records if can_view(actor, r)]
    files = {}
    for record in records:
        chosen = [f for f in record.files.all() if can_download(actor, f)] if options.files else []
        files[record.pk] = chosen
    return Selection(actor=actor, group=group, records=records, files=files)


def _record_languages(record: Record) -> set[str]:
    codes = {t.language.lower().split("-")[0] for t in record.texts.all()}
    codes.update(c.code.lower() for c in record.concepts.all() if c.scheme_id == "language")
    if record.original_language:
        codes.add(record.original_language.lower().split("-")[0])
    return codes
