"""The Textual user interface. Screens are thin: they compose widgets, run service calls
in thread workers and show the results; the rules live in :mod:`deskapp.services`."""
