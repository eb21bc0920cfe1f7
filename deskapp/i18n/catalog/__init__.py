"""Catalogue modules, one per area; see :mod:`deskapp.i18n`."""
