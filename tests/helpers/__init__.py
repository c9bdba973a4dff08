"""Provides helpers shared by several test folders: fake provider HTTP, TUI waits."""
