"""Read a mentoring network's two survey sheets into one rmatch roster and match it.

The sheets are mentor-match's published sample data (the UK Civil Service
LGBT+ network's app; ``shared/peers/mentor-match/`` beside this repository,
or any folder given as the first argument): ``mentees.csv`` and
``mentors.csv``, survey exports with columns such as ``email address``,
``first name``, ``last name``, ``grade`` and ``organisation``. In rmatch's
terms the mentees (lower grades) are the juniors and the mentors the seniors;
the e-mail address identifies a person, and someone on both sheets becomes
one participant with role ``both``.

Run: ``python examples/peer_survey.py [FOLDER]``.
"""

from __future__ import annotations

import sys
from pathlib import Path

import rmatch as rm

# The network's grades, most junior first (its own order, from its rules).
GRADES = ["AA", "AO", "EO", "HEO", "SEO", "Grade 7", "Grade 6", "SCS1", "SCS2", "SCS3", "SCS4"]
LEVELS = {grade: level for level, grade in enumerate(GRADES)}

# One column map for both sheets (a header that one sheet lacks draws a
# warning there, not an error). Several columns may give the name.
COLUMNS = {
    "email address": "id",
    "first name": "name",
    "last name": "name",
    "grade": "level",
    "organisation": "department",
    "profession": "attributes.profession",
    "characteristics": "attributes.characteristics",  # mentors: who they are
    "identity to match": "attributes.identity",  # mentees: who they would like
    "both mentor and mentee": None,
    "match with similar identity": None,
    "job title": None,
    "biography": None,
}

def read_survey(folder: Path) -> list[rm.Participant]:
    """Both sheets as one roster: mentees as juniors, mentors as seniors.

    Each sheet lacks the other's own column ("identity to match",
    "characteristics"): ``read_sides`` knows those as the other file's.
    """
    return rm.read_sides(folder / "mentees.csv", folder / "mentors.csv", columns=COLUMNS,
                         level_map=LEVELS)


def main(folder: Path) -> rm.MatchResult:
    people = read_survey(folder)
    juniors, seniors, _ = rm.split_roles(people)
    both = sum(p.role == "both" for p in people)
    print(f"{len(people)} people: {len(juniors)} mentees, {len(seniors)} mentors, "
          f"{both} on both sheets")
    # The recommended HR rules apply: the mentor is not below the mentee in grade.
    result = rm.match(juniors, seniors)
    print(result.summary())
    return result


if __name__ == "__main__":
    default = Path(__file__).resolve().parents[2] / "shared" / "peers" / "mentor-match" / "small"
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else default)
