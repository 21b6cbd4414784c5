"""Reads of the retributions app behind the documents and the desk: the funder report
(``report``), a contributor statement (``statement``) and the treasurer's desk totals
(``desk``). The reads of runs, smoothing rounds and payments are in
:mod:`retributions.selectors_runs`."""
