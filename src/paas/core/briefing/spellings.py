"""One key per file from the many ways a transcript spells its path.

Design: ``Spellings(log, written)`` decides the project root once (the agent's ``cwd`` unless
it is a bare home folder; else the prefix an absolute path has in front of a relative path
already known; else, for an agent started in a home folder, the folder holding every file its
tools touched), then answers ``tool_key(raw)`` for paths the tools gave and ``word_key(raw)``
for paths people wrote. Written paths join the one known path they end with (``x.py`` ->
``src/x.py``, ``a/src/x.py`` of a diff header, ``../../lib/x.py`` of an import, an absolute
``/static/app.js`` -> ``web/static/app.js``) unless two paths end that way; two paths from tools
are never joined by their endings. A Windows spelling whose backslash is a Markdown escape
(``account\\_.tsx``) takes the key another spelling of the same file has. Keys are computed
once per spelling.
"""

from __future__ import annotations

from collections import Counter

from paas.core.briefing.actions import ActionLog
from paas.core.briefing.paths import HOME_RE, is_absolute, is_harness_path, normal_path


def _endings(keys: set[str], proper: bool) -> dict[str, set[str]]:
    """Every ending of each key (by segments; ``proper``: not the whole key) -> the keys ending so."""
    endings: dict[str, set[str]] = {}
    for key in keys:
        parts = key.split("/")
        for i in range(1 if proper else 0, len(parts)):
            endings.setdefault("/".join(parts[i:]), set()).add(key)
    return endings


class Spellings:
    """Spellings of paths -> one key per file (see the module docstring for the root rules)."""

    def __init__(self, log: ActionLog, word_paths: list[str]) -> None:
        self._keys: dict[tuple[str, bool], str] = {}
        self.root = ""
        tool_paths = list(dict.fromkeys(p for e in log.file_events for p in (e.path, e.to) if p))
        cwd = normal_path(log.cwd) if log.cwd else ""
        home_match = HOME_RE.match(cwd) if cwd else None
        self.home = home_match.group(0) if home_match else ""
        if not self.home:
            homes = Counter(m.group(0) for p in tool_paths if (m := HOME_RE.match(normal_path(p))))
            self.home = homes.most_common(1)[0][0] if homes else ""
        self.root = cwd if cwd and cwd != self.home else ""
        if not self.root:
            self.root = self._inferred_root(tool_paths, word_paths, started_at_home=bool(cwd))
        self._keys.clear()  # keys depend on the root: none is kept from before it was known
        self.known = {self._key(p) for p in tool_paths + word_paths}
        self.tool_keys = {self._unescaped(p) for p in tool_paths}
        written = {p: self._written(p) for p in word_paths}
        endings = _endings(self.tool_keys | {k for k in written.values() if not is_absolute(k)}, proper=False)
        self.pre_keys = {p: self._joined_absolute(k, endings) for p, k in written.items()}
        everything = self.tool_keys | set(self.pre_keys.values())
        proper_suffixes = _endings(everything, proper=True)
        anchors = {k for k in everything if k in self.tool_keys or k not in proper_suffixes}
        self.owners = {suffix: {k for k in keys if k in anchors} for suffix, keys in proper_suffixes.items()}
        self.known = everything

    def _expand(self, raw: str, unescape: bool = False) -> str:
        key = normal_path(raw, unescape)
        if self.home and (key == "~" or key.startswith("~/")):
            key = self.home + key[1:]
        return key

    def _key(self, raw: str, unescape: bool = False) -> str:
        cached = self._keys.get((raw, unescape))
        if cached is not None:
            return cached
        key = self._expand(raw, unescape)
        root = self.root
        if root and key.startswith(root + "/"):
            key = key[len(root) + 1 :]
        self._keys[(raw, unescape)] = key
        return key

    def _inferred_root(self, tool_paths: list[str], word_paths: list[str], started_at_home: bool) -> str:
        expanded = [self._expand(p) for p in tool_paths + word_paths]
        relative = {k for k in expanded if not is_absolute(k)}
        votes: Counter[str] = Counter()
        for key in expanded:
            if not is_absolute(key):
                continue
            parts = key.split("/")
            for i in range(1, len(parts) - 1):  # the longest known relative ending of two segments or more
                if "/".join(parts[i:]) in relative:
                    votes["/".join(parts[:i])] += 1
                    break
        if votes:
            return votes.most_common(1)[0][0]
        if not started_at_home:
            return ""
        touched = [self._expand(p) for p in tool_paths if not is_harness_path(p)]
        folders = [k.split("/")[:-1] for k in touched if self.home and k.startswith(self.home + "/")]
        if not folders:
            return ""
        common: list[str] = []
        for level in zip(*folders, strict=False):
            if any(part != level[0] for part in level):
                break
            common.append(level[0])
        root = "/".join(common)
        return root if len(root) > len(self.home) else ""

    def plain_key(self, raw: str) -> str:
        """The key of a spelling read as written (a backslash always a separator)."""
        return self._key(raw)

    def _unescaped(self, raw: str) -> str:
        """A Windows spelling whose backslash is a Markdown escape (``account\\_.tsx``) takes the key
        another spelling of the same file has."""
        key = self._key(raw)
        if "\\" in raw and "/" not in raw:
            alternative = self._key(raw, unescape=True)
            if alternative != key and alternative in self.known:
                return alternative
        return key

    def tool_key(self, raw: str) -> str:
        return self._unescaped(raw)

    def _written(self, raw: str) -> str:
        """A written path's key; ``../../x`` (an import from elsewhere) known only by its ending."""
        key = self._unescaped(raw)
        while key.startswith("../"):
            key = key[3:]
        return key

    @staticmethod
    def _joined_absolute(key: str, endings: dict[str, set[str]]) -> str:
        """An absolute written path (outside the root) whose last two segments or more end exactly one
        known relative path is that path (``/static/js/app.js`` -> ``web/static/js/app.js``)."""
        if not is_absolute(key):
            return key
        parts = key.split("/")
        for i in range(1, len(parts) - 1):
            owners = endings.get("/".join(parts[i:]), set())
            if owners:
                return next(iter(owners)) if len(owners) == 1 else key
        return key

    def word_key(self, raw: str) -> str:
        key = self.pre_keys.get(raw) or self._joined_absolute(self._written(raw), {})
        if key.startswith(("a/", "b/")) and (key[2:] in self.known or len(self.owners.get(key[2:], ())) == 1):
            key = key[2:]  # a side of a diff header
        if key in self.tool_keys:
            return key
        owners = self.owners.get(key, set()) - {key}
        return next(iter(owners)) if len(owners) == 1 else key
