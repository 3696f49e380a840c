#!/usr/bin/env python3
"""Podium: `python build.py build|serve|check|pdf` (see `python build.py --help`)."""

import sys

from podium.cli import run

if __name__ == "__main__":
    run(sys.argv[1:])
