"""Language names and codes as HR systems write them, normalised to ISO 639-1.

``English``, ``EN``, ``eng``, ``en-GB`` and ``en_US`` all become ``en``, so two
people who share a language are seen to share it whatever their HR system
wrote. Names the table below does not know are looked up in langcodes'
CLDR data, which knows language names in many languages ("Englisch",
"anglais", "Mandarin Chinese"); a name neither knows stays as written
(lower-cased), and the roster readers name it in a warning.

A level written beside a language ("English (Fluent)", "Deutsch
(Muttersprache)", "English (B1)", "Spanish - Basic") is read by
:func:`split_level` into a CEFR level (A1-C2) or ``native``.
"""

from __future__ import annotations

import re
from functools import lru_cache

__all__ = [
    "LEVELS",
    "is_known_language",
    "joined_languages",
    "level_rank",
    "normalise_language",
    "normalise_level",
    "split_level",
    "unread_note",
]

# code | English and native names | ISO 639-2/3 codes. The 60 or so languages
# most spoken at work worldwide, and every official language of the EU.
_TABLE = """
af|afrikaans|afr
am|amharic,አማርኛ|amh
ar|arabic,العربية|ara
az|azerbaijani,azeri,azərbaycan|aze
be|belarusian,беларуская|bel
bg|bulgarian,български|bul
bn|bengali,bangla,বাংলা|ben
bs|bosnian,bosanski|bos
ca|catalan,català|cat
cs|czech,čeština,cesky|ces,cze
cy|welsh,cymraeg|cym,wel
da|danish,dansk|dan
de|german,deutsch|deu,ger
el|greek,ελληνικά|ell,gre
en|english|eng
eo|esperanto|epo
es|spanish,español,espanol,castilian,castellano|spa
et|estonian,eesti|est
eu|basque,euskara|eus,baq
fa|persian,farsi,فارسی|fas,per
fi|finnish,suomi|fin
fil|filipino,tagalog|tgl
fr|french,français,francais|fra,fre
ga|irish,gaeilge|gle
gl|galician,galego|glg
gu|gujarati,ગુજરાતી|guj
ha|hausa|hau
he|hebrew,עברית|heb,iw
hi|hindi,हिन्दी|hin
hr|croatian,hrvatski|hrv
hu|hungarian,magyar|hun
hy|armenian,հայերեն|hye,arm
id|indonesian,bahasa indonesia|ind,in
ig|igbo|ibo
is|icelandic,íslenska|isl,ice
it|italian,italiano|ita
ja|japanese,日本語|jpn
ka|georgian,ქართული|kat,geo
kk|kazakh,қазақ|kaz
km|khmer|khm
kn|kannada,ಕನ್ನಡ|kan
ko|korean,한국어|kor
ku|kurdish,kurdî|kur
ky|kyrgyz|kir
lb|luxembourgish,lëtzebuergesch|ltz
lo|lao|lao
lt|lithuanian,lietuvių|lit
lv|latvian,latviešu|lav
mk|macedonian,македонски|mkd,mac
ml|malayalam,മലയാളം|mal
mn|mongolian,монгол|mon
mr|marathi,मराठी|mar
ms|malay,bahasa melayu|msa,may
mt|maltese,malti|mlt
my|burmese,myanmar|mya,bur
nb|norwegian bokmål,bokmål,bokmal|nob
ne|nepali,नेपाली|nep
nl|dutch,nederlands,flemish,vlaams|nld,dut
nn|norwegian nynorsk,nynorsk|nno
no|norwegian,norsk|nor
pa|punjabi,panjabi,ਪੰਜਾਬੀ|pan
pl|polish,polski|pol
ps|pashto,pushto|pus
pt|portuguese,português,portugues|por
ro|romanian,română,romana,moldovan|ron,rum
ru|russian,русский|rus
si|sinhala,sinhalese|sin
sk|slovak,slovenčina|slk,slo
sl|slovenian,slovene,slovenščina|slv
so|somali|som
sq|albanian,shqip|sqi,alb
sr|serbian,српски,srpski|srp
sv|swedish,svenska|swe
sw|swahili,kiswahili|swa
ta|tamil,தமிழ்|tam
te|telugu,తెలుగు|tel
th|thai,ไทย|tha
tk|turkmen|tuk
tr|turkish,türkçe,turkce|tur
uk|ukrainian,українська|ukr
ur|urdu,اردو|urd
uz|uzbek,oʻzbek|uzb
vi|vietnamese,tiếng việt|vie
xh|xhosa,isixhosa|xho
yo|yoruba|yor
zh|chinese,mandarin,中文,普通话,國語,国语,華語,华语|zho,chi,cmn
yue|cantonese,粤语,粵語,廣東話,广东话|
zu|zulu,isizulu|zul
sgn|sign language|
ase|american sign language,asl|
bfi|british sign language,bsl|
"""


@lru_cache(maxsize=1)
def _names() -> dict[str, str]:
    """Map the table's language names alone (no codes: "MSA" beside Arabic is no Malay)."""
    out: dict[str, str] = {}
    for line in _TABLE.strip().splitlines():
        code, names, _ = line.split("|")
        for key in names.split(","):
            out[key.strip().casefold()] = code
    return out


@lru_cache(maxsize=1)
def _lookup() -> dict[str, str]:
    out: dict[str, str] = {}
    for line in _TABLE.strip().splitlines():
        code, names, codes = line.split("|")
        for key in (code, *names.split(","), *codes.split(",")):
            if key:
                out[key.strip().casefold()] = code
    return out


_REGION = re.compile(r"^([a-z]{2,3})[-_][a-z0-9]{2,8}$")
_SPACES = re.compile(r"\s+")
_LEVEL_NOTE = re.compile(r"\s*\([^()]*\)$")  # "Spanish (fluent)": the level is not the language

LEVELS = ("A1", "A2", "B1", "B2", "C1", "C2", "native")
"""Language levels, lowest first: the CEFR scale, then a native speaker."""
# Words HR systems and forms write for a level (several languages), and the
# CEFR level each means: basic A2, intermediate B1, fluent C1, native.
_LEVEL_WORDS = {
    "A1": "beginner,débutant,debutant,anfänger,anfaenger,principiante,iniciante",
    "A2": "basic,elementary,basic knowledge,limited,grundkenntnisse,basique,élémentaire,"
          "elementaire,básico,basico,básica,basica,elementare,notions",
    "B1": "intermediate,conversational,working,working knowledge,good,gut,intermédiaire,"
          "limited working,intermediaire,intermedio,intermedia,intermediário,intermediario,mittel",
    "B2": "upper intermediate,upper-intermediate,very good,sehr gut,bon,buono,"
          "professional working",
    "C1": "fluent,advanced,professional,proficient,business fluent,full professional,"
          "fließend,fliessend,verhandlungssicher,courant,avancé,avance,courant,fluido,fluida,"
          "avanzado,avanzada,avançado,avancado,fluente,vloeiend",
    "C2": "mastery,expert,near native,near-native,bilingue professionnel",
    "native": "native,mother tongue,first language,bilingual,native or bilingual,"
              "muttersprache,langue maternelle,"
              "natif,native speaker,nativo,nativa,lengua materna,língua materna,moedertaal,"
              "madrelingua,muttersprachlich,bilingue,bilíngue,zweisprachig,tweetalig",
}
_LEVEL_LOOKUP = {w.strip().casefold(): level for level, words in _LEVEL_WORDS.items()
                 for w in words.split(",")} | {lv.casefold(): lv for lv in LEVELS}
# "English (C1)", "English - Fluent", "English: B2"
_WITH_LEVEL = re.compile(r"^(?P<lang>.+?)\s*(?:\((?P<paren>[^()]*)\)|[-:–]\s*(?P<dash>[^-:–]+))$")


def normalise_level(text: str) -> str | None:
    """Return the level a word or code means (``"A1"`` .. ``"C2"``, ``"native"``), else None.

    Examples
    --------
    >>> [normalise_level(t) for t in ("b1", "Fluent", "Muttersprache", "Basic", "so-so")]
    ['B1', 'C1', 'native', 'A2', None]
    """
    key = _SPACES.sub(" ", text.strip().casefold())
    # LinkedIn's and the ILR's scale: "Limited working proficiency", ...
    return _LEVEL_LOOKUP.get(key) or _LEVEL_LOOKUP.get(key.removesuffix(" proficiency"))


def level_rank(level: str | None) -> int:
    """Order levels: 0 for unknown, 1 for A1 up to 7 for native.

    Examples
    --------
    >>> level_rank("B1") < level_rank("C1") < level_rank("native"), level_rank(None)
    (True, 0)
    """
    return LEVELS.index(level) + 1 if level in LEVELS else 0


@lru_cache(maxsize=8192)  # a roster's language cells repeat: a few hundred distinct
def split_level(text: str) -> tuple[str, str | None]:
    """Split ``"English (Fluent)"`` into the language's code and its level (None if unsaid).

    A note that is no level ("Portuguese (Brazil)") leaves the level unsaid.

    Examples
    --------
    >>> split_level("English (Fluent)"), split_level("Deutsch (Muttersprache)")
    (('en', 'C1'), ('de', 'native'))
    >>> split_level("English - B2"), split_level("Portuguese (Brazil)"), split_level("fr")
    (('en', 'B2'), ('pt', None), ('fr', None))
    >>> split_level("English B2"), split_level("German native"), split_level("Basic Spanish")
    (('en', 'B2'), ('de', 'native'), ('es', 'A2'))
    """
    # Runs of spaces made one first: the patterns would try each run at each
    # place (a cell of 20,000 spaces took 17 s).
    text = _SPACES.sub(" ", text.strip())
    found = _WITH_LEVEL.match(text)
    if found:
        level = normalise_level(found.group("paren") or found.group("dash") or "")
        if level is not None:
            return normalise_language(found.group("lang")), level
    if " " in text:
        beside = _level_beside(text)
        if beside is not None:
            return beside
    return normalise_language(text), None


def _level_beside(text: str) -> tuple[str, str] | None:
    """Read "English B2", "German native", "Fluent English": a level written as words around.

    Only when the rest is a language rmatch knows by a name or a code (a name
    lookup would otherwise take "English fluent" for English and drop the
    level unsaid: a rule's minimum level then counts it as met).
    """
    words = text.split(" ")
    for n in range(min(3, len(words) - 1), 0, -1):
        for level_words, rest in ((words[-n:], words[:-n]), (words[:n], words[n:])):
            level = normalise_level(" ".join(level_words))
            language = " ".join(rest).strip(" -:–,").casefold()
            if level is None or not language:
                continue
            code = normalise_language(language)
            if code != language or code in _lookup():  # known ("klingon" stays "klingon")
                return code, level
    return None


# "English and French", "English & French", "Inglés y Francés": one cell, two
# languages (a name lookup took the first alone, silently).
_JOINED = re.compile(r"\s*[&+]\s*|\s+(?:and|et|und|y|e)\s+", re.IGNORECASE)


def joined_languages(text: str) -> list[str]:
    """Split languages joined by a word or sign ("English and French") into each.

    Examples
    --------
    >>> joined_languages("English and French"), joined_languages("Inglés y Francés")
    (['English', 'French'], ['Inglés', 'Francés'])
    >>> joined_languages("English (native) & Spanish"), joined_languages("fr")
    (['English (native)', 'Spanish'], ['fr'])
    """
    text = _SPACES.sub(" ", text.strip())  # one space a run, as split_level reads it
    if " " not in text and "&" not in text and "+" not in text:
        return [text] if text else []  # one word: nothing joined (most cells)
    return [part for part in _JOINED.split(text) if part]


# Notes beside a language that say where or how it is written, not how well:
# read as no level and never warned about. Places are also looked up in
# CLDR's territory names (langcodes).
_VARIETIES = frozenset({
    "us", "usa", "uk", "gb", "american", "british", "european", "brazilian", "brasil",
    "castilian", "mexican", "méxico", "latam", "swiss", "austrian", "canadian", "australian",
    "mainland", "simplified", "traditional", "latin", "cyrillic", "hans", "hant", "written",
    "spoken", "sign", "international", "standard", "modern",
    # Arabic's standard and spoken varieties: one language to a rule
    "msa", "fusha", "classical", "levantine", "egyptian", "gulf", "maghrebi", "darija",
    "colloquial", "dialect"})
_NOTE = re.compile(r"\(([^()]*)\)\s*$")
# Words before a language's name that leave the language itself ("Business English"):
# a variety, or a note the reader names (as it names "French (Business)").
_LEADING = _VARIETIES | {"business", "technical", "academic", "conversational"}


@lru_cache(maxsize=8192)
def unread_note(text: str) -> str | None:
    """Return the note beside a language that is neither a level nor a variety, or None.

    "French (rusty)" keeps French at no level, which meets a rule's minimum
    level as an unsaid one does: the reader names such notes.

    Examples
    --------
    >>> unread_note("French (rusty)"), unread_note("French (B2)")
    ('rusty', None)
    >>> unread_note("Portuguese (Brazil)"), unread_note("Chinese (Simplified)"), unread_note("fr")
    (None, None, None)
    >>> unread_note("English so-so"), unread_note("English UK"), unread_note("English B2")
    ('so-so', None, None)
    """
    found = _NOTE.search(text)
    if found is None:
        return _word_note(text)
    return _as_note(_SPACES.sub(" ", found.group(1).strip()))


def _as_note(note: str) -> str | None:
    """Return the note unless it is a level, a language, a variety or a place (then None)."""
    folded = note.casefold()
    if not folded or normalise_level(folded) is not None or folded in _names() \
            or all(w in _VARIETIES for w in re.split(r"[\s\-/]+", folded) if w) \
            or _territory(folded):
        return None
    return note


def _word_note(text: str) -> str | None:
    """Return the words beside a language's name that say nothing rmatch reads.

    A name lookup reads "English so-so" and "Business English" as English:
    the other words are a note, as "English (so-so)" is.
    """
    words = _SPACES.sub(" ", text.strip()).split(" ")
    if len(words) < 2 or " ".join(words).casefold() in _lookup() \
            or _level_beside(" ".join(words)) is not None:
        return None
    # The longest name first, at either end (no language's name has more than four words:
    # a cell of thousands of words stays quick).
    for k in range(min(len(words) - 1, 4), 0, -1):
        if " ".join(words[:k]).casefold() in _lookup():
            note = " ".join(words[k:])
        elif " ".join(words[-k:]).casefold() in _lookup():
            note = " ".join(words[:-k])
        else:
            continue
        return _as_note(note.strip(" -:–,"))
    return None


@lru_cache(maxsize=1024)
def _territory(name: str) -> bool:
    """Whether CLDR names a territory so (langcodes): "Brazil", "United Kingdom".

    No name of a place is longer than 60 characters (langcodes' search grows
    with the square of the text).
    """
    if len(name) > 60:
        return False
    try:
        import langcodes

        langcodes.find_name("territory", name, "en")
    except (LookupError, ImportError, ValueError):
        return False
    return True


def normalise_language(text: str) -> str:
    """Return the ISO 639-1 code of a language name or code, else ``text`` lower-cased.

    Examples
    --------
    >>> [normalise_language(t) for t in ("English", "EN", "en-GB", "fre", "Spanish (fluent)",
    ...                                  "Klingon")]
    ['en', 'en', 'en', 'fr', 'es', 'klingon']

    A language named beside another is the one spoken: Cantonese is not
    Mandarin, which "Chinese" means.

    >>> [normalise_language(t) for t in ("Chinese (Cantonese)", "Chinese - Mandarin", "粵語")]
    ['yue', 'zh', 'yue']
    """
    key = _SPACES.sub(" ", text.strip().casefold())
    table = _lookup()
    if key not in table:
        beside = _WITH_LEVEL.match(key)
        named = (beside.group("paren") or beside.group("dash") or "").strip() if beside else ""
        if named in _names():
            # "Chinese (Cantonese)", "Sign language (BSL)": the note names the
            # language spoken, which two people must share (Cantonese is no Mandarin)
            return _names()[named]
        key = _LEVEL_NOTE.sub("", key) or key
    if key in table:
        return table[key]
    first, _, rest = key.partition(" ")
    if first in _LEADING and rest in table:  # "Business English", "Standard Arabic"
        return table[rest]
    region = _REGION.match(key)  # en-GB, pt_BR, zh-Hans: the language is the first part
    if region and region.group(1) in table:
        return table[region.group(1)]
    return _cldr_name(key) or key


@lru_cache(maxsize=4096)
def _cldr_name(name: str) -> str | None:
    """Look a language name up in CLDR's names in many languages (langcodes), or None.

    Only names of letters (no codes: an unknown code stays as written), and
    only a language the table above knows, so that every code rmatch keeps
    is one it can name. No language's name is longer than 60 characters, and
    langcodes' search grows with the square of the name (a cell of 12,000
    words took 0.7 s).
    """
    if not 4 <= len(name) <= 60 or not all(ch.isalpha() or ch in " -'" for ch in name):
        return None
    try:
        import langcodes

        code = str(langcodes.find(name).language)
    except (LookupError, ImportError, ValueError):
        return None
    return _lookup().get(code)


def is_known_language(code: str) -> bool:
    """Tell whether a normalised language is one this table knows.

    Examples
    --------
    >>> is_known_language("en"), is_known_language("klingon")
    (True, False)
    """
    return code in _lookup()
