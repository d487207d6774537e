"""Dutch words the pattern lexicon lacks or misjudges for talk feedback; Dutch modifiers."""

from __future__ import annotations

# Informal feedback vocabulary (VADER units, -4..4); overrides the pattern lexicon.
INFORMAL: dict[str, float] = {
    "vet": 2.2, "vette": 2.2, "top": 2.5, "toppie": 2.5, "topper": 2.8, "gaaf": 2.5,
    "tof": 2.2, "straf": 2.5, "leuk": 2.0, "cool": 2.0, "chill": 1.8, "lekker": 1.8,
    "wauw": 2.8, "wow": 2.8, "woow": 2.8, "waanzinnig": 3.0, "geniaal": 3.0, "briljant": 3.0,
    "sterk": 2.0, "knap": 2.2, "netjes": 1.5, "helder": 1.8, "duidelijk": 1.5, "boeiend": 2.2,
    "interessant": 2.0, "inspirerend": 2.8, "leerzaam": 2.5, "nuttig": 2.0, "handig": 1.8,
    "grappig": 2.0, "prima": 1.5, "oké": 0.0, "oke": 0.0, "ok": 0.0, "okay": 0.0,
    "respect": 2.0, "bravo": 3.0, "hulde": 3.0, "super": 2.8, "mooi": 2.2, "goed": 1.9,
    "fijn": 2.0, "gezellig": 2.0, "indrukwekkend": 2.8, "verfrissend": 2.5, "dik": 1.5,
    "kut": -2.5, "balen": -1.8, "saai": -2.2, "slaapverwekkend": -2.8, "mwah": -1.2,
    "mwa": -1.2, "meh": -1.5, "matig": -1.8, "jammer": -1.5, "slecht": -2.3, "zwak": -2.0,
    "onduidelijk": -2.0, "vaag": -1.5, "rommelig": -1.8, "chaotisch": -1.8, "traag": -1.5,
    "waardeloos": -3.0, "bagger": -3.0, "belabberd": -2.8, "teleurstellend": -2.5,
    "teleurgesteld": -2.3, "irritant": -2.2, "storend": -1.8, "langdradig": -2.2,
    "eentonig": -1.8, "verwarrend": -1.8, "oninteressant": -2.2, "ruis": -1.2,
    "zonde": -1.5, "helaas": -1.2, "onzin": -2.2, "nietszeggend": -2.2, "pff": -1.5,
    "pfff": -1.5, "zucht": -1.5, "gaap": -1.8, "boeie": -1.5, "lol": 1.8, "haha": 2.0,
    "hahaha": 2.0, "dankjewel": 1.8, "bedankt": 1.8, "dank": 1.5, "genoten": 2.5,
    "aanrader": 2.5, "echt": 0.0, "erg": 0.0, "heel": 0.0, "snel": 0.0, "lang": 0.0,
    "klein": 0.0, "groot": 0.0, "hard": 0.0, "zacht": 0.0, "zo": 0.0, "wel": 0.0, "vrij": 0.0,
    "best": 0.8, "rustig": 0.0, "droog": -0.5, "technisch": 0.0, "moeilijk": -0.8,
    "pittig": 0.5, "eerlijk": 0.5, "fout": -1.0, "vol": 0.0, "leeg": -0.5, "gek": 0.0,
    # pattern adjectives that are mostly function words or neutral facts in a talk
    "waar": 0.0, "net": 0.0, "eens": 0.0, "zeker": 0.0, "laat": 0.0, "vroeg": 0.0, "open": 0.0,
    "klaar": 0.0, "druk": -0.5, "precies": 0.5, "juist": 0.5, "direct": 0.0, "nodig": 0.0,
    "mogelijk": 0.0, "normaal": 0.0, "hoog": 0.0, "laag": 0.0, "nieuw": 0.3, "simpel": 0.0,
    "lastig": -1.2, "makkelijk": 1.0, "apart": 0.0, "bijzonder": 1.5, "beschikbaar": 0.0,
    "licht": 0.0, "link": 0.0, "naar": 0.0,
    # talk vocabulary: nouns and verbs that carry the judgement
    "genieten": 2.5, "geniet": 2.5, "energie": 1.2, "diepgang": 1.0, "gedoe": -1.5,
    "mompelt": -1.5, "mompelen": -1.5, "gemompel": -1.5, "typefouten": -1.2, "jargon": -1.2,
}  # fmt: skip

# English feedback words that turn up inside Dutch sentences ("echt een awesome talk").
BORROWED: dict[str, float] = {
    "awesome": 3.1, "amazing": 2.8, "great": 3.1, "nice": 1.8, "love": 3.2, "loved": 2.9,
    "brilliant": 2.8, "perfect": 2.7, "epic": 2.8, "sick": 2.0, "insane": 2.0, "fire": 1.5,
    "boring": -2.2, "cringe": -2.2, "fail": -2.5, "sucks": -1.5, "bad": -2.5, "good": 1.9,
    "fun": 2.3, "wtf": -1.5, "thanks": 1.9, "useful": 2.0, "mindblowing": 3.0, "dope": 2.5,
}  # fmt: skip

NEGATORS = frozenset({"niet", "geen", "nooit", "niks", "niets", "nergens", "allerminst"})

B_INCR = 0.293  # VADER's booster increment
_BOOSTERS = """
heel erg echt super zo zó mega enorm ontzettend ontiegelijk vreselijk verschrikkelijk
hartstikke bijzonder extreem zeer zwaar keihard kei bere waanzinnig ongelooflijk ongelofelijk
onwijs uitermate uiterst totaal helemaal really very so extremely
"""
_DAMPENERS = "beetje ietwat redelijk vrij enigszins nogal tamelijk soort best"
BOOSTERS: dict[str, float] = dict.fromkeys(_BOOSTERS.split(), B_INCR)
DAMPENERS: dict[str, float] = dict.fromkeys(_DAMPENERS.split(), -B_INCR)
PREFIX_BOOSTERS = ("super", "mega", "kei", "reuze", "bere", "oer", "hyper", "ultra")
"""Dutch writes intensifiers glued to the word: superinteressant, oersaai, keigoed."""
CONTRAST = frozenset({"maar", "alleen", "echter", "but"})
