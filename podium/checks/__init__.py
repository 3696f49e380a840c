"""Checks over a built course: links, code samples and more."""
