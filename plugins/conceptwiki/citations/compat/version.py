"""The citeproc-py version this layer was written for, checked at run time.

The element classes subclass citeproc-py's and override methods that
citeproc-py calls by name, with its arguments; another version may render
differently, or fail, without any error saying why. So the version must be
exactly :data:`REQUIRED_CITEPROC_VERSION` (``pyproject.toml`` pins it), and
:func:`check_citeproc_version` (called when a citation engine is created)
says what to do otherwise.
"""
from __future__ import annotations

from importlib import metadata

__all__ = ["REQUIRED_CITEPROC_VERSION", "CiteprocVersionError", "check_citeproc_version",
           "installed_citeproc_version"]

#: The citeproc-py release this layer was written against and tested with.
REQUIRED_CITEPROC_VERSION = "0.11.1"


class CiteprocVersionError(RuntimeError):
    """The installed citeproc-py is not the one this layer was written for (message: one line)."""


def installed_citeproc_version() -> str | None:
    """The version of the installed citeproc-py distribution (None: not installed)."""
    try:
        return metadata.version("citeproc-py")
    except metadata.PackageNotFoundError:
        return None


def check_citeproc_version() -> None:
    """Raise :class:`CiteprocVersionError` unless citeproc-py is exactly the required version."""
    installed = installed_citeproc_version()
    if installed == REQUIRED_CITEPROC_VERSION:
        return
    found = f"citeproc-py {installed} is installed" if installed else "citeproc-py is not installed"
    raise CiteprocVersionError(
        f"{found}, but conceptwiki's citations need exactly citeproc-py {REQUIRED_CITEPROC_VERSION} "
        f"(its compatibility layer subclasses that version's classes): "
        f"run `pip install citeproc-py=={REQUIRED_CITEPROC_VERSION}` or `make install`"
    )
