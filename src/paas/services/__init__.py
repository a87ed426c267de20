"""Use cases, one function each: load via store, decide via core, save via store.

Every function takes the SQLAlchemy ``session`` of the caller's transaction and, where time
matters, ``now``. None of them commits: the door that opened the transaction does.
"""
