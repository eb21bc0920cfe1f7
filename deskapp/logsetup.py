"""The log file: where unexpected errors and the write retries go.

One rotating file, ``deskapp.log`` (1 MB, five older files kept), in the user's log
directory (platformdirs ``user_log_dir``), or ``$DESKAPP_HOME/logs`` when DESKAPP_HOME is
set — the same rule as the rest of :mod:`deskapp.config`. ID numbers and mobile numbers
are masked (:func:`deskapp.masking.mask_text`) in every message and traceback before it
reaches the file.
"""

from __future__ import annotations

import logging
import logging.handlers
import os
from pathlib import Path

from platformdirs import user_log_dir

from deskapp.config import APP_NAME
from deskapp.masking import mask_text

LOG_NAME = "deskapp.log"
MAX_BYTES = 1_000_000
KEEP = 5
_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def log_dir() -> Path:
    home = os.environ.get("DESKAPP_HOME")
    return Path(home) / "logs" if home else Path(user_log_dir(APP_NAME, appauthor=False))


def log_file() -> Path:
    return log_dir() / LOG_NAME


class MaskingFilter(logging.Filter):
    """Masks personal data in the message and in the traceback of a record. The record is
    formatted here once (message and exception text), so what the handler writes is the
    masked text."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = mask_text(record.getMessage())
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask_text(record.exc_text)
        if record.stack_info:
            record.stack_info = mask_text(record.stack_info)
        return True


def setup_logging(level: int = logging.INFO, *, path: Path | None = None) -> Path:
    """Send the ``deskapp`` loggers to the rotating file (once per file); returns its path.
    A log directory that cannot be created leaves logging as it was."""
    target = path or log_file()
    logger = logging.getLogger("deskapp")
    for handler in logger.handlers:
        if getattr(handler, "baseFilename", None) == str(target.resolve()):
            return target
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        handler = logging.handlers.RotatingFileHandler(
            target, maxBytes=MAX_BYTES, backupCount=KEEP, encoding="utf-8")
    except OSError:
        return target
    handler.addFilter(MaskingFilter())
    handler.setFormatter(logging.Formatter(_FORMAT))
    logger.addHandler(handler)
    if logger.level == logging.NOTSET or logger.level > level:
        logger.setLevel(level)
    return target
