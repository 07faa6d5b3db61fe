"""How results are shown: terminal tables, JSON, CSV, Markdown, HTML and the files of ``--output``.

A layer above the workflows and below the commands: the workflows compute result values
(with ``to_dict()`` / ``to_frame()``), this package renders them, the commands only choose.
:mod:`.formats` is the registry of output formats every command's ``--format`` offers;
:mod:`.terminal` is the one console helper (every user text escaped there); :mod:`.labels`
is the one table of metric labels; :mod:`.report` renders the HTML report.
"""
