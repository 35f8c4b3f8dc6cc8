"""Language names and codes as HR systems write them, normalised to ISO 639-1.

``English``, ``EN``, ``eng``, ``en-GB`` and ``en_US`` all become ``en``, so two
people who share a language are seen to share it whatever their HR system
wrote. A name this table does not know stays as written (lower-cased), and the
roster readers name it in a warning.
"""

from __future__ import annotations

import re
from functools import lru_cache

__all__ = ["is_known_language", "normalise_language"]

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
zh|chinese,mandarin,中文,普通话,cantonese,粤语|zho,chi,cmn,yue
zu|zulu,isizulu|zul
sgn|sign language|
ase|american sign language,asl|
bfi|british sign language,bsl|
"""


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


def normalise_language(text: str) -> str:
    """Return the ISO 639-1 code of a language name or code, else ``text`` lower-cased.

    Examples
    --------
    >>> [normalise_language(t) for t in ("English", "EN", "en-GB", "fre", "Spanish (fluent)",
    ...                                  "Klingon")]
    ['en', 'en', 'en', 'fr', 'es', 'klingon']
    """
    key = _SPACES.sub(" ", text.strip().casefold())
    table = _lookup()
    if key not in table:
        key = _LEVEL_NOTE.sub("", key) or key
    if key in table:
        return table[key]
    region = _REGION.match(key)  # en-GB, pt_BR, zh-Hans: the language is the first part
    if region and region.group(1) in table:
        return table[region.group(1)]
    return key


def is_known_language(code: str) -> bool:
    """Tell whether a normalised language is one this table knows.

    Examples
    --------
    >>> is_known_language("en"), is_known_language("klingon")
    (True, False)
    """
    return code in _lookup()
