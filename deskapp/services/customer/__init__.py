"""The customer file over time (issue #20): occupants with dates, sales, incidents and the
people allowed to collect a unit key held in trust. Its hooks are listed in ``wiring.py``."""
