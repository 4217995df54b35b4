"""XML parts of documents, parsed with defusedxml: no DTDs, no entities, no network."""

from __future__ import annotations

from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from .base import Refused


def parse_part(data: bytes, part: str) -> Element:
    try:
        return fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as exc:
        raise Refused(
            "xml_entities",
            f"the XML part {part} declares a DTD or entities ({type(exc).__name__}); "
            "this is how billion-laughs and external-entity attacks work, so it was refused",
        ) from exc
    except ParseError as exc:
        raise Refused("damaged", f"the XML part {part} is not well-formed: {exc}") from exc


def local(tag: str) -> str:
    """``{namespace}name`` → ``name``."""
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""
