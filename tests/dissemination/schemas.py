"""Offline validation against the official schemas in ../shared/corpora/schemas."""

from __future__ import annotations

import json
from functools import lru_cache

from lxml import etree

from tests.conftest import need_shared

# Remote schema locations used by the official XSDs → the local copies.
LOCATIONS = {
    "http://dublincore.org/schemas/xmls/simpledc20021212.xsd": (
        "dublin-core",
        "simpledc20021212.xsd",
    ),
    "http://www.w3.org/2001/03/xml.xsd": ("dublin-core", "xml.xsd"),
    "http://www.w3.org/2001/xml.xsd": ("dublin-core", "xml.xsd"),
}


class _Resolver(etree.Resolver):
    def resolve(self, url, public_id, context):
        if url in LOCATIONS:
            return self.resolve_filename(
                str(need_shared("corpora", "schemas", *LOCATIONS[url])), context
            )
        return None


def _parser() -> etree.XMLParser:
    parser = etree.XMLParser(no_network=True, resolve_entities=False)
    parser.resolvers.add(_Resolver())
    return parser


def _schema(imports: dict[str, tuple[str, ...]]) -> etree.XMLSchema:
    lines = [
        '<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" elementFormDefault="qualified">'
    ]
    for namespace, parts in imports.items():
        location = need_shared("corpora", "schemas", *parts).as_uri()
        lines.append(f'<xs:import namespace="{namespace}" schemaLocation="{location}"/>')
    lines.append("</xs:schema>")
    return etree.XMLSchema(etree.fromstring("".join(lines).encode(), _parser()))


@lru_cache(maxsize=1)
def oai_pmh_schema() -> etree.XMLSchema:
    """OAI-PMH.xsd with every metadata and description schema our responses use."""
    return _schema(
        {
            "http://www.openarchives.org/OAI/2.0/": ("oai-pmh", "OAI-PMH.xsd"),
            "http://www.openarchives.org/OAI/2.0/oai_dc/": ("oai-pmh", "oai_dc.xsd"),
            "http://www.openarchives.org/OAI/2.0/oai-identifier": ("oai-pmh", "oai-identifier.xsd"),
            "http://www.loc.gov/MARC21/slim": ("marc", "MARC21slim.xsd"),
        }
    )


@lru_cache(maxsize=1)
def oai_dc_schema() -> etree.XMLSchema:
    return _schema({"http://www.openarchives.org/OAI/2.0/oai_dc/": ("oai-pmh", "oai_dc.xsd")})


@lru_cache(maxsize=1)
def marc_schema() -> etree.XMLSchema:
    return _schema({"http://www.loc.gov/MARC21/slim": ("marc", "MARC21slim.xsd")})


def assert_valid(schema: etree.XMLSchema, xml: bytes) -> etree._Element:
    document = etree.fromstring(xml, etree.XMLParser(no_network=True, resolve_entities=False))
    if not schema.validate(document):
        errors = "\n".join(str(e) for e in list(schema.error_log)[:10])
        raise AssertionError(f"not valid against the schema:\n{errors}")
    return document


@lru_cache(maxsize=1)
def csl_data_schema() -> dict:
    return json.loads(need_shared("corpora", "schemas", "csl", "csl-data.json").read_text())
