"""Demo activity, one module per area.

:func:`deskapp.services.demo.build_demo` first builds the demo site (profile, reference
data, 529 units with their owners and tenants, the demo staff), then imports every module
of this package (names starting with ``_`` are skipped) and calls its ``seed`` function::

    def seed(session: Session, *, rng: random.Random, today: date,
             summary: DemoSummary) -> None: ...

- ``session`` — the one write transaction of the whole build; never commit or roll back
  in a seed function (flush when you need ids).
- ``rng`` — a ``random.Random`` of the module's own, seeded from the build seed and the
  module name, so adding a module never changes another module's data. Use only this
  generator, never the global ``random`` module.
- ``today`` — the demo's "today"; put activity in the weeks and months before it (a few
  items may be open or due after it).
- ``summary`` — the :class:`deskapp.services.demo.DemoSummary`: ``unit_ids``,
  ``occupied_unit_ids``, ``staff`` (login → id, see ``summary.staff_member(session,
  login)``). Record what you created in ``summary.extra`` (e.g.
  ``summary.extra["complaints"] = 14``) so the CLI can report it.

Modules run in the order of an optional module-level ``ORDER: int`` (default 100), then
by name — give a module that needs another area's demo records a higher ``ORDER``.
"""
