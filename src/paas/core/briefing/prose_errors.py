"""Failures told in words, and the words that end them: confirmations, "still", "never mind", "instead".

Design: many failures never reach a tool's output. The user reports them in a short message
("dotnet run stalls", "the page is still blank", "I get a 404", "it still doesn't work"), and
the assistant states them in its last replies ("the build still fails because ..."). Both are
recognised sentence by sentence, outside code fences, with one compiled pattern per cue:

* ``user_failures(text)``: sentences of a user message that report a failure: something does
  not work / load / start, crashes, hangs, stalls, freezes, is blank, was rejected, nothing
  happens, an HTTP error code, "I get an error". English first, with cheap equivalents in
  Spanish, French, German, Portuguese, Italian, Czech and Russian. A sentence that states a
  requirement rather than an observation ("make sure it doesn't crash", "it should not fail",
  "handle errors") is not a report: the clause before the cue is checked for modal and
  purpose words.
* ``assistant_failures(text)``: sentences where the assistant says plainly that something is
  still failing, that it could not fix it, or that errors remain.
* ``confirmation(text)``: "strong" when the user says it works or is fixed ("works now",
  "that fixed it", "funciona"), "weak" when the message only opens approvingly ("great, now
  ..."); ``errors`` accepts a weak one only as the first reply to a fix, and never when the
  same message reports a failure.
* ``says_still``, ``says_abandon``, ``says_workaround``: persistence ("still", "again", "same
  error"), abandonment ("never mind", "forget it", "I undid your changes"), a way around
  ("instead", "workaround", "skip it").

Every returned sentence is a substring of its input, clipped by the caller.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from paas.core.briefing.text import Fences

_BOUNDARY_RE = re.compile(r"[.!?]+(?=\s)\s*|\n+")  # a sentence ends at . ! ? before a space, or a line

_STEM_RE = re.compile(r"[^\W\d_]{2,}|\d")  # a trigger looked up by word: letters only (or one digit)
_WORD_SPLIT_RE = re.compile(r"[^\W_]+")


class Cue:
    """A pattern run only when one of its trigger substrings is in the (lower-cased) text.

    One big case-insensitive alternation costs hundreds of microseconds per sentence; a few
    literal triggers and small patterns over lower-cased text keep a megabyte of messages cheap.
    """

    __slots__ = ("_gate", "pattern", "triggers")

    def __init__(self, triggers: tuple[str, ...], pattern: str) -> None:
        self.triggers = triggers
        self.pattern = re.compile(pattern)
        self._gate = re.compile("|".join(re.escape(trigger) for trigger in sorted(triggers, key=len, reverse=True)))

    def search(self, lowered: str) -> re.Match[str] | None:
        if self._gate.search(lowered) is None:
            return None
        return self.pattern.search(lowered)


class Cues:
    """Several cues behind one scan: the words of a text are looked up once, then only the cues they trigger run.

    A trigger is a word stem ("crash", "freez"), a phrase ("no effect"), a suffix ("n't") or a
    digit ("4" for HTTP codes). Stems are found by a dictionary lookup on each word's first two
    characters, phrases and suffixes by a substring test, so the cost is one word split plus a
    few dictionary hits per word, whatever the number of cues.
    """

    __slots__ = ("_cues", "_by_head", "_inner")

    def __init__(self, *cues: Cue) -> None:
        self._cues = cues
        self._by_head: dict[str, list[tuple[str, int]]] = {}  # a word's first 2 characters -> (stem, cue)
        self._inner: list[tuple[str, int]] = []  # phrases and suffixes: substring tests
        for index, cue in enumerate(cues):
            for trigger in cue.triggers:
                if _STEM_RE.fullmatch(trigger):
                    self._by_head.setdefault(trigger[:1] if trigger.isdigit() else trigger[:2], []).append(
                        (trigger, index))
                else:
                    self._inner.append((trigger, index))

    def present(self, lowered: str) -> set[int]:
        """Indexes of the cues whose triggers occur in ``lowered``."""
        hit: set[int] = set()
        for word in set(_WORD_SPLIT_RE.findall(lowered)):
            for stem, index in self._by_head.get(word[:1] if word[0].isdigit() else word[:2], ()):
                if index not in hit and word.startswith(stem):
                    hit.add(index)
        for trigger, index in self._inner:
            if index not in hit and trigger in lowered:
                hit.add(index)
        return hit

    def first(self, lowered: str, among: set[int] | None = None) -> re.Match[str] | None:
        """The earliest match of the cues triggered in ``lowered`` (or of the cues ``among``)."""
        best: re.Match[str] | None = None
        for index in sorted(self.present(lowered) if among is None else among):
            match = self._cues[index].pattern.search(lowered)
            if match is not None and (best is None or match.start() < best.start()):
                best = match
        return best

    def found(self, index: int, lowered: str, present: set[int]) -> bool:
        """Whether cue ``index``, already known triggered or not by ``present``, matches ``lowered``."""
        return index in present and self._cues[index].pattern.search(lowered) is not None


_NEG = (r"(?:doesn'?t|doesnt|does not|didn'?t|didnt|did not|won'?t|wont|will not|isn'?t|isnt|is not|aren'?t|"
        r"are not|not|never|no longer|stopped|stops|still not|can'?t|cannot|couldn'?t|could not|unable to)")
_VERB = (r"(?:work(?:s|ing|ed)?(?!\s+(?:on|with|for|in|through|together|out)\b)|load(?:s|ing|ed)?|"
         r"show(?:s|ing)?(?: up)?|display(?:s|ing|ed)?|render(?:s|ing|ed)?|"
         r"appear(?:s|ing|ed)?|start(?:s|ing|ed)?|run(?:s|ning)?|compil(?:e|es|ing|ed)|build(?:s|ing)?|"
         r"open(?:s|ing)?|sav(?:e|es|ing|ed)|connect(?:s|ing)?|respond(?:s|ing)?|updat(?:e|es|ing)|"
         r"function(?:s|ing)?|redirect(?:s|ing)?|log(?:ging)? ?in|sign(?:ing)? ?in|install(?:s|ing)?|deploy(?:s|ing)?|"
         r"find|reach|access|import|upload|download|fire|trigger|register|submit|send|receive|print|play)")
_USER_FAILURE_CUES: tuple[Cue, ...] = (
    Cue(("n't", "nt ", "not", "never", "no longer", "stop", "unable", "cannot"),
        r"\b" + _NEG + r"\s+(?:(?!need|want|have|mean|try|like|care|bother|plan)\w+\s+){0,2}?" + _VERB + r"\b"
        r"|\b(?:i|we)\s+(?:don'?t|dont|do not|can'?t|cannot)\s+see\b"),
    Cue(("crash", "hang", "hung", "stall", "freez", "froze", "time", "reject", "refus", "broke"),
        r"\b(?:crash(?:es|ed|ing)?|hangs|hanging|hung|stall(?:s|ed|ing)?|freez(?:es|ing)|froze(?:n)?|"
        r"times? out|timed out|timing out|rejected|rejects|refused|refuses|broken|breaks|broke)\b"),
    Cue(("blank", "empty", "white"),
        r"\b(?:is|are|stays?|remains?|shows?|showing|still|comes up|goes)\s+(?:\w+\s+)?(?:blank|empty|white)\b"
        r"|\b(?:blank|empty|white)\s+(?:page|screen|window|output)\b"),
    Cue(("nothing", "no effect", "same "),
        r"\bnothing\s+(?:happens|happened|shows|showed|changed|changes|works|loads|appears|is (?:shown|displayed))\b"
        r"|\b(?:no effect|does nothing|did nothing|same (?:error|problem|issue|result|logs?|output))\b"),
    Cue(("error", "exception", "traceback", "4", "5"),
        r"\b(?:get(?:s|ting)?|got|see(?:ing)?|returns?|returning|gives?|giving|shows?|showing|throws?|throwing|"
        r"has|have|having|hit(?:s|ting)?|produces?)\s+(?:\w+\s+){0,3}?(?:errors?|exceptions?|tracebacks?|"
        r"[45]\d\d(?:\s+error)?)\b"
        r"|\b[45]\d\d\s+(?:not found|bad request|internal server error|forbidden|unauthorized)\b"),
    Cue(("fail",), r"\bfail(?:s|ed|ing)\b|\b(?:still|tests?|builds?|they)\s+fail\b"),
    Cue(("funciona", "anda", "carga", "sirve", "aparece", "muestra", "compila", "arranca", "conecta", "sigue sin",
         "error", "erro", "cuelga", "congela", "rompe", "não", "trav", "non ", "blocca"),  # es, pt, it
        r"\bno\s+(?:me\s+)?(?:funciona|anda|carga|sirve|aparece|muestra|compila|arranca|conecta)\b|\bsigue sin\b"
        r"|\b(?:da|tira|sale|aparece|me da|dá|deu|dà)\s+(?:un\s+|el\s+|uno\s+)?(?:error|erro|errore)\b"
        r"|\bse (?:cuelga|congela|rompe)\b|\bnão (?:funciona|carrega|abre|aparece|compila)\b|\btrav(?:a|ou)\b"
        r"|\bnon (?:funziona|carica|parte|compila)\b|\bsi blocca\b"),
    Cue(("marche", "fonctionne", "charge", "affiche", "compile", "démarre", "répond", "erreur", "problème", "bug",
         "plante", "blanche", "blanc", "rien ne", "échoue"),  # fr
        r"\bne\s+(?:\w+\s+)?(?:marche|fonctionne|charge|s'affiche|compile|démarre|répond)\s+(?:pas|plus)\b"
        r"|\b(?:j'ai|on a|il y a|j'obtiens)\s+(?:toujours\s+)?(?:une |des |la |le )?(?:erreurs?|problèmes?|bugs?)\b"
        r"|\bplante\b|\bpage blanche\b|\bécran blanc\b|\brien ne se passe\b|\béchoue\b"),
    Cue(("nicht", "stürzt", "bleibt"),  # de
        r"\b(?:funktioniert|geht|lädt|startet)\s+(?:immer noch |noch |leider )?nicht\b|\bstürzt ab\b"
        r"|\bbleibt (?:leer|weiß|hängen)\b"),
    Cue(("nefunguje", "nejde", "nenačte", "nezobrazuje", "háže", "spadne", "zamrzne", "furt", "pořád", "stále",
         "не ", "зависает", "падает", "вылетает"),  # cs, ru
        r"\bnefunguje\b|\bnejde\b|\bnenačte\b|\bnezobrazuje\b|\bháže (?:error|chybu)\b|\bspadne\b|\bzamrzne\b"
        r"|\b(?:furt|pořád|stále)\s+(?:nic|nefunguje|to samé|error|chyba)\b"
        r"|не (?:работает|запускается|компилируется|грузится|открывается|видит|находит)"
        r"|зависает|падает|вылетает"),
)
_ERROR_WORD = Cue(("err", "fehler", "chyb", "ошибк"),
                  r"\b(?:errors?|erreurs?|fehler|chyb[auy]|errore|erro|ошибк[аиу])\b")
# A clause that states a wish, a rule or a condition, not what happened.
_REQUIREMENT_RE = re.compile(
    r"\b(?:should|shall|must|make sure|ensure|so that|so it|in order|to avoid|avoid|prevent|without|want|wanted|"
    r"would|might|may|hope|let'?s|need(?:s)? to|has to|have to|if|unless|in case|whether|what if|"
    r"handle|handles|handling|catch|log|shows? an? (?:error )?message|display an? (?:error )?message|make it|throw|"
    r"raise|return|print|"
    r"afin|pour que|il faut|debe|debería|para que|sollte|muss|damit|aby|mělo by|má)\b[^,;:]*$"
)
_NOT_A_REPORT_RE = re.compile(
    r"\berror (?:handling|message|state|boundary|boundaries|page|toast|notification|log|logging|code)s?\b|"
    r"\berrors? (?:are|is|will|would|can|could|may|might) (?:to )?(?:be )?"
    r"(?:expected|shown|displayed|handled|logged)\b|\b(?:no|zero|0|without|fewer|any)\s+(?:\S+\s+)?errors?\b|"
    r"\bfail[- ]?(?:safe|over|fast)\b|\bif (?:it|that|this) fails\b"
)
_ASSISTANT_CUES = Cues(
    Cue(("still", "continue", "keep"),
        r"\b(?:still|continues? to|keeps?)\s+(?:\w+\s+){0,2}?(?:fail(?:s|ing)?|error(?:s|ing)?|broken|"
        r"crash(?:es|ing)?|hang(?:s|ing)?|not work(?:ing)?|doesn'?t work|stalls?|stalling|times? out)\b"),
    Cue(("fail", "n't", "broken", "crash"),
        r"\b(?:build|tests?|compilation|server|app|deploy(?:ment)?|command|script|check|lint(?:er)?|installation|"
        r"migration|page|request|login|push|install)\s+(?:still\s+)?(?:fails?|failed|is failing|are failing|"
        r"doesn'?t (?:work|start|build|compile|load|run)|won'?t (?:start|build|compile|load|run)|is (?:still )?broken|"
        r"crash(?:es|ed))\b"),
    Cue(("n't", "not", "unable"),
        r"\b(?:i|we)\s+(?:couldn'?t|could not|wasn'?t able to|was not able to|am unable to|am not able to|can'?t|"
        r"cannot)\s+(?:\w+\s+){0,2}?(?:fix|resolve|get it|make it|reproduce|build|run|start|connect|install|"
        r"figure out)\b|\b(?:is|are) (?:still )?not (?:yet )?(?:fixed|resolved|working)\b"),
    Cue(("remain", "existing", "other", "unrelated", "left"),
        r"\b(?:\d+|some|several|the|these|those|a few)\s+(?:remaining|pre-existing|preexisting|existing|other|"
        r"unrelated)\s+(?:type\s+|lint\s+|test\s+)?(?:errors?|failures?|failing tests?)\b"
        r"|\b(?:errors?|failures?|failing tests?)\s+(?:remain|are left|still (?:remain|appear|occur))\b"
        r"|\bremaining (?:errors?|failures?)\b"),
)
_ASSISTANT_GUARD_RE = re.compile(r"\b(?:if|unless|should(?:n'?t)?|would|might|may|could|in case|make sure|ensure|"
                                 r"to avoid|prevent|when|once|before|after)\b[^,;:]*$")
_STRONG = Cue(
    ("work", "fix", "solv", "resolv", "gone", "no more", "pass", "build", "now", "funcion", "marche", "fonctionne",
     "funktioniert", "geht", "funguje", "funziona"),
    r"\b(?:(?:it|that|this|now it|everything|all)\s+works|works? (?:now|again|fine|perfectly|great|well)|"
    r"(?:is|are|it's|its) (?:now )?working|working (?:now|again|fine|perfectly)|"
    r"(?:that|this|it) (?:fixed|did|solved) it|"
    r"(?:is|are|it's|issue|problem|error|bug) (?:now )?(?:fixed|solved|resolved|gone)|no more (?:errors?|issues?)|"
    r"(?:tests? )?(?:all )?pass(?:es|ing)? now|builds? (?:now|fine)|"
    r"(?:is|are) (?:included|showing|loading|visible) now|"
    r"now (?:it )?(?:works|loads|shows|builds|runs|compiles)|things work now|funciona|ça (?:marche|fonctionne)|"
    r"marche (?:maintenant|bien)|fonctionne (?:maintenant|bien)|funktioniert (?:jetzt|wieder|nun)|geht jetzt|"
    r"(?:už )?funguje|já funciona|funziona)\b",
)
_NEGATED_STRONG = Cue(("not", "n't", "nicht", "ne ", "no ", "nefunguje"),
                      r"\b(?:not|n't|nicht|ne|no|nefunguje)\b[^.!?\n]{0,12}\b(?:work|working|works|funciona|"
                      r"marche|fonctionne|funktioniert|funguje)\b")
_WEAK_RE = re.compile(
    r"^\W*(?:great|nice|nicde|perfect|awesome|excellent|fantastic|phenomenal|cool|thanks|thank you|thx|good|super|"
    r"brilliant|amazing|wonderful|love it|looks good|lgtm|parfait|génial|merci|très bien|tres bien|genial|perfecto|"
    r"gracias|danke|prima|díky|výborně|grazie|obrigado|ótimo|ok(?:ay)?[,.!]? (?:good|great|nice|perfect|thanks))\b"
)
_STILL = Cue(("still", "again", "same", "keep", "continue", "toujours", "encore", "sigue", "todavía", "aún",
              "immer noch", "noch immer", "wieder", "furt", "pořád", "stále", "ainda", "ancora", "опять", "ещё", "еще"),
             r"\b(?:still|again|same|keeps?|continues?|toujours|encore|sigue|todavía|aún|immer noch|noch immer|"
             r"wieder|furt|pořád|stále|ainda|ancora|опять|всё ещё|все еще)\b")
_ABANDON = Cue(
    ("never", "forget", "drop", "abandon", "scrap", "gave up", "give up", "not need", "matter", "leave it", "undid",
     "revert", "rolled", "undo", "don't do", "dont do", "laisse", "oublie", "olvíd", "déjalo", "vergiss", "nevadí",
     "zapomeň"),
    r"\b(?:never ?mind|forget (?:it|about it|that|this|the)|let'?s (?:drop|abandon|scrap|forget) (?:it|this|that)|"
    r"drop (?:it|this|that) (?:for now|approach)|(?:i|we) (?:gave|give) up|not (?:needed|necessary) any ?more|"
    r"doesn'?t matter|leave it (?:for now|as is)|i (?:undid|reverted|rolled back)|revert (?:it|that|this|the changes?)|"
    r"undo (?:it|that|this|the changes?|your changes)|don'?t do anything (?:related|about)|laisse tomber|oublie|"
    r"olvídalo|déjalo|vergiss es|nevadí|zapomeň)\b",
)
_WORKAROUND = Cue(
    ("work", "instead", "alternativ", "another", "different", "fall", "skip", "bypass", "lugar", "place",
     "stattdessen", "místo"),
    r"\b(?:work ?around|workaround|instead|alternativ(?:e|ely)|another (?:way|approach)|different approach|"
    r"fall ?back|skip (?:it|this|that|the)|bypass|en su lugar|à la place|stattdessen|místo toho)\b",
)
# Everything a person message is read for, behind one scan of its triggers.
_MESSAGE = Cues(*_USER_FAILURE_CUES, _ERROR_WORD, _STILL, _STRONG, _NEGATED_STRONG, _ABANDON, _WORKAROUND)
_FAILURE_AT = frozenset(range(len(_USER_FAILURE_CUES)))
_ERROR_AT, _STILL_AT, _STRONG_AT, _NEGATED_AT, _ABANDON_AT, _AROUND_AT = range(len(_USER_FAILURE_CUES),
                                                                               len(_USER_FAILURE_CUES) + 6)
_CLAUSE_BREAK_RE = re.compile(r"[,;:]")
MAX_USER_WORDS = 80  # past this a message is a spec or a paste: only its opening sentences are read
_OPENING = 3
_LIST_OR_CODE_RE = re.compile(r"^\s*(?:[-*+•]\s|\d{1,3}[.)]\s|#{1,6}\s|[{}()\[\];<]|(?:return|const|let|var|def|import|"
                              r"export|if|else|await|throw|raise)\b)|[;{}]\s*$|=>")
_SCAN_CHARS = 4000


def sentences(text: str) -> Iterator[tuple[int, str]]:
    """``(offset, sentence)`` for each sentence of ``text`` outside code fences (bounded scan)."""
    text = text[:_SCAN_CHARS]
    fences = Fences(text)
    start = 0
    for boundary in _BOUNDARY_RE.finditer(text):
        end = boundary.start() + (1 if text[boundary.start()] in ".!?" else 0)
        yield from _sentence(text, fences, start, end)
        start = boundary.end()
    yield from _sentence(text, fences, start, len(text))


def _sentence(text: str, fences: Fences, start: int, end: int) -> Iterator[tuple[int, str]]:
    sentence = text[start:end].strip()
    if sentence and not fences.inside(start) and not sentence.startswith(("```", "~~~", ">", "|")):
        yield start, sentence


def _reported(sentence: str, match: re.Match[str]) -> bool:
    before = sentence[: match.start()]
    clause = _CLAUSE_BREAK_RE.split(before)[-1]
    return _REQUIREMENT_RE.search(clause) is None and _NOT_A_REPORT_RE.search(sentence) is None


def user_failures(text: str, limit: int = 2) -> list[str]:
    """Sentences of a user message reporting, in words, that something failed (at most ``limit``).

    Lists, headings and code lines are skipped (a spec's "- it must not crash" is a rule, not a
    report); past ``MAX_USER_WORDS`` words only the opening sentences are read.
    """
    head = text[:_SCAN_CHARS]
    return _user_failures(head, _MESSAGE.present(head.lower()), limit)


def _user_failures(head: str, present: set[int], limit: int) -> list[str]:
    candidates = present & _FAILURE_AT
    if not candidates and _ERROR_AT not in present:
        return []
    words = head.count(" ") + head.count("\n") + 1
    found: list[str] = []
    for number, (_, sentence) in enumerate(sentences(head)):
        if words > MAX_USER_WORDS and number >= _OPENING:
            break
        if _LIST_OR_CODE_RE.search(sentence):
            continue
        lowered = sentence.lower()
        match = _MESSAGE.first(lowered, candidates) if candidates else None
        if match is None and words <= 25 and _STILL.search(lowered):
            match = _ERROR_WORD.search(lowered)  # "error again", "still the error"
        if match is not None and _reported(lowered, match) and "?" not in lowered[: match.start()][-3:]:
            found.append(sentence)
            if len(found) >= limit:
                break
    return found


@dataclass(frozen=True)
class Reading:
    """What one person message says about failures, read once."""

    reports: tuple[str, ...]  # sentences reporting a failure in words
    still: bool  # "still", "again", "same ..."
    confirmed: str  # "strong", "weak" or ""
    abandons: bool  # "never mind", "I undid your changes"
    around: bool  # "instead", "skip it"


def read_message(text: str, with_reports: bool = True) -> Reading:
    """``Reading`` of a person message (``with_reports`` False: it already carries pasted error lines)."""
    head = text[:_SCAN_CHARS]
    lowered = head.lower()
    present = _MESSAGE.present(lowered)
    reports = tuple(_user_failures(head, present, 2)) if with_reports else ()
    opening = lowered[:600]
    if _MESSAGE.found(_STRONG_AT, opening, present) and not _MESSAGE.found(_NEGATED_AT, opening, present):
        confirmed = "strong"
    else:
        confirmed = "weak" if _WEAK_RE.search(opening) else ""
    return Reading(reports, _MESSAGE.found(_STILL_AT, opening, present), confirmed,
                   _MESSAGE.found(_ABANDON_AT, lowered[:800], present),
                   _MESSAGE.found(_AROUND_AT, lowered[:1500], present))


def assistant_failures(text: str, limit: int = 2) -> list[str]:
    """Sentences where the assistant states that something still fails or could not be fixed."""
    found: list[str] = []
    for _, sentence in sentences(text):
        lowered = sentence.lower()
        match = _ASSISTANT_CUES.first(lowered)
        if match is None:
            continue
        clause = _CLAUSE_BREAK_RE.split(lowered[: match.start()])[-1]
        if _ASSISTANT_GUARD_RE.search(clause) is None and not sentence.rstrip().endswith("?") \
                and _PRE_EXISTING_RE.search(lowered) is None:
            found.append(sentence)
            if len(found) >= limit:
                break
    return found


def confirmation(text: str) -> str:
    """``"strong"`` (it works / is fixed), ``"weak"`` (an approving opening only) or ``""``."""
    return _confirmation(text[:600].lower())


def _confirmation(head: str) -> str:
    if _STRONG.search(head) and not _NEGATED_STRONG.search(head):
        return "strong"
    if _WEAK_RE.search(head):
        return "weak"
    return ""


def says_still(text: str) -> bool:
    return _STILL.search(text[:600].lower()) is not None


def says_abandon(text: str) -> bool:
    return _ABANDON.search(text[:800].lower()) is not None


def says_workaround(text: str) -> bool:
    return _WORKAROUND.search(text[:1500].lower()) is not None


# The assistant saying that what still fails is not from this work: the error stands, but it is
# not the next thing to fix, and the sentence itself is not a new failure.
_PRE_EXISTING_RE = re.compile(
    r"\b(?:pre-?existing|already (?:there|present|existed|failing|broken) before|were already (?:there|failing)|"
    r"existed before|unrelated to (?:our|these|this|my|the) (?:changes?|work|edits?|feature)|"
    r"not (?:caused|introduced) by (?:our|these|this|my|the) (?:changes?|edits?|work))\b"
)


def says_pre_existing(text: str) -> bool:
    return _PRE_EXISTING_RE.search(text.lower()) is not None
