"""Stage 9, reports: pair briefs for the kick-off, the programme report, plots.

Data first (Pydantic summaries: :class:`PairBrief`, :class:`Report`),
rendered afterwards (:mod:`~rmatch.report.render`: Markdown and HTML, every
value escaped in one place). Imports :mod:`rmatch.analysis`,
:mod:`rmatch.result` and the stages below.

Examples
--------
>>> import rmatch as rm
>>> from rmatch.report import report
>>> report(rm.match([rm.Participant(id="j")], [rm.Participant(id="s")])).pairs
1
"""

from rmatch.model.generations import generation_of
from rmatch.report.briefs import PairBrief, Topic, brief, brief_file_stem, briefs, write_briefs
from rmatch.report.summary import (
    ConstraintSummary,
    Distribution,
    GroupBalanceSummary,
    GroupSummary,
    PairLine,
    Report,
    Unmatched,
    report,
)
from rmatch.report.suppression import withheld_groups

__all__ = [
    "ConstraintSummary",
    "Distribution",
    "GroupBalanceSummary",
    "GroupSummary",
    "PairBrief",
    "PairLine",
    "Report",
    "Topic",
    "Unmatched",
    "brief",
    "brief_file_stem",
    "briefs",
    "generation_of",
    "report",
    "withheld_groups",
    "write_briefs",
]
