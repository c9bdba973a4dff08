"""Provides ``SCREENS``, the main screens as app modes: name -> (number key, title).

Its own module so the app (bindings, mode factories) and the nav bar both read it without
importing each other.
"""

from __future__ import annotations

# mode name -> (key, title); the order is the order of the number keys and the nav bar.
SCREENS: dict[str, tuple[str, str]] = {
    "people": ("1", "People"),
    "notes": ("2", "Notes"),
    "evidence": ("3", "Evidence"),
    "draft": ("4", "Draft"),
    "export": ("5", "Export"),
    "settings": ("6", "Settings"),
}
