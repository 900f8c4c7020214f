"""counterclaim: a ledger of who claims what in an information war."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("counterclaim")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0.0.0+src"

__all__ = ["__version__"]
