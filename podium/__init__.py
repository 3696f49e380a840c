"""Podium: build, present, serve and check a course written as remark.js Markdown slides."""
