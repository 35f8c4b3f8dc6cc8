"""Time zones as HR systems write them, resolved to IANA zones.

HR exports and sign-up forms write zones as Windows labels ("(GMT+01:00)
Paris", "(UTC+05:30) Chennai, Kolkata, Mumbai, New Delhi"), Windows names
("W. Europe Standard Time"), abbreviations ("EST", "JST") or IANA names.
:func:`resolve_zone` turns each into the IANA zone with the same offsets: the
city when one is named (its offset checked against the label's), Windows
names through tzlocal's copy of CLDR's table, abbreviations through the
table below, and business cities the database names by another city
("Bangalore", "Munich", "San Francisco") through a table of their own. An
abbreviation that names several zones ("IST": India, Israel or Ireland) is
an error that says how to choose; a label that gives only an offset
resolves to a fixed-offset zone, with a note saying so (no daylight saving).
"""

from __future__ import annotations

import difflib
import re
from datetime import datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from rmatch.model.text import unaccented

__all__ = ["FIXED_OFFSET_NOTE", "resolve_zone"]

FIXED_OFFSET_NOTE = "a fixed UTC offset, without daylight saving"

# Abbreviations people write, and the zone each means in a workplace. The
# IANA database has some of these as fixed-offset legacy zones ("EST" never
# moves to daylight time), which is not what "EST" means in an HR export.
_ABBREVIATIONS = {
    "utc": "UTC", "gmt": "UTC", "z": "UTC", "zulu": "UTC",
    "et": "America/New_York", "est": "America/New_York", "edt": "America/New_York",
    "eastern": "America/New_York", "eastern time": "America/New_York",
    "ct": "America/Chicago", "cdt": "America/Chicago", "central time": "America/Chicago",
    "mt": "America/Denver", "mst": "America/Denver", "mdt": "America/Denver",
    "mountain time": "America/Denver",
    "pt": "America/Los_Angeles", "pst": "America/Los_Angeles", "pdt": "America/Los_Angeles",
    "pacific time": "America/Los_Angeles",
    "akst": "America/Anchorage", "hst": "Pacific/Honolulu",
    "wet": "Europe/Lisbon", "west": "Europe/Lisbon", "uk": "Europe/London",
    "cet": "Europe/Paris", "cest": "Europe/Paris", "met": "Europe/Paris",
    "eet": "Europe/Athens", "eest": "Europe/Athens", "msk": "Europe/Moscow",
    "sast": "Africa/Johannesburg", "cat": "Africa/Maputo", "wat": "Africa/Lagos",
    "eat": "Africa/Nairobi", "gst": "Asia/Dubai", "pkt": "Asia/Karachi",
    "npt": "Asia/Kathmandu", "ict": "Asia/Bangkok", "wib": "Asia/Jakarta",
    "sgt": "Asia/Singapore", "hkt": "Asia/Hong_Kong", "pht": "Asia/Manila",
    "jst": "Asia/Tokyo", "kst": "Asia/Seoul", "awst": "Australia/Perth",
    "acst": "Australia/Adelaide", "aest": "Australia/Sydney", "aedt": "Australia/Sydney",
    "nzst": "Pacific/Auckland", "nzdt": "Pacific/Auckland", "brt": "America/Sao_Paulo",
    "art": "America/Argentina/Buenos_Aires",
    # German exports' abbreviations, and the zones' long names in English, German, French
    "mez": "Europe/Berlin", "mesz": "Europe/Berlin", "oez": "Europe/Athens",
    "oesz": "Europe/Athens", "wez": "Europe/Lisbon", "wesz": "Europe/Lisbon",
    "central european time": "Europe/Paris", "central european summer time": "Europe/Paris",
    "eastern european time": "Europe/Athens", "western european time": "Europe/Lisbon",
    "mitteleuropaische zeit": "Europe/Berlin", "mitteleuropaische sommerzeit": "Europe/Berlin",
    "osteuropaische zeit": "Europe/Athens", "westeuropaische zeit": "Europe/Lisbon",
    "heure d'europe centrale": "Europe/Paris", "heure normale d'europe centrale": "Europe/Paris",
    "heure d'ete d'europe centrale": "Europe/Paris", "heure de paris": "Europe/Paris",
}
_AMBIGUOUS = {
    "ist": ("India", "Asia/Kolkata", "Israel", "Asia/Jerusalem", "Ireland", "Europe/Dublin"),
    "cst": ("US Central", "America/Chicago", "China", "Asia/Shanghai", "Cuba",
            "America/Havana"),
    "ast": ("Atlantic", "America/Halifax", "Arabia", "Asia/Riyadh"),
    "bst": ("British Summer", "Europe/London", "Bangladesh", "Asia/Dhaka"),
    # Cities two places share (see _BUSINESS_CITIES).
    "hyderabad": ("India", "Asia/Kolkata", "Pakistan", "Asia/Karachi"),
    "washington": ("Washington, D.C.", "America/New_York", "Washington State",
                   "America/Los_Angeles"),
    "portland": ("Oregon", "America/Los_Angeles", "Maine", "America/New_York"),
    "valencia": ("Spain", "Europe/Madrid", "Venezuela", "America/Caracas"),
    "san jose": ("California", "America/Los_Angeles", "Costa Rica", "America/Costa_Rica"),
}
# What says which of the meanings above is meant, written beside the name
# ("Hyderabad, India", "Portland (OR)", "CST, China"): one of them, or the
# error that lists them all.
_QUALIFIERS = {
    "ist": {"india": "Asia/Kolkata", "israel": "Asia/Jerusalem", "ireland": "Europe/Dublin"},
    "cst": {"us": "America/Chicago", "usa": "America/Chicago", "china": "Asia/Shanghai",
            "prc": "Asia/Shanghai", "cuba": "America/Havana"},
    "ast": {"atlantic": "America/Halifax", "canada": "America/Halifax",
            "arabia": "Asia/Riyadh", "saudi arabia": "Asia/Riyadh", "ksa": "Asia/Riyadh"},
    "bst": {"uk": "Europe/London", "gb": "Europe/London", "united kingdom": "Europe/London",
            "bangladesh": "Asia/Dhaka"},
    "hyderabad": {"india": "Asia/Kolkata", "in": "Asia/Kolkata", "ind": "Asia/Kolkata",
                  "telangana": "Asia/Kolkata", "pakistan": "Asia/Karachi",
                  "pk": "Asia/Karachi", "pak": "Asia/Karachi", "sindh": "Asia/Karachi"},
    "washington": {"dc": "America/New_York", "d.c.": "America/New_York",
                   "district of columbia": "America/New_York", "wa": "America/Los_Angeles",
                   "washington state": "America/Los_Angeles"},
    "portland": {"or": "America/Los_Angeles", "oregon": "America/Los_Angeles",
                 "me": "America/New_York", "maine": "America/New_York"},
    "valencia": {"spain": "Europe/Madrid", "es": "Europe/Madrid", "esp": "Europe/Madrid",
                 "espana": "Europe/Madrid", "venezuela": "America/Caracas",
                 "ve": "America/Caracas", "ven": "America/Caracas",
                 "carabobo": "America/Caracas"},
    "san jose": {"ca": "America/Los_Angeles", "california": "America/Los_Angeles",
                 "us": "America/Los_Angeles", "usa": "America/Los_Angeles",
                 "costa rica": "America/Costa_Rica", "cr": "America/Costa_Rica"},
}
# A label's parts: "Munich, Germany", "Paris (France)", "Bangalore - India".
_PARTS = re.compile(r",|\(|\)|\s[-–—]\s")
# Business cities HR exports write as an office or a time zone that the IANA
# database names by another city ("Bangalore" is Asia/Kolkata). Names two
# places share ("Portland", "Valencia", "San Jose", "Washington", "Hyderabad")
# are in _AMBIGUOUS instead: an error that says how to choose.
_BUSINESS_CITIES = """
Asia/Kolkata: mumbai, bombay, bangalore, bengaluru, delhi, new delhi, gurgaon, gurugram,
  noida, chennai, madras, pune, ahmedabad, kochi, cochin, thiruvananthapuram, jaipur,
  chandigarh
Asia/Shanghai: beijing, peking, shenzhen, guangzhou, hangzhou, chengdu, nanjing, wuhan,
  suzhou, tianjin, dalian, xiamen
Asia/Tokyo: osaka, yokohama, nagoya, kyoto, fukuoka, sapporo
Asia/Seoul: busan, incheon, pangyo
Asia/Karachi: lahore, islamabad
Asia/Dubai: abu dhabi, sharjah
Asia/Riyadh: jeddah, dammam
Asia/Ho_Chi_Minh: hanoi, da nang
Asia/Manila: cebu, makati, quezon city, taguig
Asia/Jerusalem: haifa, herzliya
Europe/Berlin: frankfurt, munich, munchen, hamburg, cologne, koln, dusseldorf, stuttgart,
  leipzig, dresden, nuremberg, nurnberg, hanover, hannover, bonn, essen, dortmund
Europe/Paris: lyon, marseille, toulouse, lille, bordeaux, nantes, strasbourg, montpellier,
  rennes, grenoble, sophia antipolis
Europe/Madrid: barcelona, seville, sevilla, bilbao, malaga, zaragoza
Europe/Rome: milan, milano, turin, torino, naples, napoli, florence, firenze, bologna,
  genoa, genova, venice, venezia
Europe/London: manchester, edinburgh, glasgow, leeds, bristol, liverpool, cardiff,
  sheffield, nottingham, aberdeen, brighton, milton keynes
Europe/Amsterdam: rotterdam, the hague, den haag, utrecht, eindhoven
Europe/Brussels: antwerp, antwerpen, ghent, gent, leuven
Europe/Zurich: geneva, geneve, basel, bern, lausanne
Europe/Lisbon: porto, oporto, braga, coimbra
Europe/Warsaw: krakow, wroclaw, gdansk, poznan, lodz, katowice
Europe/Stockholm: gothenburg, goteborg, malmo, uppsala
Europe/Oslo: bergen, trondheim
Europe/Copenhagen: aarhus, odense
Europe/Helsinki: espoo, tampere
Europe/Dublin: cork, galway, limerick
Europe/Vienna: graz, linz, salzburg
Europe/Prague: brno
Europe/Bucharest: cluj, cluj-napoca, iasi, timisoara
Europe/Istanbul: ankara, izmir
America/New_York: boston, washington dc, washington d.c., atlanta, philadelphia,
  pittsburgh, charlotte, baltimore, raleigh, orlando, tampa, newark, jersey city, cleveland,
  cincinnati
America/Chicago: dallas, houston, austin, san antonio, minneapolis, st louis, st. louis,
  saint louis, kansas city, nashville, new orleans, milwaukee, oklahoma city, omaha
America/Denver: salt lake city, albuquerque, boulder, colorado springs
America/Phoenix: tucson, scottsdale, tempe
America/Los_Angeles: san francisco, seattle, san diego, palo alto, mountain view, sunnyvale,
  menlo park, cupertino, redmond, bellevue, oakland, sacramento, irvine, santa clara,
  silicon valley, bay area
America/Toronto: ottawa, quebec city, mississauga, waterloo
America/Edmonton: calgary
America/Sao_Paulo: rio de janeiro, brasilia, belo horizonte, curitiba, porto alegre, campinas,
  florianopolis
America/Mexico_City: guadalajara, puebla, queretaro
America/Bogota: medellin, cali, barranquilla
Australia/Sydney: wollongong
Australia/Brisbane: gold coast
Africa/Johannesburg: cape town, durban, pretoria, sandton
Africa/Lagos: abuja
Africa/Nairobi: mombasa
Pacific/Auckland: wellington, christchurch
"""


@lru_cache(maxsize=1)
def _business_cities() -> dict[str, str]:
    """Return the table above as folded city -> IANA zone."""
    out: dict[str, str] = {}
    for zone, cities in re.findall(r"^(\S+): ((?:.|\n  )*)", _BUSINESS_CITIES, re.MULTILINE):
        out.update(dict.fromkeys((c.strip() for c in cities.replace("\n", " ").split(",")),
                                 zone))
    return out


# Old IANA names tzlocal's table still uses, and the names the database prefers.
_RENAMED = {"Asia/Calcutta": "Asia/Kolkata", "Asia/Saigon": "Asia/Ho_Chi_Minh",
            "Asia/Katmandu": "Asia/Kathmandu", "Asia/Rangoon": "Asia/Yangon"}
_LABEL = re.compile(r"^\(?\s*(?:gmt|utc)\s*(?:(?P<sign>[+-−])\s*(?P<h>\d{1,2})(?::?(?P<m>\d{2}))?)?"
                    r"\s*\)?\s*(?P<rest>.*)$", re.IGNORECASE)
_BARE_OFFSET = re.compile(r"^(?P<sign>[+-−])(?P<h>\d{1,2})(?::?(?P<m>\d{2}))?$")
# A winter and a summer day: a label's offset is the zone's in one of them.
_PROBES = (datetime(2026, 1, 15, 12), datetime(2026, 7, 15, 12))


@lru_cache(maxsize=1)
def _iana() -> dict[str, str]:
    """Every IANA zone by its folded name."""
    return {name.casefold(): name for name in available_timezones()}


@lru_cache(maxsize=1)
def _cities() -> dict[str, str]:
    """IANA zones by their city, folded ("new york" -> America/New_York)."""
    out: dict[str, str] = {}
    for name in sorted(available_timezones()):
        area, _, city = name.rpartition("/")
        if area and not area.startswith(("Etc", "SystemV", "US", "Canada", "Mexico", "Brazil",
                                         "Chile")):
            out.setdefault(_fold(city.replace("_", " ")), name)
    return out


@lru_cache(maxsize=1)
def _windows() -> dict[str, str]:
    """Windows zone names (CLDR's table, as tzlocal keeps it) -> IANA, folded."""
    try:
        from tzlocal.windows_tz import win_tz
    except ImportError:  # pragma: no cover - tzlocal is a dependency
        return {}
    return {k.casefold(): _RENAMED.get(v, v) for k, v in win_tz.items()}


def _fold(text: str) -> str:
    """Case, spaces, accents and typographic apostrophes do not count ("São Paulo", "d’Europe")."""
    plain = unaccented(text.casefold())
    return " ".join(plain.replace("−", "-").replace("\u2019", "'").split())


def _ambiguous(text: str, meanings: tuple[str, ...]) -> ValueError:
    pairs = [f"{meanings[k]} ({meanings[k + 1]})" for k in range(0, len(meanings), 2)]
    return ValueError(f"{text!r} names several time zones ({', '.join(pairs)}): say which with "
                      f"a value map, e.g. values={{'timezone': {{{text!r}: "
                      f"{meanings[1]!r}}}}} (CLI: --values FILE.json)")


def _named(text: str) -> str | None:
    """Resolve a name with no offset: abbreviation, Windows name, city or IANA name."""
    key = _fold(text)
    if key in _AMBIGUOUS:
        raise _ambiguous(text, _AMBIGUOUS[key])
    if key in _ABBREVIATIONS:
        return _ABBREVIATIONS[key]
    if key in _iana():
        return _RENAMED.get(_iana()[key], _iana()[key])
    bare = re.sub(r"\s*\([^()]*\)\s*", " ", key).strip()  # "Pacific Time (US & Canada)"
    for name in (key, bare, bare.replace(" time", " standard time"), bare + " standard time"):
        if name in _windows():
            return _windows()[name]
        if name in _ABBREVIATIONS:
            return _ABBREVIATIONS[name]
    parts = [p.strip() for p in _PARTS.split(key) if p.strip()]
    for part in parts:  # "Hyderabad, India": the name two places share, and which
        if part in _AMBIGUOUS:
            return _which(text, part, parts)
    for part in parts:  # "Chennai, Kolkata, Mumbai"
        if part in _cities():
            return _cities()[part]
    flat = " ".join(key.replace(",", " ").split())  # "Washington, D.C."
    for part in (flat, *parts):  # "Munich, Germany"
        if part in _business_cities():
            return _business_cities()[part]
    for part in parts:  # "Europe/London (GMT)"; "America/New York" with a space
        for name in (part, part.replace(" ", "_")):
            if name in _iana():
                return _RENAMED.get(_iana()[name], _iana()[name])
    slashed = {_ABBREVIATIONS.get(p.strip()) for p in key.split("/")}
    if len(slashed) == 1 and None not in slashed and "/" in key:  # "CET/CEST"
        return slashed.pop()
    return None


def _which(text: str, name: str, parts: list[str]) -> str:
    """Return the zone a name two places share means, by what is written beside it.

    A country or a state ("Hyderabad, India"), a city of one of its zones
    ("Mumbai (IST)") or an offset one of them has ("IST (UTC+5:30)"); none
    or two: the error that lists the meanings.
    """
    zones = set(_AMBIGUOUS[name][1::2])
    meant = {_QUALIFIERS[name][q] for q in parts if q in _QUALIFIERS[name]}
    for part in (q for q in parts if q != name):
        city = _cities().get(part) or _business_cities().get(part)
        if city is not None:  # its offsets, winter and summer (Tel Aviv is Jerusalem's)
            meant |= {z for z in zones if all(ZoneInfo(z).utcoffset(d) == ZoneInfo(city)
                                              .utcoffset(d) for d in _PROBES)}
        offset = _LABEL.match(part)
        if offset and offset.group("sign") and not offset.group("rest"):
            shift = _offset(offset.group("sign"), offset.group("h"), offset.group("m"))
            meant |= {z for z in zones if any(ZoneInfo(z).utcoffset(d) == shift
                                              for d in _PROBES)}
    if len(meant) != 1:
        raise _ambiguous(text, _AMBIGUOUS[name])
    return meant.pop()


def _offset(sign: str, hours: str, minutes: str | None) -> timedelta:
    value = timedelta(hours=int(hours), minutes=int(minutes or 0))
    return -value if sign in "-−" else value


# Offsets of a half or three quarters of an hour that a zone keeps all year (no daylight
# saving): the zone that keeps it, read as that fixed offset. IANA has no Etc/ zone for
# them, and "GMT+05:30" is how many Indian HR exports write Kolkata's zone. (Newfoundland's
# -03:30, Lord Howe's +10:30 and the Chatham Islands' +12:45 move in summer: still refused.)
_PART_HOURS = {330: "Asia/Kolkata", 345: "Asia/Kathmandu", 270: "Asia/Kabul",
               390: "Asia/Yangon", 570: "Australia/Darwin", 525: "Australia/Eucla",
               210: "Asia/Tehran", -570: "Pacific/Marquesas"}


def _fixed(text: str, offset: timedelta) -> tuple[str, str]:
    minutes = int(offset.total_seconds() // 60)
    if minutes in _PART_HOURS:
        return _PART_HOURS[minutes], FIXED_OFFSET_NOTE
    if minutes % 60 or abs(minutes) > 14 * 60:
        raise ValueError(f"{text!r} gives only a UTC offset that no fixed zone has; write the "
                         "office's city or its IANA zone (e.g. 'America/St_Johns')")
    hours = minutes // 60
    # IANA's fixed zones reverse the sign: UTC+1 is Etc/GMT-1.
    return ("UTC" if hours == 0 else f"Etc/GMT{'-' if hours > 0 else '+'}{abs(hours)}",
            FIXED_OFFSET_NOTE)


@lru_cache(maxsize=256)
def _near_zone(key: str) -> str | None:
    """Return the IANA zone a folded name may be a slip of ("europe/londn"), or None.

    Cached: a file may write the same slip on every row.
    """
    near = difflib.get_close_matches(key, list(_iana()), n=1, cutoff=0.85)
    return _iana()[near[0]] if near else None


def resolve_zone(text: str) -> tuple[str, str | None]:
    """Return the IANA zone a time-zone label means, and a note when it is only an offset.

    Raises ``ValueError`` with a suggestion when the label names several
    zones, contradicts its own offset, or names none.

    Examples
    --------
    >>> resolve_zone("(GMT+01:00) Paris"), resolve_zone("W. Europe Standard Time")
    (('Europe/Paris', None), ('Europe/Berlin', None))
    >>> resolve_zone("(UTC+05:30) Chennai, Kolkata, Mumbai, New Delhi")
    ('Asia/Kolkata', None)
    >>> resolve_zone("GMT-08:00 Pacific Time"), resolve_zone("EST")
    (('America/Los_Angeles', None), ('America/New_York', None))
    >>> resolve_zone("UTC+2")
    ('Etc/GMT-2', 'a fixed UTC offset, without daylight saving')
    """
    clean = " ".join(text.split())
    label = _LABEL.match(clean)
    bare = _BARE_OFFSET.match(clean)
    if label is None and bare is None:
        zone = _named(clean)
        if zone is None:
            near = _near_zone(_fold(clean))
            example = near or "Europe/Lisbon"
            said = f" (did you mean {near!r}?)" if near else ""
            raise ValueError(f"{text!r} is not a time zone rmatch knows{said}; write an IANA "
                             f"zone (e.g. {example!r}) or map it with values={{'timezone': "
                             f"{{{text!r}: {example!r}}}}} (null where it names none: no "
                             "time zone)")
        return zone, None
    found = label or bare
    assert found is not None
    rest = found.groupdict().get("rest") or ""
    if found.group("sign") is None:  # "(GMT) Dublin, London", or "UTC" alone
        named = _named(rest) if rest else None
        if named is None and "gmt" in _fold(clean):
            # UK staff write GMT for London's time, summer time included: read
            # as UTC, as written, and said as an offset without summer time.
            return "UTC", FIXED_OFFSET_NOTE
        return named or "UTC", None
    offset = _offset(found.group("sign"), found.group("h"), found.group("m"))
    zone = _named(rest) if rest else None
    if zone is None:
        return _fixed(text, offset)
    if not any(ZoneInfo(zone).utcoffset(day) == offset for day in _PROBES):
        raise ValueError(f"{text!r}: the label's offset is not {zone}'s in winter or summer; "
                         "check the label, or map it with values={'timezone': {...}}")
    return zone, None


@lru_cache(maxsize=4096)  # zoneinfo keeps few zones: it read the file 6,547
def is_iana_zone(name: str) -> bool:  # times for 100,000 people in ten offices
    """Tell whether ``name`` is an IANA zone this machine's database has.

    Examples
    --------
    >>> is_iana_zone("Europe/Lisbon"), is_iana_zone("Mars/Olympus")
    (True, False)
    """
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return False
    return True
