"""Adapters: the outside world behind small functions.

Each module wraps one outside thing (a library with global state, a process, an HTTP API)
behind a plain function the services pass into the pure core, so ``core`` never imports it
and a test can hand the core a stub instead.
"""
