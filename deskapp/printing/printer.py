"""Sending a saved PDF to the desk's printer through CUPS (``lp``).

The printer is a setting of the desk (``printer`` in settings.toml or ``DESKAPP_PRINTER``),
optionally one per kind of document (``printer.receipt = "receipt-printer"``) for a site
with a receipt printer beside an A4 printer. ``printer = ""`` (the default) means "save
only": the PDF is kept in the documents folder and nothing is sent.

Nothing here touches the database: the document has been rendered, saved and audited in
its transaction before it is sent, so a jammed or missing printer never loses the record
of what was printed, and a reprint marked 补打 is always possible.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from deskapp.i18n import t

__all__ = ["PrintOutcome", "media_for", "printer_for", "send"]

_JOB = re.compile(r"request id is (\S+)")
TIMEOUT_S = 30


@dataclass(frozen=True)
class PrintOutcome:
    """What happened to a send: ``sent`` with the CUPS job id, or why not (``message``,
    already in the user's language)."""

    sent: bool
    printer: str
    job: str = ""
    message: str = ""


def printer_for(settings: Mapping[str, object] | None, kind: str) -> str:
    """The printer for documents of ``kind``: ``printer.<kind>``, else ``DESKAPP_PRINTER``,
    else ``printer``; ``""`` when none is configured."""
    values = settings or {}
    for value in (values.get(f"printer.{kind}"), os.environ.get("DESKAPP_PRINTER"),
                  values.get("printer")):
        if value is not None and str(value).strip():
            return str(value).strip()
    return ""


def media_for(page_size: str) -> str:
    """CUPS media name for a :class:`~deskapp.printing.pdf.Document` page size."""
    return "A5" if page_size.startswith("A5") else "A4"


def send(path: Path, *, printer: str, title: str, page_size: str = "A4",
         copies: int = 1) -> PrintOutcome:
    """Send ``path`` to ``printer`` with ``lp``: paper size and number of copies set, the
    job titled ``title``. Never raises for a missing CUPS, an unknown printer or a refused
    job: the outcome says so in plain words (the PDF stays saved)."""
    if not printer:
        return PrintOutcome(False, "", message=t("print.no_printer"))
    lp = shutil.which("lp")
    if lp is None:
        return PrintOutcome(False, printer, message=t("print.no_cups"))
    if copies < 1:
        copies = 1
    command = [lp, "-d", printer, "-n", str(copies), "-t", title,
               "-o", f"media={media_for(page_size)}", "-o", "fit-to-page"]
    if page_size.endswith("landscape"):
        command += ["-o", "orientation-requested=4"]
    command.append(str(path))
    try:
        run = subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT_S,
                             check=False)
    except (OSError, subprocess.TimeoutExpired) as err:
        return PrintOutcome(False, printer, message=t("print.failed", printer=printer,
                                                      reason=str(err)[:120]))
    if run.returncode != 0:
        reason = (run.stderr or run.stdout).strip().splitlines()
        text = reason[0] if reason else str(run.returncode)
        if "does not exist" in text or "not exist" in text or "Unknown destination" in text:
            return PrintOutcome(False, printer, message=t("print.unknown_printer",
                                                          printer=printer))
        if "scheduler" in text.lower() or "connect" in text.lower():
            return PrintOutcome(False, printer, message=t("print.no_cups"))
        return PrintOutcome(False, printer, message=t("print.failed", printer=printer,
                                                      reason=text[:120]))
    found = _JOB.search(run.stdout)
    return PrintOutcome(True, printer, job=found.group(1) if found else "",
                        message=t("print.sent", printer=printer))
