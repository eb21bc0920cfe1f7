"""Reports and exports in one shape: services build :class:`~deskapp.reporting.table.Report`
values (:mod:`deskapp.reporting.table`), and one writer per format renders any of them —
:mod:`.text` (rich, cell-width aware), :mod:`.csv` (inert cells), :mod:`.xlsx` (openpyxl)
and :mod:`deskapp.printing.report_pdf` (the one PDF mechanism).

Layers: ``table`` imports only ``money`` and ``i18n`` and may be imported by every layer;
the writers import ``table`` and never a service. Services build tables, they never
render."""
