"""Write each module README's Inputs and Outputs tables from its variables.tf and outputs.tf.

    .venv/bin/python tools/module_docs.py                # rewrite the tables of every modules/*/README.md
    .venv/bin/python tools/module_docs.py --check        # exit 1 naming each README whose tables are stale
    .venv/bin/python tools/module_docs.py modules/kms    # only the modules named (or their files)

A table lives between `<!-- begin inputs ... -->` and `<!-- end inputs -->` (and the same with
`outputs`); the rest of the README is the author's. The Terraform is read with python-hcl2 (as
`orchestrator/changes.py` reads it): types and defaults are shown as written in HCL, on one line.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hcl2.api import parses, transform
from lark import Tree

REPO_ROOT = Path(__file__).resolve().parent.parent
REGENERATE = ".venv/bin/python tools/module_docs.py"
INPUT_COLUMNS = ("Name", "Description", "Type", "Default", "Required")
OUTPUT_COLUMNS = ("Name", "Description")
_OPENERS = "{(["
_CLOSERS = "})]"
_ROW_NAME = re.compile(r"\| `([^`]+)` \|")


@dataclass(frozen=True)
class Variable:
    name: str
    description: str
    type: str | None  # HCL as written; None when the variable has no type (any)
    default: str | None  # HCL as written; None when there is no default (required)


@dataclass(frozen=True)
class Output:
    name: str
    description: str


def one_line(hcl: str) -> str:
    """HCL on one line: comments dropped, whitespace collapsed, line breaks between elements as ', '."""
    out: list[str] = []
    pending = ""  # whitespace seen since the last character written: "", " " or "\n"
    quote = False
    i = 0
    while i < len(hcl):
        char = hcl[i]
        if quote:
            out.append(char)
            quote = not (char == '"' and hcl[i - 1] != "\\")
        elif char == "#" or hcl.startswith("//", i):
            i = hcl.find("\n", i) if "\n" in hcl[i:] else len(hcl)
            continue
        elif char.isspace():
            pending = "\n" if "\n" in (pending, char) else " "
        else:
            if char in _CLOSERS and out and out[-1] == ",":
                out.pop()  # a trailing comma before a line break and the closing bracket
            out.append(_separator(out[-1] if out else "", pending, char) + char)
            pending, quote = "", char == '"'
        i += 1
    return "".join(out)


def _separator(before: str, pending: str, after: str) -> str:
    if not before or not pending:
        return ""
    if before[-1] in "([" or after in ")]":
        return ""
    if pending == "\n" and before[-1] not in _OPENERS + "," and after not in _CLOSERS:
        return ", "
    return " "


def _code(text: str) -> str:
    """A code span for a table cell (GitHub reads `\\|` inside it as a pipe that does not end the cell)."""
    text = text.replace("|", "\\|")
    return f"`` {text} ``" if "`" in text else f"`{text}`"


def _escape(line: str) -> str:
    """Prose escaped for markdown (backslash, `*`, `<`, `|`); code spans left as written but for `|`."""
    parts = line.split("`")
    return "`".join(
        re.sub(r"([\\*<|])", r"\\\1", part) if i % 2 == 0 else part.replace("|", "\\|") for i, part in enumerate(parts)
    )


def markdown_cell(description: str) -> str:
    """A description as one table cell: code spans kept, markdown specials escaped, lines as <br>."""
    lines: list[str] = []
    for line in description.strip().splitlines():
        if lines and line[:1].isspace():
            lines[-1] += " " + line.strip()
        else:
            lines.append(line.strip())
    return "<br>".join(_escape(line) for line in lines)


def _blocks(path: Path, kind: str) -> Iterator[tuple[str, dict[str, Any], dict[str, str]]]:
    """(name, decoded attributes, attributes as written) of each top-level `kind` block of a file."""
    text = path.read_text(encoding="utf-8")
    tree = parses(text)
    decoded = iter(transform(tree).get(kind, []))
    for block in tree.children[0].children:
        if not isinstance(block, Tree) or block.data != "block" or block.children[0].children[0] != kind:
            continue
        [(name, attributes)] = next(decoded).items()
        written = {
            str(attribute.children[0].children[0]): text[
                attribute.children[-1].meta.start_pos : attribute.children[-1].meta.end_pos
            ]
            for attribute in block.children[-1].children
            if isinstance(attribute, Tree) and attribute.data == "attribute"
        }
        yield name, attributes, written


def read_variables(path: Path) -> list[Variable]:
    return [
        Variable(
            name=name,
            description=str(attributes.get("description", "")),
            type=one_line(written["type"]) if "type" in written else None,
            default=one_line(written["default"]) if "default" in written else None,
        )
        for name, attributes, written in _blocks(path, "variable")
    ]


def read_outputs(path: Path) -> list[Output]:
    return [Output(name, str(attributes.get("description", ""))) for name, attributes, _ in _blocks(path, "output")]


def _table(columns: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    lines = ["| " + " | ".join(columns) + " |", "|" + "|".join("---" for _ in columns) + "|"]
    return "\n".join(lines + ["| " + " | ".join(row) + " |" for row in rows])


def inputs_table(variables: Sequence[Variable]) -> str:
    return _table(
        INPUT_COLUMNS,
        [
            (
                _code(v.name),
                markdown_cell(v.description),
                _code(v.type or "any"),
                "n/a" if v.default is None else _code(v.default),
                "yes" if v.default is None else "no",
            )
            for v in variables
        ],
    )


def outputs_table(outputs: Sequence[Output]) -> str:
    return _table(OUTPUT_COLUMNS, [(_code(o.name), markdown_cell(o.description)) for o in outputs])


def _section(kind: str) -> re.Pattern[str]:
    return re.compile(rf"(<!-- begin {kind}\b[^\n]*-->\n)(.*?)(<!-- end {kind} -->)", re.DOTALL)


def _shown(path: Path) -> str:
    absolute = path.resolve()
    return str(absolute.relative_to(REPO_ROOT)) if absolute.is_relative_to(REPO_ROOT) else str(path)


def render(module: Path, readme_text: str) -> tuple[str, list[str]]:
    """The README with its tables rewritten, and what was wrong with the old ones (empty: current)."""
    tables = {
        "inputs": inputs_table(read_variables(module / "variables.tf")) if (module / "variables.tf").exists() else "",
        "outputs": outputs_table(read_outputs(module / "outputs.tf")) if (module / "outputs.tf").exists() else "",
    }
    problems: list[str] = []
    for kind, table in tables.items():
        match = _section(kind).search(readme_text)
        if match is None:
            problems.append(f"no `<!-- begin {kind} -->` ... `<!-- end {kind} -->` markers")
            continue
        if match.group(2).strip() != table.strip():
            problems.append(f"{kind} {_difference(match.group(2), table)}")
        readme_text = readme_text[: match.start(2)] + (table + "\n" if table else "") + readme_text[match.end(2) :]
    return readme_text, problems


def _difference(old: str, new: str) -> str:
    old_rows, new_rows = _rows(old), _rows(new)
    missing = [name for name in new_rows if name not in old_rows]
    stale = [name for name in old_rows if name not in new_rows]
    changed = [name for name in new_rows if name in old_rows and old_rows[name] != new_rows[name]]
    said = [
        f"{label}: {', '.join(names)}"
        for label, names in (("missing", missing), ("not in the Terraform", stale), ("changed", changed))
        if names
    ]
    return "; ".join(said) or "table layout differs"


def _rows(table: str) -> dict[str, str]:
    return {match.group(1): line for line in table.splitlines() if (match := _ROW_NAME.match(line))}


def modules(arguments: Sequence[str]) -> list[Path]:
    """The module directories named (a file names its directory: what a pre-commit hook passes), or all."""
    if arguments:
        named = (Path(argument) for argument in arguments)
        return list(dict.fromkeys(path.parent if path.is_file() else path for path in named))
    return sorted(readme.parent for readme in (REPO_ROOT / "modules").glob("*/README.md"))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--check", action="store_true", help="change nothing; exit 1 naming each stale README")
    parser.add_argument(
        "modules", nargs="*", help="module directories or files in them (default: every modules/* with a README.md)"
    )
    args = parser.parse_args(argv)
    stale = unmarked = 0
    for module in modules(args.modules):
        readme = module / "README.md"
        text = readme.read_text(encoding="utf-8") if readme.exists() else ""
        rendered, problems = render(module, text)
        if not problems:
            continue
        stale += 1
        unmarked += any(problem.startswith("no ") for problem in problems)
        print(f"{_shown(readme)}: {'; '.join(problems)}", file=sys.stderr if args.check else sys.stdout)
        if not args.check and rendered != text:
            readme.write_text(rendered, encoding="utf-8")
    if args.check and stale:
        print(f"{stale} README(s) stale: run {REGENERATE}", file=sys.stderr)
    return 1 if unmarked or (args.check and stale) else 0


if __name__ == "__main__":
    sys.exit(main())
