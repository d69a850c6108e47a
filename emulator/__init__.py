"""Offline emulator of the Producer API."""
