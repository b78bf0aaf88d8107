"""The naming helpers moved to `kg.names` (below both extract and link); this module keeps the
old import path working."""

import kg.names
from kg.names import *  # noqa: F403


def __getattr__(name: str):
    return getattr(kg.names, name)
