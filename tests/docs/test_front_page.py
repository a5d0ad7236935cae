"""The README stays a front page: short, with a map of every document under docs/, and every relative
link of the repository's Markdown leads to a file that exists and, for `#anchor`, to a heading in it."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from tests.conftest import REPO_ROOT

README = REPO_ROOT / "README.md"
DOCS = REPO_ROOT / "docs"
FRONT_PAGE_MAX_LINES = 200
NOT_DOCUMENTATION = {".git", ".venv", ".venv-checkov", ".orchestrator", "node_modules", ".pytest_cache", ".mypy_cache"}
FENCE = re.compile(r"^\s*(`{3,}|~{3,})")
HEADING = re.compile(r"^#{1,6}\s+(.*?)\s*#*\s*$")
LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")
CODE_SPAN = re.compile(r"`+[^`]*`+")


def _markdown_files() -> list[Path]:
    return sorted(
        path
        for path in REPO_ROOT.rglob("*.md")
        if not NOT_DOCUMENTATION.intersection(path.relative_to(REPO_ROOT).parts[:-1])
    )


def _prose_lines(path: Path) -> list[str]:
    """The file's lines outside fenced code blocks (where `#` and `[...](...)` are not Markdown)."""
    lines, fence = [], ""
    for line in path.read_text(encoding="utf-8").splitlines():
        opening = FENCE.match(line)
        if opening and not fence:
            fence = opening.group(1)
        elif fence and line.strip().startswith(fence[0] * len(fence)) and not line.strip().strip(fence[0]):
            fence = ""
        elif not fence:
            lines.append(line)
    return lines


def _slug(heading: str) -> str:
    """GitHub's anchor of a heading: its rendered text, lower case, without punctuation, spaces as hyphens."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", heading).replace("`", "")
    return re.sub(r"[^\w\- ]", "", text.strip().lower()).replace(" ", "-")


def _anchors(path: Path) -> set[str]:
    """Every heading's anchor; a repeated one gets -1, -2, ... as GitHub numbers them."""
    seen: Counter[str] = Counter()
    anchors = set()
    for line in _prose_lines(path):
        heading = HEADING.match(line)
        if heading:
            slug = _slug(heading.group(1))
            anchors.add(f"{slug}-{seen[slug]}" if seen[slug] else slug)
            seen[slug] += 1
    return anchors


def _relative_links(path: Path) -> list[str]:
    links = []
    for line in _prose_lines(path):
        links += LINK.findall(CODE_SPAN.sub("", line))
    return [link for link in links if not re.match(r"^[a-z][a-z0-9+.-]*:", link, re.IGNORECASE)]


def test_the_readme_is_a_front_page() -> None:
    lines = README.read_text(encoding="utf-8").splitlines()
    assert len(lines) < FRONT_PAGE_MAX_LINES, (
        f"README.md has {len(lines)} lines: details belong in docs/ (the README links to them)"
    )


def test_the_readme_links_every_document_under_docs() -> None:
    linked = {(README.parent / link.split("#")[0]).resolve() for link in _relative_links(README)}
    documents = sorted(DOCS.glob("*.md"))
    assert documents, "docs/ holds the documentation the README points to"
    assert [doc.name for doc in documents if doc.resolve() not in linked] == []


def test_the_doc_map_helpers_read_markdown_as_github_does(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text(
        "# Title\n## The test suite's time and the full apply\n## Configuration: `envs/<env>/env.yaml`\n"
        "### local (default)\n## Title\n```markdown\n## not a heading [x](missing.md)\n```\n"
        "[a](#title-1) `[b](in-code.md)` [c](https://example.com/x.md) [d](other.md#x)\n",
        encoding="utf-8",
    )
    assert _anchors(page) == {
        "title",
        "the-test-suites-time-and-the-full-apply",
        "configuration-envsenvenvyaml",
        "local-default",
        "title-1",
    }
    assert _relative_links(page) == ["#title-1", "other.md#x"]


def _broken(document: Path, links: list[str]) -> list[str]:
    broken = []
    for link in links:
        target, _, anchor = link.partition("#")
        path = (document.parent / target).resolve() if target else document
        if not path.exists():
            broken.append(f"{link}: no file {path}")
        elif anchor and path.suffix == ".md" and anchor not in _anchors(path):
            broken.append(f"{link}: no heading with that anchor in {path.relative_to(REPO_ROOT)}")
    return broken


def _into_front_page_or_docs(document: Path, link: str) -> bool:
    target = (document.parent / link.partition("#")[0]).resolve()
    return target == README.resolve() or DOCS.resolve() in target.parents


@pytest.mark.parametrize("document", [README, *sorted(DOCS.glob("*.md"))], ids=lambda path: path.name)
def test_every_relative_link_leads_to_a_file_and_heading_that_exist(document: Path) -> None:
    assert _broken(document, _relative_links(document)) == []


def test_the_other_documents_links_to_the_readme_and_docs_lead_to_a_heading_that_exists() -> None:
    """Module, stack and seed code READMEs that point at a section of the README or of docs/."""
    broken = []
    for document in _markdown_files():
        links = [link for link in _relative_links(document) if _into_front_page_or_docs(document, link)]
        broken += [f"{document.relative_to(REPO_ROOT)}: {problem}" for problem in _broken(document, links)]
    assert broken == []
