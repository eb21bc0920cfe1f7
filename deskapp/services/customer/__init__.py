"""The customer file over time (issue #20): occupants with dates, sales, incidents and the
people allowed to collect a unit key held in trust. Importing the package imports its
modules, so their hooks (handover items) are registered."""

from deskapp.services.customer import incidents, occupants, trust_keys  # noqa: F401
