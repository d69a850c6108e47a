#!/usr/bin/env python
"""Django's command-line utility for Producer Studio."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "producer_site.settings")
    try:
        from django.core.management import execute_from_command_line

        execute_from_command_line(sys.argv)
    except KeyboardInterrupt:
        # Ctrl-C is how `make run` is stopped, at any moment (even while Django starts):
        # a quiet exit, not a traceback that reads like a crash.
        sys.exit(130)


if __name__ == "__main__":
    main()
