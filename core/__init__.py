"""hrher2-aid core: the decision, its evidence and its documents. Qt-free zone."""

__version__ = "0.1.0"
