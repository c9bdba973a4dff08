"""Provides review and export: the edit gate, human edits, the $EDITOR round trip and exports.

The rules live here, in the core; the CLI and the TUI both go through them. Nothing in this
package imports a UI.
"""
