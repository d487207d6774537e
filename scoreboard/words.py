"""Words for the word cloud: tokens of a message minus English and Dutch stop words."""

from __future__ import annotations

import re
from collections.abc import Iterable

_TOKEN = re.compile(r"[#@]?[^\W\d_][\w'’-]*", re.UNICODE)
_URL = re.compile(r"https?://\S+|www\.\S+", re.IGNORECASE)

# Written for this project: function words that say nothing about a talk.
STOP_WORDS_EN = frozenset(
    """
    a about above after again against all am an and any are aren't as at be because been before
    being below between both but by can can't cannot could couldn't did didn't do does doesn't
    doing don't down during each few for from further get got had hadn't has hasn't have haven't
    having he her here hers herself him himself his how i i'm i've if in into is isn't it it's its
    itself just let's like me more most my myself no nor not now of off on once only or other our
    ours ourselves out over own really same she should shouldn't so some such than that that's the
    their theirs them themselves then there there's these they they're this those through to too
    under until up very was wasn't we we're were weren't what when where which while who whom why
    will with won't would wouldn't you you're your yours yourself yourselves also still yet im
    gonna lol ok okay yes yeah oh um uh
    """.split()
)
STOP_WORDS_NL = frozenset(
    """
    aan al alles als altijd andere ben bij daar dan dat de der deze die dit doch doen door dus een
    eens en er ge geen geweest haar had heb hebben heeft hem het hier hij hoe hun iemand iets ik in
    is ja je jij jou jouw kan kon kunnen maar me meer men met mij mijn moet na naar niet niets nog
    nu of om omdat onder ons ook op over reeds te tegen toch toen tot u uit uw van veel voor want
    waren was wat we wel werd wezen wie wil worden wordt zal ze zei zelf zich zij zijn zo zonder zou
    ook nou even echt gewoon wel dus hè he joh hoor jullie hun hen wij onze ons dat's 't 'n da
    """.split()
)
STOP_WORDS = STOP_WORDS_EN | STOP_WORDS_NL


def cloud_words(text: str, ignore: frozenset[str] = frozenset()) -> list[str]:
    """Lower-cased content words of a message; hashtags, mentions and links left out."""
    if "://" in text or "." in text:  # every link holds one of these
        text = _URL.sub(" ", text)
    # An ASCII text is lower-cased whole (case cannot change where its tokens end there);
    # any other text token by token ("İ" lowers to two characters).
    whole = text.isascii()
    words = []
    for token in _TOKEN.findall(text.lower() if whole else text):
        word = (token if whole else token.lower()).strip("'’-")
        if word[:1] in "#@" or len(word) < 3 or word in STOP_WORDS or word in ignore:
            continue
        words.append(word)
    return words


def ignore_words(hashtags: Iterable[str]) -> frozenset[str]:
    """A board's own hashtags, which every message repeats: left out of its word cloud."""
    return frozenset(tag.lower() for tag in hashtags)
