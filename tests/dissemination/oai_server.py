"""A tiny OAI-PMH server on 127.0.0.1 for harvester tests, with hostile behaviours."""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

OAI_HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/">'
    "<responseDate>{date}</responseDate>"
    '<request verb="ListRecords">http://partner.example/oai</request>'
)


def dc_record(
    identifier: str,
    title: str,
    *,
    creator="Doe, Jane",
    date="2001",
    relation: str = "",
    subjects=("Investigation",),
) -> str:
    subjects_xml = "".join(f"<dc:subject>{s}</dc:subject>" for s in subjects)
    relation_xml = f"<dc:relation>{relation}</dc:relation>" if relation else ""
    return (
        f"<record><header><identifier>{identifier}</identifier><datestamp>2024-01-01</datestamp>"
        "</header><metadata>"
        '<oai_dc:dc xmlns:oai_dc="http://www.openarchives.org/OAI/2.0/oai_dc/" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/">'
        f"<dc:title>{title}</dc:title><dc:creator>{creator}</dc:creator>"
        f"<dc:date>{date}</dc:date><dc:language>en</dc:language>{subjects_xml}{relation_xml}"
        "</oai_dc:dc></metadata></record>"
    )


def deleted_record(identifier: str) -> str:
    return (
        f'<record><header status="deleted"><identifier>{identifier}</identifier>'
        "<datestamp>2024-02-01</datestamp></header></record>"
    )


def page(records: list[str], token: str = "", date: str = "2024-03-01T10:00:00Z") -> bytes:
    token_xml = f"<resumptionToken>{token}</resumptionToken>" if token else ""
    return (
        OAI_HEAD.format(date=date)
        + "<ListRecords>"
        + "".join(records)
        + token_xml
        + "</ListRecords></OAI-PMH>"
    ).encode()


class OaiServer:
    """``respond(params, handler)`` decides each answer; ``requests`` records what came in."""

    def __init__(self, respond: Callable):
        self.respond = respond
        self.requests: list[dict[str, str]] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                params = {k: v[0] for k, v in parse_qs(urlsplit(self.path).query).items()}
                server.requests.append(params)
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    server.respond(params, self)

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/oai"

    def __enter__(self) -> OaiServer:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def send(handler, body: bytes, status: int = 200, headers: dict | None = None) -> None:
    handler.send_response(status)
    handler.send_header("Content-Type", "text/xml; charset=utf-8")
    for name, value in (headers or {}).items():
        handler.send_header(name, value)
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    handler.wfile.write(body)


def dribble(handler, body: bytes, every: float) -> None:
    handler.send_response(200)
    handler.send_header("Content-Type", "text/xml")
    handler.end_headers()
    for byte in body:
        handler.wfile.write(bytes([byte]))
        handler.wfile.flush()
        time.sleep(every)
