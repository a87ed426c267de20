"""What a path is: its normalised form, whether a token names a file at all, and its kind.

Design: pure functions on strings, shared by ``mentions`` (which tokens of prose are files)
and ``files`` (one fact per file).

* ``normal_path(raw)``: ``\\`` read as ``/`` (a backslash before ``_`` or ``*`` inside a
  ``/`` path is a Markdown escape and dropped), ``./`` and ``x/..`` folded, ``/mnt/c/`` (WSL)
  read as ``c:/``, a drive letter lower-cased; case otherwise kept (``A.md`` and ``a.md``
  are two files on most systems). ``~/`` expands when the home folder is known, and a path
  under the project root becomes relative to it (``files`` decides the root).
* ``is_file_mention(token)``: a token of prose names a file only when it has a file name (an
  extension with a letter, a dotfile, or a known name such as ``Makefile``) and is none of:
  a URL or host path, an API endpoint or route (``/api/users``, ``GET /users/:id``), a glob,
  a package (``@types/node``), a placeholder (``path/to/x``, ``...``), a framework or tool
  name shaped like a file (``next.js``, ``llama.cpp``, Apache's ``mod_rewrite.c``), a double extension alone
  (``tar.gz``) or a file type alone (``.tsx``), a minified or content-hashed bundle
  (``vendor.min.js``, ``shared-83657f5bea.js``), a device (``/dev/null``), a log or temporary
  file (``*.log``, ``/tmp/``, ``.npm/_logs``, a harness's ``tool-results``), or code of a
  dependency or the system
  (``node_modules``, ``site-packages``, ``/usr/lib``). ``is_route`` tells the endpoints and
  routes apart: they are anchors, not files.
* ``path_kind(path)``: the kind a reader can act on, from the path alone: test, config, docs,
  styles, migration, script, entry point, CI workflow, dependency manifest, lockfile, data,
  agent instructions, build config, image, build output; "" for ordinary source.
"""

from __future__ import annotations

import re
from functools import lru_cache

_ESCAPE_RE = re.compile(r"\\(?=[_*])")  # Markdown escapes models write in file names: account\_.tsx
_WSL_RE = re.compile(r"^/mnt/([a-zA-Z])(?=/|$)")
_DRIVE_RE = re.compile(r"^([A-Za-z]):(?=/|$)")
HOME_RE = re.compile(r"^(?:/home/[^/]+|/Users/[^/]+|/root|[a-z]:/users/[^/]+)(?=/|$)", re.IGNORECASE)
_SEPARATOR_RE = re.compile(r"[/\\]")
_VARIABLE_RE = re.compile(r"(?:^|[/\\])%?\$?[A-Z_]{2,}%(?:[/\\]|$)|(?:^|[/\\])\$[A-Z_][A-Z0-9_]*(?:[/\\]|$)")
_BUNDLE_RE = re.compile(r"\.min\.(?:js|css|mjs)$|[.-][0-9a-f]{8,}(?:\.chunk)?\.(?:js|css|mjs|map)$", re.IGNORECASE)
_DOTFILES = frozenset({".env", ".htaccess", ".npmrc", ".nvmrc", ".babelrc", ".eslintrc", ".prettierrc", ".editorconfig",
                       ".gitignore", ".dockerignore", ".gitattributes", ".profile", ".bashrc", ".zshrc"})
_APACHE_MODULE_RE = re.compile(r"mod_\w+\.c")  # <IfModule mod_rewrite.c>: a server module, no file
_MODULE_RE = re.compile(r"[a-z_][a-z0-9_]*(?:\.[a-z_][a-z0-9_]*){2,}")

KNOWN_NAMES = frozenset(
    {"Makefile", "makefile", "GNUmakefile", "Dockerfile", "Containerfile", "LICENSE", "LICENCE", "COPYING", "NOTICE",
     "README", "CHANGELOG", "AUTHORS", "CONTRIBUTING", "CODEOWNERS", "Procfile", "Gemfile", "Rakefile", "Podfile",
     "Brewfile", "Vagrantfile", "Jenkinsfile", "Justfile", "justfile", "Caddyfile", "Pipfile", "Snakefile", "BUILD",
     "WORKSPACE", "Tiltfile", "go.mod", "go.sum", "go.work"}
)
_FRAMEWORKS = frozenset(
    {"next.js", "node.js", "vue.js", "nuxt.js", "express.js", "three.js", "chart.js", "d3.js", "react.js", "angular.js",
     "ember.js", "backbone.js", "socket.io", "deno.js", "p5.js", "alpine.js", "commander.js", "nest.js", "solid.js",
     "svelte.js", "htmx.org", "moment.js", "pixi.js", "phaser.js", "ethers.js", "web3.js", "anime.js", "fabric.js",
     "leaflet.js", "babylon.js", "llama.cpp", "whisper.cpp", "ggml.cpp", "bun.sh", "vite.js", "preact.js",
     "mongoose.js", "sequelize.js", "knockout.js", "jquery.js", "tailwind.css", "bootstrap.css", "asp.net", "vb.net",
     "ado.net"}
)
_COMMON_EXTENSIONS = ("py js ts tsx jsx md json yml yaml toml txt html css c h cpp go rs java rb php sh sql xml csv "
                      "lock zip gz tar bz2 xz 7z rar tgz pdf png jpg svg exe dll so bin")
_EXTENSION_WORDS = frozenset(_COMMON_EXTENSIONS.split())
_SOURCE_EXTENSIONS = (  # file types a bare name in prose may end with (``vite.config.ts``, ``rules.mdc``)
    "py pyi ipynb js mjs cjs ts mts cts tsx jsx vue svelte astro md mdx mdc rst adoc txt json jsonc json5 "
    "jsonl yml yaml toml ini cfg conf env properties xml html htm css scss sass less styl c h cc cpp cxx "
    "hpp hh go rs java kt kts scala groovy gradle swift m mm cs fs vb rb erb php pl pm lua dart ex exs "
    "erl hrl hs elm clj cljs r jl nim zig sol vy sh bash zsh fish ps1 bat cmd sql prisma graphql gql "
    "proto tf tfvars hcl nix dockerfile mk cmake lock csv tsv parquet db sqlite pdf png jpg jpeg gif svg "
    "webp ico tscn tres gd gdshader unity prefab uxml uss tex bib cls sty ejs hbs njk jinja j2 liquid pug "
    "twig vim el"
)
FILE_EXTENSIONS = frozenset(_SOURCE_EXTENSIONS.split())
_TLDS = frozenset(
    "com org net io dev app ai co uk de fr ch me sh gg tv info biz edu gov us ca eu xyz tech site".split()  # noqa: SIM905
)
_NOT_PROJECT_SEGMENTS = frozenset(
    {"node_modules", "site-packages", "dist-packages", ".venv", "venv", "__pycache__", ".git", "_logs", "tool-results",
     ".pytest_cache", ".mypy_cache", ".ruff_cache", ".cache", ".npm", ".yarn", ".pnpm-store", ".gradle", ".m2",
     ".cargo", ".rustup", ".nuget", "go/pkg/mod", ".local"}
)
_SYSTEM_PREFIXES = ("/dev/", "/proc/", "/sys/", "/tmp/", "/var/tmp/", "/var/folders/", "/private/", "/usr/", "/lib/",
                    "/lib64/", "/bin/", "/sbin/", "/nix/", "/snap/", "/System/", "/Library/", "/opt/homebrew/",
                    "/Applications/")
_ROUTE_ROOTS = ("/dev/", "/proc/", "/sys/", "/tmp/", "/var/", "/usr/", "/etc/", "/home/", "/Users/", "/opt/", "/mnt/",
                "/bin/", "/lib/", "/nix/", "/root/", "/private/", "/System/", "/Library/", "/Volumes/", "/workspace")


_LINE_SUFFIX_RE = re.compile(r"(?<=\w):\d+(?::\d+)?$")
_MENTION_PREFIX_RE = re.compile(r"^(?:@/|[A-Za-z]{0,12}@(?=[^/@\s]+\.\w+$))")


def clean_token(token: str) -> str:
    """A path token as prose writes it, without a ``:line`` suffix or an editor's ``@`` mention mark."""
    raw = _LINE_SUFFIX_RE.sub("", token.strip().strip("`'\""))
    return _MENTION_PREFIX_RE.sub("", raw)


@lru_cache(maxsize=16384)  # pure; the same spellings come back for every event and mention
def normal_path(raw: str, unescape: bool = False) -> str:
    """``raw`` with ``/`` separators, ``.`` and ``..`` folded, WSL and drive prefixes read alike."""
    path = _LINE_SUFFIX_RE.sub("", raw.strip().strip("`'\""))
    if unescape or "/" in path and "\\" in path:
        path = _ESCAPE_RE.sub("", path)
    path = path.replace("\\", "/")
    path = _WSL_RE.sub(lambda m: m.group(1).lower() + ":", path)
    path = _DRIVE_RE.sub(lambda m: m.group(1).lower() + ":", path)
    parts: list[str] = []
    for segment in path.split("/"):
        if segment in ("", "."):
            continue
        if segment == ".." and parts and parts[-1] not in ("..", "~") and not parts[-1].endswith(":"):
            parts.pop()
            continue
        parts.append(segment)
    joined = "/".join(parts)
    return "/" + joined if path.startswith("/") else joined


def is_absolute(path: str) -> bool:
    """A normalised path that names its place from the file system's root (or the home folder)."""
    return path.startswith(("/", "~")) or re.match(r"^[a-z]:(?:/|$)", path) is not None


def tail(raw: str, segments: int, escapes: bool = False) -> str:
    """The last ``segments`` segments of ``raw`` exactly as written (a verbatim substring).

    ``escapes``: a backslash before ``_`` or ``*`` is a Markdown escape, not a separator (always
    so in a path that also uses ``/``).
    """
    text = _LINE_SUFFIX_RE.sub("", raw.strip().strip("`'\""))
    escapes = escapes or "/" in text
    cut = len(text)
    for _ in range(segments):
        cut = max(text.rfind("/", 0, cut), _separator_backslash(text, cut, escapes))
        if cut < 0:
            return text
    return text[cut + 1 :]


def distinct_tails(paths: list[str], among: list[str] | None = None, most: int = 4) -> list[str]:
    """Each path by its shortest tail (up to ``most`` segments) that no other path of ``among``
    (default: ``paths``) shares.

    ``+page.svelte`` twice in one list says nothing; ``login/+page.svelte`` and ``[id]/+page.svelte`` do.
    """
    others = paths if among is None else among
    shown = []
    for path in paths:
        segments = 1
        while segments < most and any(tail(other, segments).lower() == tail(path, segments).lower()
                                      for other in others if normal_path(other) != normal_path(path)):
            segments += 1
        shown.append(tail(path, segments))
    return shown


def _separator_backslash(text: str, end: int, escapes: bool) -> int:
    """The last backslash before ``end`` that separates folders."""
    cut = text.rfind("\\", 0, end)
    while escapes and cut >= 0 and cut + 1 < len(text) and text[cut + 1] in "_*":
        cut = text.rfind("\\", 0, cut)
    return cut


def file_name(path: str) -> str:
    return _SEPARATOR_RE.split(path.rstrip("/\\"))[-1]


def has_file_name(path: str) -> bool:
    """An extension with a letter (``a.py``, not ``python3.11``), a dotfile, or a known name."""
    name = file_name(path)
    if name in KNOWN_NAMES or name.split(".", 1)[0] in KNOWN_NAMES:
        return True
    stem, dot, extension = name.rpartition(".")
    if not dot:
        return False
    if not stem:
        return len(extension) >= 2  # a dotfile: .env, .gitignore, .htaccess
    return extension[:1].isalpha() and len(extension) <= 10 and extension.isalnum()  # not post.llm_client


def is_harness_path(path: str) -> bool:
    """Logs, temporary files and code of dependencies or the system: never project files."""
    normal = normal_path(path)
    lower = normal.lower()
    if lower.endswith(".log") or normal.startswith(_SYSTEM_PREFIXES) or "/appdata/local/temp/" in lower:
        return True
    segments = normal.split("/")
    return any(segment in _NOT_PROJECT_SEGMENTS for segment in segments) or "go/pkg/mod/" in normal


@lru_cache(maxsize=8192)
def is_route(token: str) -> bool:
    """An API endpoint, URL path or app route (``/api/users``, ``/users/:id``, ``/sitemap.xml``): an
    anchor, not a file."""
    if not token.startswith("/") or token.startswith(_ROUTE_ROOTS) or len(token) < 3:
        return False
    if token.count("/") == 1:
        return True  # /robots.txt: nothing lives at the file system's root, a site does
    if re.search(r"/:\w|\{\w+\}", token):
        return True
    return token.startswith("/api/") or not has_file_name(token)


@lru_cache(maxsize=8192)  # a pure test on a string; prose repeats its paths
def is_file_mention(token: str) -> bool:
    """True when a path-shaped token of prose names a file (see the module docstring for what does not)."""
    raw = clean_token(token)
    if not raw or "://" in raw or re.match(r"^[a-z][a-z0-9+.-]*:", raw) and not re.match(r"^[A-Za-z]:[/\\]", raw):
        return False  # URLs, oil:/file: schemes (a drive letter is fine)
    if any(c in raw for c in "*?{}<>|") or raw.startswith(("-", "@")) or _VARIABLE_RE.search(raw):
        return False  # globs, placeholders, variables, suffix patterns, packages
    if is_route(raw) or not has_file_name(raw) or is_harness_path(raw):
        return False
    normal = normal_path(raw)
    name = file_name(normal)
    if name.lower() in _FRAMEWORKS or _APACHE_MODULE_RE.fullmatch(name) or _BUNDLE_RE.search(name):
        return False  # a framework, a server module, a minified or content-hashed bundle
    if name.startswith(".") and name.count(".") == 1 and name[1:].lower() in FILE_EXTENSIONS \
            and name.lower() not in _DOTFILES:
        return False  # ".tsx": a file type, no file
    if "path/to/" in normal or "/.../" in f"/{normal}/" or "/…/" in f"/{normal}/":
        return False  # placeholders
    stem, _, extension = name.lower().rpartition(".")
    if stem in _EXTENSION_WORDS and extension in _EXTENSION_WORDS and name not in KNOWN_NAMES:
        return False  # tar.gz, json.md: an extension named, not a file
    if "/" not in normal and len(stem) == 1 and len(extension) == 1:
        return False  # "9 a.m.", "i.e.": abbreviations
    if "/" not in normal and _MODULE_RE.fullmatch(name) and extension not in _EXTENSION_WORDS:
        return False  # app.models.user: a module in dotted form
    first = normal.split("/", 1)[0]  # example.com/robots.txt: a URL without its scheme
    return not ("/" in normal and "." in first.strip(".") and first.rsplit(".", 1)[-1].lower() in _TLDS)


_KIND_RULES: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (kind, re.compile(pattern, re.IGNORECASE)) for kind, pattern in (
        ("build output", r"^(?:dist|build|out|target|\.next|\.nuxt|\.svelte-kit|coverage)/"),
        ("CI workflow", r"(?:^|/)(?:\.github/workflows/[^/]+|\.gitlab-ci\.ya?ml|\.circleci/[^/]+|"
                        r"azure-pipelines\.ya?ml|Jenkinsfile|\.travis\.ya?ml|bitbucket-pipelines\.ya?ml|\.drone\.ya?ml)$"),
        ("lockfile", r"(?:^|/)(?:package-lock\.json|npm-shrinkwrap\.json|yarn\.lock|pnpm-lock\.ya?ml|poetry\.lock|"
                     r"Pipfile\.lock|Cargo\.lock|Gemfile\.lock|composer\.lock|go\.sum|uv\.lock|bun\.lockb?|mix\.lock|"
                     r"flake\.lock|packages\.lock\.json|[^/]+\.lock)$"),
        ("dependency manifest", r"(?:^|/)(?:package\.json|requirements[\w.-]*\.(?:txt|in)|pyproject\.toml|setup\.py|"
                                r"setup\.cfg|Pipfile|Cargo\.toml|go\.mod|Gemfile|pom\.xml|build\.gradle(?:\.kts)?|"
                                r"[^/]+\.(?:csproj|fsproj|vbproj|gemspec)|composer\.json|environment\.ya?ml|"
                                r"idf_component\.ya?ml|pubspec\.yaml|mix\.exs|Package\.swift|vcpkg\.json|"
                                r"conanfile\.txt|deno\.jsonc?)$"),
        ("agent instructions", r"(?:^|/)(?:CLAUDE\.md|AGENTS\.md|GEMINI\.md|CONVENTIONS\.md|\.cursorrules|"
                               r"\.windsurfrules|\.clinerules|copilot-instructions\.md|[^/]*instructions[^/]*\.md|"
                               r"\.cursor/rules/[^/]+|[^/]+\.mdc)$"),
        ("migration", r"(?:^|/)(?:migrations?|alembic/versions|db/migrate|migrate)/[^/]+$"),
        ("test config", r"(?:^|/)(?:pytest\.ini|conftest\.py|tox\.ini|noxfile\.py|(?:jest|vitest|playwright|cypress|"
                        r"karma|mocha)\.config\.\w+|\.mocharc\.\w+|phpunit\.xml(?:\.dist)?)$"),
        ("test", r"(?:^|/)(?:tests?|__tests__|spec|specs|e2e)/|(?:^|/)test_[^/]+\.\w+$|_test\.\w+$|"
                 r"\.(?:test|spec)\.\w+$|(?:Test|Tests|Spec)\.(?:java|kt|cs|swift|php)$|_spec\.rb$"),
        ("entry point", r"(?:^|/)(?:main|__main__|manage|wsgi|asgi|run|app|server|Program|Main)\."
                        r"(?:py|js|ts|mjs|cjs|jsx|tsx|go|rs|c|cc|cpp|java|kt|cs|rb|php|swift|dart|exs?|lua)$|"
                        r"^(?:src/)?index\.(?:js|ts|jsx|tsx|mjs|html|php)$"),
        ("script", r"\.(?:sh|bash|zsh|fish|ps1|psm1|bat|cmd)$|(?:^|/)(?:scripts|bin)/[^/]+$"),
        ("styles", r"\.(?:css|scss|sass|less|styl|pcss)$"),
        ("build config", r"(?:^|/)(?:Makefile|makefile|GNUmakefile|CMakeLists\.txt|[^/]+\.cmake|meson\.build|BUILD|"
                         r"WORKSPACE|Dockerfile|Containerfile|docker-compose[\w.-]*\.ya?ml|compose\.ya?ml|Justfile|"
                         r"justfile|Taskfile\.ya?ml|(?:webpack|rollup|vite|esbuild|tsup|babel|turbo)\.config\.\w+|"
                         r"turbo\.json|nx\.json|Procfile)$"),
        ("config", r"\.(?:ini|cfg|conf|toml|ya?ml|properties|env|plist)$|(?:^|/)\.env(?:\.[\w-]+)?$|"
                   r"(?:^|/)(?:tsconfig[\w.-]*\.json|jsconfig\.json|\.eslintrc[\w.]*|eslint\.config\.\w+|"
                   r"\.prettierrc[\w.]*|prettier\.config\.\w+|\.babelrc|\.editorconfig|\.gitignore|\.gitattributes|"
                   r"\.dockerignore|\.npmrc|\.nvmrc|\.htaccess|robots\.txt|[^/]+\.config\.\w+|appsettings[\w.]*\.json|"
                   r"settings\.py|config\.\w+|sdkconfig[\w.]*|\.gitmodules|nginx\.conf|web\.config)$|(?:^|/)config/"),
        ("docs", r"\.(?:md|mdx|rst|adoc|txt)$|(?:^|/)(?:README|CHANGELOG|LICEN[CS]E|COPYING|NOTICE|AUTHORS|"
                 r"CONTRIBUTING)(?:\.\w+)?$|(?:^|/)docs?/"),
        ("data", r"\.(?:csv|tsv|jsonl|ndjson|parquet|xlsx?|db|sqlite3?|npy|npz|pkl|h5|feather|arrow)$|"
                 r"(?:^|/)(?:data|fixtures|seeds?)/"),
        ("image", r"\.(?:png|jpe?g|gif|svg|webp|ico|bmp|avif)$"),
    )
)


def path_kind(path: str) -> str:
    """The first kind whose rule the (normalised) path matches, "" when none does."""
    for kind, rule in _KIND_RULES:
        if rule.search(path):
            return kind
    return ""
