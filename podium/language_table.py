"""The code languages Podium knows: their names, fence labels, file names and Pygments lexers."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Language:
    """One language a code block can be written in."""

    name: str
    """Canonical name, used as the key of the validator table."""
    aliases: tuple[str, ...]
    """Lower-case fence labels that mean this language (the name itself is implied)."""
    filenames: tuple[str, ...]
    """Shell-style patterns of file base names, matched case-insensitively (at most one `*`)."""
    lexer: str
    """The Pygments lexer alias used to highlight it."""


def _lang(name: str, aliases: str, filenames: str, lexer: str = "") -> Language:
    return Language(name, tuple(aliases.split()), tuple(filenames.split()), lexer or name)


LANGUAGES: tuple[Language, ...] = (
    _lang("python", "py python3 py3", "*.py *.pyw"),
    _lang("pycon", "python-console", ""),
    _lang("requirements", "pip pip-requirements requirements.txt",
          "requirements*.txt constraints*.txt", "text"),
    _lang("dockerfile", "docker containerfile",
          "Dockerfile Dockerfile.* *.dockerfile Containerfile", "docker"),
    _lang("compose", "docker-compose",
          "docker-compose*.yml docker-compose*.yaml compose.yml compose.yaml compose.*.yml "
          "compose.*.yaml", "yaml"),
    _lang("kubernetes", "k8s kube", "", "yaml"),
    _lang("yaml", "yml", "*.yml *.yaml"),
    _lang("json", "", "*.json"),
    _lang("toml", "", "*.toml Pipfile Cargo.lock poetry.lock"),
    _lang("shell", "sh bash zsh ksh", "*.sh *.bash *.zsh .bashrc .profile", "bash"),
    _lang("console", "shell-session sh-session shellsession terminal", "", "console"),
    _lang("powershell", "ps1 pwsh", "*.ps1"),
    _lang("dotenv", "env", ".env *.env", "bash"),
    _lang("ignore", "gitignore dockerignore", ".gitignore .dockerignore", "text"),
    _lang("makefile", "make mk", "Makefile GNUmakefile *.mk", "make"),
    _lang("ini", "cfg", "*.ini *.cfg"),
    _lang("nginx", "", "nginx.conf"),
    _lang("javascript", "js node mjs cjs", "*.js *.mjs *.cjs"),
    _lang("typescript", "ts", "*.ts"),
    _lang("html", "htm", "*.html *.htm"),
    _lang("css", "", "*.css"),
    _lang("go", "golang", "*.go go.mod"),
    _lang("java", "", "*.java"),
    _lang("groovy", "jenkinsfile", "Jenkinsfile *.groovy"),
    _lang("terraform", "tf hcl", "*.tf", "hcl"),
    _lang("sql", "", "*.sql"),
    _lang("xml", "", "*.xml"),
    _lang("markdown", "md", "*.md"),
    _lang("diff", "patch", "*.diff *.patch"),
    _lang("text", "txt plain plaintext none output", "*.txt *.log", "text"),
)
"""Every language Podium knows by name; others are passed on to Pygments as they are."""

BY_NAME = {lang.name: lang for lang in LANGUAGES}
"""Canonical name -> language."""
BY_ALIAS = {alias: lang for lang in LANGUAGES for alias in (lang.name, *lang.aliases)}
"""Lower-case fence label -> language."""
