"""Complaint handling (投诉处理, SPEC §4): registration, the workflow, deadlines and
escalation, the complaint list and the monthly analysis.

Workflow — one accountable owner (谁受理、谁处理、谁跟进、谁回复) at every moment, every step
kept on the timeline (:class:`ComplaintEvent`) with who, when and a note::

    registered ─classify─▶ valid ─investigate─▶ investigated ─fix responsible─▶ assigned
        │                                                                          │
        └──────▶ invalid ─reply (reason)─▶ replied ─archive─▶ archived     solution │
                                                                                   ▼
    archived ◀─archive─ visited ◀─return visit (satisfied)─ replied ◀─reply─ solution
                                        │ not satisfied
                                        └──────────────▶ assigned (back to handling)

A valid complaint cannot be archived without its return visit, so the return-visit rate
is 100 % by construction. Receptionists register; specialists handle the complaints they
own (or take one over first); supervisors reassign, escalate and may act on any complaint.

Deadlines: each category has a time to first response and a time to close, in hours
(``complaint_category``; a site may override them in settings.toml as
``complaints.first_response_hours.<code>`` / ``complaints.close_hours.<code>``). They run
from the time the complaint was received and are counted as elapsed time in the site's
time zone (a DST change is honoured). The first response is the classification (判定).
Deadlines are fixed on the complaint when it is registered (and again if the category
changes at classification), so a later settings change does not move old deadlines.

Overdue complaints are escalated to the supervisor automatically
(:func:`escalate_overdue`, run at every login and whenever the complaint list opens); a
major complaint is escalated at once when registered.

Complaints area services, one module per concern (import the module, there is no facade):
labels (constants, labels, time helpers), deadlines (categories and their deadlines),
intake (registration), workflow (the steps and allowed actions), queries (reading and the
list source), overdue (overdue and escalation), handover (handover items), figures (the
monthly analysis), visits (return visits and opinions), report (the analysis report).
"""
