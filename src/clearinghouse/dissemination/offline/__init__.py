"""The offline edition (C13): a static, signed, searchable copy of the public catalogue.

``build.build_edition`` selects records through the access policy (``selection``), renders
the portal's pages into files (``pages``), ships a precomputed search index as script files
(``search_index``: the same terms as the server, from ``search.documents``), writes a signed
manifest (``manifest``), and packages ZIP / ISO 9660 images (``packaging``); ``delta`` makes
and applies updates atomically.
"""
