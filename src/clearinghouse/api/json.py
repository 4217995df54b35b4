"""JSON responses of the API: ``<``, ``>`` and ``&`` are escaped (``\\u003c`` …), so no text
field can ever be read as markup, even by a client that sniffs or inlines the body."""

from __future__ import annotations

from django.core.serializers.json import DjangoJSONEncoder
from django.http import JsonResponse

_ESCAPES = {ord("<"): "\\u003c", ord(">"): "\\u003e", ord("&"): "\\u0026"}


class MarkupSafeEncoder(DjangoJSONEncoder):
    def encode(self, o) -> str:
        return super().encode(o).translate(_ESCAPES)

    def iterencode(self, o, _one_shot=False):
        for chunk in super().iterencode(o, _one_shot):
            yield chunk.translate(_ESCAPES)


class ApiJsonResponse(JsonResponse):
    def __init__(self, data, **kwargs):
        kwargs.setdefault("encoder", MarkupSafeEncoder)
        super().__init__(data, **kwargs)
