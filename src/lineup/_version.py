"""lineup's version, in a module of its own so that no module inside the package imports the root."""

__version__ = "0.1.0"
