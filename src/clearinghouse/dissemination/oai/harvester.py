"""OAI-PMH harvester: ListRecords from a partner repository, applied all or nothing.

Incremental: a source remembers the responseDate of its last complete harvest and asks
``from`` there. Upstream changes update the record with the same OAI identifier (in the
fields the metadata format carries); upstream deletions withdraw it (and so tombstone it
in our own OAI-PMH); a record whose metadata says it replaces another ("Replaces: id" in
Dublin Core, MARC 780/785) is linked as supersedes / superseded-by. A hostile or broken
source (private addresses, endless tokens, giant or slow responses, malformed XML) fails
its run with a report; the run's transaction is rolled back, so it changes nothing.
"""

from __future__ import annotations

import logging
import time
from urllib.parse import urlencode
from xml.etree.ElementTree import Element

from defusedxml import ElementTree as SafeET
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from clearinghouse.catalog.models import Record
from clearinghouse.catalog.services import record_upsert
from clearinghouse.core.policy import ANONYMOUS, Actor
from clearinghouse.dissemination.formats import marc21, oai_dc
from clearinghouse.dissemination.formats.bibrecord import BibRecord, ParsedEntry
from clearinghouse.dissemination.formats.concepts import concept_matcher
from clearinghouse.dissemination.imports.entry import AgentIndex, InputContext, input_from_record
from clearinghouse.dissemination.imports.service import EntryImporter
from clearinghouse.dissemination.models import HarvestRun, HarvestSource

from .client import HarvestError, fetch

log = logging.getLogger(__name__)
OAI = "{http://www.openarchives.org/OAI/2.0/}"
PREFIXES = {"oai_dc": oai_dc, "marcxml": marc21}
COUNTERS = {"create": "created", "update": "updated", "delete": "deleted", "reject": "rejected"}


def max_pages() -> int:
    return int(getattr(settings, "CLEARINGHOUSE_HARVEST_MAX_PAGES", 1000))


def max_seconds() -> float:
    return float(getattr(settings, "CLEARINGHOUSE_HARVEST_MAX_SECONDS", 3600))


def harvest(
    *,
    base_url: str,
    set_spec: str = "",
    from_date: str = "",
    metadata_prefix: str = "oai_dc",
    source: HarvestSource | None = None,
    actor: Actor = ANONYMOUS,
    status: str = Record.Status.IN_REVIEW,
) -> HarvestRun:
    """Harvest ``base_url`` once; the returned run says what changed or why it failed."""
    run = HarvestRun.objects.create(
        source=source, base_url=base_url[:500], set_spec=set_spec[:200], from_date=from_date[:30]
    )
    if metadata_prefix not in PREFIXES:
        return _finish(run, source, HarvestRun.Status.FAILED, f"unknown format {metadata_prefix}")
    try:
        with transaction.atomic():
            response_date = _harvest_pages(
                run, base_url, set_spec, from_date, metadata_prefix, actor, status
            )
    except HarvestError as exc:
        return _finish(run, source, HarvestRun.Status.FAILED, f"harvest failed: {exc}")
    except Exception as exc:  # noqa: BLE001 - a source must never crash the caller
        log.exception("harvest of %s failed", base_url)
        return _finish(
            run, source, HarvestRun.Status.FAILED, f"harvest failed: {type(exc).__name__}: {exc}"
        )
    if source is not None and response_date:
        # Day granularity: every repository accepts it, and re-reading one day is harmless.
        source.harvested_until = response_date[:10]
    return _finish(run, source, HarvestRun.Status.DONE, run.report or "harvest complete")


def _finish(run: HarvestRun, source: HarvestSource | None, status: str, report: str) -> HarvestRun:
    if status == HarvestRun.Status.FAILED:
        run.created = run.updated = run.deleted = run.rejected = 0
    run.status, run.report, run.finished_at = status, report[:10_000], timezone.now()
    run.save()
    if source is not None:
        source.last_run_at = run.finished_at
        source.save(update_fields=["last_run_at", "harvested_until"])
    return run


def _harvest_pages(run, base_url, set_spec, from_date, prefix, actor, status) -> str:
    started = time.monotonic()
    params = {"verb": "ListRecords", "metadataPrefix": prefix}
    if set_spec:
        params["set"] = set_spec
    if from_date:
        params["from"] = from_date
    importer = EntryImporter(
        actor,
        PREFIXES[prefix].CARRIES,
        InputContext(
            matcher=concept_matcher(),
            agents=AgentIndex(),
            status=status,
            provenance=f"Harvested over OAI-PMH from {base_url}"
            + (f" (set {set_spec})" if set_spec else ""),
        ),
        "oai-pmh",
        base_url,
    )
    response_date, tokens, number, rejected = "", set(), 0, []
    separator = "&" if "?" in base_url else "?"
    for page in range(max_pages()):
        if time.monotonic() - started > max_seconds():
            raise HarvestError(f"the harvest took longer than {max_seconds():g} s")
        root = _parse(fetch(f"{base_url}{separator}{urlencode(params)}"))
        run.pages = page + 1
        if page == 0:
            response_date = (root.findtext(f"{OAI}responseDate") or "").strip()
        error = root.find(f"{OAI}error")
        if error is not None:
            if error.get("code") == "noRecordsMatch":
                break
            raise HarvestError(
                f"the source answered {error.get('code')}: {(error.text or '').strip()[:200]}"
            )
        listing = root.find(f"{OAI}ListRecords")
        if listing is None:
            raise HarvestError("the response has neither ListRecords nor an error")
        for element in listing.findall(f"{OAI}record"):
            number += 1
            outcome = _apply(importer, element, number, prefix, actor)
            if outcome == "reject" and len(rejected) < 50:
                rejected.append(number)
            if outcome in COUNTERS:
                setattr(run, COUNTERS[outcome], getattr(run, COUNTERS[outcome]) + 1)
        token = (listing.findtext(f"{OAI}resumptionToken") or "").strip()
        if not token:
            break
        if token in tokens:
            raise HarvestError("the source repeats a resumption token (a loop)")
        tokens.add(token)
        params = {"verb": "ListRecords", "resumptionToken": token}
    else:
        raise HarvestError(f"more than {max_pages()} pages: stopped (endless resumption tokens?)")
    run.report = (
        f"{run.pages} page(s): {run.created} created, {run.updated} updated, "
        f"{run.deleted} withdrawn, {run.rejected} rejected"
        + (f" (records {', '.join(map(str, rejected))})" if rejected else "")
    )
    return response_date


def _parse(body: bytes) -> Element:
    try:
        root = SafeET.fromstring(body, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except Exception as exc:  # noqa: BLE001 - expat and defusedxml raise several types
        raise HarvestError(f"malformed XML: {exc}") from exc
    if root.tag != f"{OAI}OAI-PMH":
        raise HarvestError("not an OAI-PMH response")
    return root


def _apply(
    importer: EntryImporter, element: Element, number: int, prefix: str, actor: Actor
) -> str:
    header = element.find(f"{OAI}header")
    identifier = (header.findtext(f"{OAI}identifier") if header is not None else "") or ""
    identifier = identifier.strip()
    if not identifier:
        return "reject"
    if header.get("status") == "deleted":
        return "delete" if _withdraw(identifier, actor) else "skip"
    metadata = element.find(f"{OAI}metadata")
    payload = next(iter(metadata), None) if metadata is not None else None
    if payload is None:
        return "reject"
    entry = _bib(payload, prefix)
    if entry is None:
        return "reject"
    entry.identifier = identifier[:200]
    outcome = importer.apply(ParsedEntry(number=number, entry=entry))
    return outcome.action


def _bib(payload: Element, prefix: str) -> BibRecord | None:
    try:
        if prefix == "oai_dc":
            return oai_dc.parse_element(payload)
        return marc21.bib_from_marc(marc21.record_from_xml(payload))
    except ValueError:
        return None


def _withdraw(identifier: str, actor: Actor) -> bool:
    record = Record.objects.filter(identifier=identifier).first()
    if record is None or record.status == Record.Status.WITHDRAWN:
        return False
    data = input_from_record(record)
    data.status = Record.Status.WITHDRAWN
    user = actor.user if getattr(actor.user, "pk", None) else None
    record_upsert(actor=user, data=data, summary="withdrawn: deleted at the OAI-PMH source")
    return True


def harvest_source(source: HarvestSource) -> HarvestRun:
    return harvest(
        base_url=source.base_url,
        set_spec=source.set_spec,
        from_date=source.harvested_until,
        metadata_prefix=source.metadata_prefix,
        source=source,
        status=source.record_status,
    )


def due_sources() -> list[HarvestSource]:
    now = timezone.now()
    return [
        s
        for s in HarvestSource.objects.filter(enabled=True)
        if s.last_run_at is None or (now - s.last_run_at).total_seconds() >= s.interval_hours * 3600
    ]
