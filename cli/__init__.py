"""The ``ctg`` command line: one Typer app (:mod:`cli.app`), its command groups in their
own modules."""
