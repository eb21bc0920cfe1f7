"""客户满意度调查 — the satisfaction survey: campaigns, distribution, fast entry of returned
forms, statistics and the follow-up of opinions (意见整改).

The plan (SPEC §6): twice a year, June and December, forms go out around the 15th to at
least 95% of the valid units; they come back within 10 working days with a valid recovery
rate of at least 95%; statistics within 3 working days of collection; the analysis report
the following month. Opinions are answered owner by owner, never collectively, and never
before an official answer exists (:func:`record_reply` refuses until :func:`record_answer`).

Every function that changes data takes ``by`` (the acting staff member), checks the role,
validates, writes and audits in the caller's transaction. Figures (:func:`progress`,
:func:`statistics`, :func:`monthly_summary`) are counted in SQL.

Survey area services, one module per concern (import the module, there is no facade):
constants (the plan's numbers), forms (the form), campaigns, distribution (and form
numbers), responses (entry of returned forms), rates (progress), stats (statistics and
opinions), followups, handover (handover items), figures (monthly report), lists (the
record-list sources), actions (allowed actions), report (the analysis report).
"""
