"""OAI-PMH 2.0 provider: the six verbs over what the public may see.

Live records come from ``catalog.policies.filter_records(ANONYMOUS)``; records that left
the public catalogue come from the exposure ledger as deleted headers. Lists are paged by
keyset (datestamp, kind of row, id) with signed, expiring resumption tokens.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from xml.etree import ElementTree as ET

from django.conf import settings
from django.core import signing
from django.db.models import F
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone

from clearinghouse.catalog.models import Record
from clearinghouse.catalog.policies import filter_records
from clearinghouse.core.policy import ANONYMOUS
from clearinghouse.dissemination.formats import marc21, oai_dc
from clearinghouse.dissemination.formats.view import bib_records, export_queryset, oai_identifier
from clearinghouse.dissemination.models import PublicExposure

from .sets import all_sets, in_set, is_known, record_sets, set_filter

OAI = "http://www.openarchives.org/OAI/2.0/"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
OAI_ID = "http://www.openarchives.org/OAI/2.0/oai-identifier"
FORMATS = {
    "oai_dc": (oai_dc.SCHEMA, oai_dc.OAI_DC),
    "marcxml": (marc21.SCHEMA_LOCATION, marc21.NAMESPACE),
}
VERBS: dict[str, tuple[set[str], set[str]]] = {
    # verb: (required arguments, optional arguments); resumptionToken is exclusive
    "Identify": (set(), set()),
    "ListMetadataFormats": (set(), {"identifier"}),
    "ListSets": (set(), {"resumptionToken"}),
    "GetRecord": ({"identifier", "metadataPrefix"}, set()),
    "ListIdentifiers": ({"metadataPrefix"}, {"from", "until", "set", "resumptionToken"}),
    "ListRecords": ({"metadataPrefix"}, {"from", "until", "set", "resumptionToken"}),
}
TOKEN_SALT = "clearinghouse.oai.resumption"  # noqa: S105 - a signing namespace
TOKEN_AGE = dt.timedelta(hours=24)
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_SECOND = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")

ET.register_namespace("", OAI)
ET.register_namespace("xsi", XSI)


class OaiError(Exception):
    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass
class Query:
    prefix: str
    set_spec: str = ""
    start: dt.datetime | None = None
    end: dt.datetime | None = None  # exclusive
    after: tuple[str, int, int] | None = None  # (datestamp iso, 0 live / 1 deleted, id)
    done: int = 0
    total: int | None = None


def page_size() -> int:
    return int(getattr(settings, "CLEARINGHOUSE_OAI_PAGE_SIZE", 100))


def datestamp(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _el(parent: ET.Element, name: str, text: str | None = None, **attrs: str) -> ET.Element:
    child = ET.SubElement(parent, f"{{{OAI}}}{name}", attrs)
    if text is not None:
        child.text = text
    return child


# --- entry point -------------------------------------------------------------------------


def respond(params: dict[str, list[str]], base_url: str) -> bytes:
    """The OAI-PMH response document for request arguments ``params``."""
    root = ET.Element(
        f"{{{OAI}}}OAI-PMH",
        {f"{{{XSI}}}schemaLocation": f"{OAI} http://www.openarchives.org/OAI/2.0/OAI-PMH.xsd"},
    )
    _el(root, "responseDate", datestamp(timezone.now()))
    request = _el(root, "request", base_url)
    try:
        verb, args = _validate(params)
        for name, value in (("verb", verb), *sorted(args.items())):
            request.set(name, value)
        HANDLERS[verb](root, args, base_url)
    except OaiError as error:
        if error.code in ("badVerb", "badArgument"):
            request.attrib.clear()
        _el(root, "error", error.message, code=error.code)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def _validate(params: dict[str, list[str]]) -> tuple[str, dict[str, str]]:
    verbs = params.get("verb", [])
    if len(verbs) != 1 or verbs[0] not in VERBS:
        raise OaiError("badVerb", "Illegal OAI verb, missing or repeated.")
    verb = verbs[0]
    required, optional = VERBS[verb]
    args: dict[str, str] = {}
    for name, values in params.items():
        if name == "verb":
            continue
        if name not in required | optional:
            raise OaiError("badArgument", f"Illegal argument: {name}.")
        if len(values) != 1:
            raise OaiError("badArgument", f"Repeated argument: {name}.")
        args[name] = values[0]
    if "resumptionToken" in args:
        if len(args) > 1:
            raise OaiError("badArgument", "resumptionToken is an exclusive argument.")
        return verb, args
    missing = required - set(args)
    if missing:
        raise OaiError("badArgument", f"Missing argument: {', '.join(sorted(missing))}.")
    return verb, args


# --- verbs ---------------------------------------------------------------------------------


def identify(root: ET.Element, args: dict[str, str], base_url: str) -> None:
    node = _el(root, "Identify")
    _el(
        node,
        "repositoryName",
        getattr(settings, "CLEARINGHOUSE_OAI_REPOSITORY_NAME", "TIP Clearinghouse"),
    )
    _el(node, "baseURL", base_url)
    _el(node, "protocolVersion", "2.0")
    for email in getattr(
        settings, "CLEARINGHOUSE_OAI_ADMIN_EMAILS", ["oai-admin@clearinghouse.localhost"]
    ):
        _el(node, "adminEmail", email)
    _el(node, "earliestDatestamp", datestamp(_earliest()))
    _el(node, "deletedRecord", "persistent")
    _el(node, "granularity", "YYYY-MM-DDThh:mm:ssZ")
    description = _el(node, "description")
    repository = oai_identifier(0).split(":")[1]
    ET.register_namespace("oai-identifier", OAI_ID)
    ident = ET.SubElement(
        description,
        f"{{{OAI_ID}}}oai-identifier",
        {
            f"{{{XSI}}}schemaLocation": f"{OAI_ID} http://www.openarchives.org/OAI/2.0/oai-identifier.xsd"
        },
    )
    for name, value in (
        ("scheme", "oai"),
        ("repositoryIdentifier", repository),
        ("delimiter", ":"),
        ("sampleIdentifier", oai_identifier(1)),
    ):
        ET.SubElement(ident, f"{{{OAI_ID}}}{name}").text = value


def list_metadata_formats(root: ET.Element, args: dict[str, str], base_url: str) -> None:
    if "identifier" in args:
        record, exposure = _lookup(args["identifier"])
        if record is None and exposure is None:
            raise OaiError("idDoesNotExist", "No such item.")
    node = _el(root, "ListMetadataFormats")
    for prefix, (schema, namespace) in FORMATS.items():
        entry = _el(node, "metadataFormat")
        _el(entry, "metadataPrefix", prefix)
        _el(entry, "schema", schema)
        _el(entry, "metadataNamespace", namespace)


def list_sets(root: ET.Element, args: dict[str, str], base_url: str) -> None:
    if "resumptionToken" in args:
        raise OaiError("badResumptionToken", "This repository issues no ListSets tokens.")
    node = _el(root, "ListSets")
    for spec, name in all_sets():
        entry = _el(node, "set")
        _el(entry, "setSpec", spec)
        _el(entry, "setName", name)


def get_record(root: ET.Element, args: dict[str, str], base_url: str) -> None:
    prefix = args["metadataPrefix"]
    if prefix not in FORMATS:
        raise OaiError("cannotDisseminateFormat", f"Unknown metadata format: {prefix}.")
    record, exposure = _lookup(args["identifier"])
    if record is None and exposure is None:
        raise OaiError("idDoesNotExist", "No such item.")
    node = _el(root, "GetRecord")
    if record is not None:
        _write_records(node, [record], prefix, headers_only=False)
    else:
        _deleted(node, exposure, headers_only=False)


def list_identifiers(root: ET.Element, args: dict[str, str], base_url: str) -> None:
    _list(root, args, headers_only=True)


def list_records(root: ET.Element, args: dict[str, str], base_url: str) -> None:
    _list(root, args, headers_only=False)


HANDLERS = {
    "Identify": identify,
    "ListMetadataFormats": list_metadata_formats,
    "ListSets": list_sets,
    "GetRecord": get_record,
    "ListIdentifiers": list_identifiers,
    "ListRecords": list_records,
}


# --- lists ---------------------------------------------------------------------------------


def _list(root: ET.Element, args: dict[str, str], *, headers_only: bool) -> None:
    query = _load_token(args["resumptionToken"]) if "resumptionToken" in args else _query(args)
    live = _live(query)
    gone = _gone(query)
    if query.total is None:
        query.total = live.count() + len(gone)
    size = page_size()
    rows = sorted(
        [(_ds(r), 0, r.pk, r) for r in live[: size + 1]]
        + [(e.gone_at, 1, e.record_id, e) for e in gone[: size + 1]],
        key=lambda row: row[:3],
    )
    if not rows:
        raise OaiError("noRecordsMatch", "No records match the request.")
    page, more = rows[:size], len(rows) > size
    node = _el(root, "ListIdentifiers" if headers_only else "ListRecords")
    records = [row[3] for row in page if row[1] == 0]
    written = {
        r.pk: r
        for r in export_queryset(ANONYMOUS, Record.objects.filter(pk__in=[r.pk for r in records]))
    }
    for _ds_value, kind, _pk, item in page:
        if kind == 0 and item.pk in written:
            _write_records(node, [written[item.pk]], query.prefix, headers_only=headers_only)
        elif kind == 1:
            _deleted(node, item, headers_only=headers_only)
    if more or query.after is not None:
        last = page[-1]
        query.done += len(page)
        token = ""
        if more:
            query.after = (last[0].isoformat(), last[1], last[2])
            token = _dump_token(query)
        attrs = {"completeListSize": str(query.total), "cursor": str(query.done - len(page))}
        if token:
            attrs["expirationDate"] = datestamp(timezone.now() + TOKEN_AGE)
        _el(node, "resumptionToken", token, **attrs)


def _query(args: dict[str, str]) -> Query:
    prefix = args["metadataPrefix"]
    if prefix not in FORMATS:
        raise OaiError("cannotDisseminateFormat", f"Unknown metadata format: {prefix}.")
    start = _parse_date(args["from"], upper=False) if "from" in args else None
    end = _parse_date(args["until"], upper=True) if "until" in args else None
    if "from" in args and "until" in args and len(args["from"]) != len(args["until"]):
        raise OaiError("badArgument", "from and until must have the same granularity.")
    spec = args.get("set", "")
    if spec and not is_known(spec):
        raise OaiError("noRecordsMatch", f"No such set: {spec}.")
    return Query(prefix=prefix, set_spec=spec, start=start, end=end)


def _parse_date(value: str, *, upper: bool) -> dt.datetime:
    try:
        if _DAY.match(value):
            day = dt.datetime.strptime(value, "%Y-%m-%d").replace(tzinfo=dt.UTC)
            return day + dt.timedelta(days=1) if upper else day
        if _SECOND.match(value):
            moment = dt.datetime.strptime(value, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=dt.UTC)
            return moment + dt.timedelta(seconds=1) if upper else moment
    except ValueError:
        pass
    raise OaiError("badArgument", f"Illegal date: {value}.")


def _live(query: Query):
    queryset = filter_records(ANONYMOUS).annotate(
        oai_ds=Greatest(F("updated_at"), Coalesce(F("embargo_until"), F("updated_at")))
    )
    if query.set_spec:
        queryset = queryset.filter(set_filter(query.set_spec))
    if query.start:
        queryset = queryset.filter(oai_ds__gte=query.start)
    if query.end:
        queryset = queryset.filter(oai_ds__lt=query.end)
    if query.after:
        moment, kind, pk = query.after
        after = dt.datetime.fromisoformat(moment)
        queryset = queryset.filter(oai_ds__gte=after)
        queryset = (
            queryset.exclude(oai_ds=after, pk__lte=pk)
            if kind == 0
            else queryset.exclude(oai_ds=after)
        )
    return queryset.only("pk", "updated_at", "embargo_until").order_by("oai_ds", "pk")


def _gone(query: Query) -> list[PublicExposure]:
    queryset = PublicExposure.objects.filter(gone_at__isnull=False)
    if query.start:
        queryset = queryset.filter(gone_at__gte=query.start)
    if query.end:
        queryset = queryset.filter(gone_at__lt=query.end)
    if query.after:
        moment, kind, pk = query.after
        after = dt.datetime.fromisoformat(moment)
        queryset = queryset.filter(gone_at__gte=after)
        if kind == 1:
            queryset = queryset.exclude(gone_at=after, record_id__lte=pk)
    rows = list(queryset.order_by("gone_at", "record_id"))
    if query.set_spec:
        rows = [row for row in rows if in_set(row.sets, query.set_spec)]
    return rows


def _ds(record: Record) -> dt.datetime:
    return getattr(record, "oai_ds", None) or max(
        filter(None, (record.updated_at, record.embargo_until))
    )


def _earliest() -> dt.datetime:
    moments = [
        r.updated_at
        for r in filter_records(ANONYMOUS).only("updated_at").order_by("updated_at")[:1]
    ]
    moments += [
        e.gone_at
        for e in PublicExposure.objects.filter(gone_at__isnull=False).order_by("gone_at")[:1]
    ]
    return min(moments) if moments else dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


# --- items ---------------------------------------------------------------------------------


def _lookup(identifier: str) -> tuple[Record | None, PublicExposure | None]:
    prefix = oai_identifier(0)[:-1]
    if not identifier.startswith(prefix) or not identifier[len(prefix) :].isdigit():
        return None, None
    pk = int(identifier[len(prefix) :])
    record = export_queryset(ANONYMOUS, Record.objects.filter(pk=pk)).first()
    if record is not None:
        return record, None
    return None, PublicExposure.objects.filter(record_id=pk, gone_at__isnull=False).first()


def _header(
    parent: ET.Element, identifier: str, moment: dt.datetime, sets: list[str], deleted: bool
) -> None:
    header = _el(parent, "header", **({"status": "deleted"} if deleted else {}))
    _el(header, "identifier", identifier)
    _el(header, "datestamp", datestamp(moment))
    for spec in sets:
        _el(header, "setSpec", spec)


def _write_records(
    parent: ET.Element, records: list[Record], prefix: str, *, headers_only: bool
) -> None:
    for record, bib in zip(records, bib_records(ANONYMOUS, records), strict=True):
        target = parent if headers_only else _el(parent, "record")
        _header(target, oai_identifier(record.pk), _ds(record), record_sets(record), False)
        if headers_only:
            continue
        metadata = _el(target, "metadata")
        metadata.append(oai_dc.element(bib) if prefix == "oai_dc" else marc21.record_element(bib))


def _deleted(parent: ET.Element, exposure: PublicExposure, *, headers_only: bool) -> None:
    target = parent if headers_only else _el(parent, "record")
    _header(target, oai_identifier(exposure.record_id), exposure.gone_at, exposure.sets, True)


# --- resumption tokens ---------------------------------------------------------------------


def _dump_token(query: Query) -> str:
    data = {
        "p": query.prefix,
        "s": query.set_spec,
        "f": query.start.isoformat() if query.start else "",
        "u": query.end.isoformat() if query.end else "",
        "a": list(query.after) if query.after else None,
        "d": query.done,
        "n": query.total,
    }
    return signing.dumps(data, salt=TOKEN_SALT, compress=True)


def _load_token(token: str) -> Query:
    try:
        data = signing.loads(token, salt=TOKEN_SALT, max_age=TOKEN_AGE)
        return Query(
            prefix=data["p"],
            set_spec=data["s"],
            start=dt.datetime.fromisoformat(data["f"]) if data["f"] else None,
            end=dt.datetime.fromisoformat(data["u"]) if data["u"] else None,
            after=tuple(data["a"]) if data["a"] else None,
            done=int(data["d"]),
            total=int(data["n"]),
        )
    except (signing.BadSignature, KeyError, TypeError, ValueError) as exc:
        raise OaiError(
            "badResumptionToken", "The resumption token is invalid or has expired."
        ) from exc
