"""The words a person uses to lay down a rule, in the languages people write to coding agents in.

Design: people write to agents in their own language (the corpus holds Spanish, French, Czech
and Turkish sessions), and a rule there says "jamais", "asla", "musí" where an English one says
"never" or "must". Two tiers per language:

* ``STRONG``: the words of an obligation or a prohibition (never, always, must, make sure,
  forbidden, mandatory); a sentence holding one is a rule;
* ``WEAK``: words that often carry a rule but as often a plain request (only, without, keep,
  I want / I need, should).

Each list is plain words joined into one regex; words of scripts without spaces (Chinese,
Japanese) match anywhere, the others on word boundaries. ``NEEDLES`` are the lower-cased
literals a turn must contain before a regex looks at it.
"""

from __future__ import annotations

import re

_ENGLISH_STRONG = (r"don[’']?t", "do not", "never", "always", r"must(?:n[’']?t)?", "make sure", "avoid",
                   "nothing else", "no need", "under no circumstances", "at all times")
_ENGLISH_WEAK = ("only", r"should(?:n[’']?t| not)?", "keep", "without", "i (?:want|prefer|need)(?! to\\b)", "needs? to",
                 "has to", "have to", "please use")
# Obligations and prohibitions; verbs in the forms people type to an assistant (imperative, 3rd person).
_OTHER_STRONG = (
    # French
    "jamais", "toujours", "doit", "doivent", "il faut", "assure-toi", "assurez-vous", "interdit", "obligatoire",
    "ne (?:modifie|touche|change|supprime)",
    # Spanish, Portuguese, Italian
    "nunca", "siempre", "sempre", "debe", "deben", "deve", "devem", "devono", "hay que", "asegúrate", "asegurate",
    "certifique-se", "assicurati", "no (?:toques|cambies|modifiques|borres)", "não (?:mude|altere|toque|apague)",
    "non (?:toccare|cambiare|modificare)", "prohibido", "proibido", "vietato",
    # German, Dutch
    "niemals", "immer", "muss", "müssen", "darf nicht", "dürfen nicht", "stelle sicher", "achte darauf",
    "nooit", "altijd", "moet", "moeten", "zorg dat",
    # Czech, Polish
    "nikdy", "vždy", "vždycky", "musí", "musíš", "nesmí", "nesmíš", "nigdy", "zawsze", "musi", "upewnij się",
    # Turkish
    "asla", "her zaman", "kesinlikle", "zorunlu", "yasak", "yasaktır", "mutlaka", "olmalı", "olmamalı",
    # Russian, Ukrainian
    "никогда", "всегда", "должен", "должна", "должны", "нельзя", "обязательно", "не (?:трогай|меняй|удаляй)",
    "завжди", "ніколи",
)
_OTHER_WEAK = (
    "uniquement", "seulement", "sans", "garde", "gardez", "conserve", "solo", "sólo", "únicamente", "sin",
    "apenas", "somente", "sem", "soltanto", "senza", "mantén", "mantenha", "mantieni", "nur", "ohne", "keine",
    "behalte", "alleen", "zonder", "jen", "pouze", "bez", "potřebuju", "potřebuji", "chci", "tylko", "sadece",
    "yalnızca", "только", "без", "тільки",
)
_NO_SPACE_STRONG = ("必须", "不要", "禁止", "一定要", "永远", "总是", "必ず", "禁止", "しないで", "してはいけない")
_NO_SPACE_WEAK = ("只", "だけ")


def _alternation(words: tuple[str, ...]) -> str:
    return "|".join(words)


_LABEL = r"\b(?:constraints?|requirements?|rules?|kural|règle|regla|regel|pravidlo)\s*:"
STRONG_RE = re.compile(
    rf"\b(?:{_alternation(_ENGLISH_STRONG + _OTHER_STRONG)})\b|{_alternation(_NO_SPACE_STRONG)}|{_LABEL}",
    re.IGNORECASE,
)
ANY_RE = re.compile(
    rf"\b(?:{_alternation(_ENGLISH_STRONG + _ENGLISH_WEAK + _OTHER_STRONG + _OTHER_WEAK)})\b|"
    rf"{_alternation(_NO_SPACE_STRONG + _NO_SPACE_WEAK)}|{_LABEL}",
    re.IGNORECASE,
)


def _needle(word: str) -> str:
    """A literal every match of ``word`` contains (its text up to the first regex syntax)."""
    literal = re.split(r"[(\[?\\]", word, maxsplit=1)[0]
    return literal.lower().replace("’", "")[:6].rstrip() or word[:2]


_LABEL_WORDS = {"constraint", "requirement", "rule", "kural", "règle", "regla", "regel", "pravidlo"}
NEEDLES: tuple[str, ...] = tuple(sorted(
    {_needle(w) for w in _ENGLISH_STRONG + _ENGLISH_WEAK + _OTHER_STRONG + _OTHER_WEAK if not w.startswith("i ")}
    | {"want", "prefer", "need"} | set(_NO_SPACE_STRONG + _NO_SPACE_WEAK) | _LABEL_WORDS
))
