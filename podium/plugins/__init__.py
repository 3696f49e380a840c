"""remark.js syntax as markdown-it-py plugins."""
