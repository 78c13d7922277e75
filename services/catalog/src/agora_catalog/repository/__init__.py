"""Every query of the catalog: functions taking the caller's ``AsyncSession``, one
module per table or read. The rules in ``service`` call them; they read, lock, insert
or delete, and never commit. ``find_*`` runs a SELECT (locking the row when asked);
``get_*`` is ``session.get``, which answers from the session's identity map when the
row is loaded already."""
