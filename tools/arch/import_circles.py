#!/usr/bin/env python3
"""Prints the import circles of src/: files that reach each other through `crate::`, `super::` and
`self::` paths (in `use` trees and inline), as strongly connected components of the file graph,
largest first.

usage: tools/arch/import_circles.py [--max N]
  --max N  exit 1 when the largest circle holds more than N files (CI keeps it from growing).
"""
import re
import sys
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src"


def module_of(path: Path) -> tuple:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    if parts[-1] == "mod" or parts == ["lib"] or parts == ["main"]:
        parts = parts[:-1]
    return tuple(parts)


def use_paths(tree: str, prefix: str = ""):
    """Expands a `use` tree (`a::{b, c::{d}}`) into full paths."""
    tree = tree.strip()
    depth, start = 0, None
    for i, ch in enumerate(tree):
        if ch == "{":
            if depth == 0:
                start = i
            depth += 1
        elif ch == "}":
            depth -= 1
            if depth == 0:
                head = tree[:start]
                parts, d, last = [], 0, start + 1
                for j in range(start + 1, i):
                    c = tree[j]
                    d += c == "{"
                    d -= c == "}"
                    if c == "," and d == 0:
                        parts.append(tree[last:j])
                        last = j + 1
                parts.append(tree[last:i])
                for p in parts:
                    if p.strip():
                        yield from use_paths(p, prefix + head)
                return
    yield prefix + tree.split(" as ")[0].strip()


def main() -> int:
    files = sorted(SRC.rglob("*.rs"))
    modules = {module_of(f): f for f in files}
    edges = {f: set() for f in files}
    for f in files:
        text = re.sub(r"//[^\n]*", "", f.read_text(encoding="utf-8"))
        # Unit tests (an inline `mod tests` at the end) are not part of the module's doors, and
        # their `super::` means the file itself.
        text = re.split(r"#\[cfg\(test\)\]\s*mod\s+\w+\s*\{", text)[0]
        here = module_of(f)
        paths = []
        for stmt in re.findall(r"\buse\s+([^;]+);", text):
            paths.extend(use_paths(stmt))
        paths.extend(m.group(0) for m in re.finditer(r"\b(?:crate|super|self)(?:::\w+)+", text))
        for p in paths:
            segs = [s for s in p.replace(" ", "").split("::") if s]
            if not segs or segs[0] not in ("crate", "super", "self"):
                continue
            base, rest = list(here), segs
            if rest[0] == "crate":
                base, rest = [], rest[1:]
            while rest and rest[0] in ("super", "self"):
                if rest[0] == "super":
                    base = base[:-1]
                rest = rest[1:]
            target = None
            for n in range(len(rest), -1, -1):
                candidate = tuple(base + rest[:n])
                if candidate in modules:
                    target = modules[candidate]
                    break
            if target and target != f:
                edges[f].add(target)
    # Tarjan's strongly connected components.
    index, low, stack, on, comps, counter = {}, {}, [], set(), [], [0]
    sys.setrecursionlimit(10000)

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in edges[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            comps.append(comp)

    for v in files:
        if v not in index:
            visit(v)
    circles = sorted((c for c in comps if len(c) > 1), key=len, reverse=True)
    print(f"{len(files)} files, {len(circles)} import circles; largest: {len(circles[0]) if circles else 0} files")
    for c in circles:
        print(f"- {len(c)} files: " + ", ".join(sorted(str(p.relative_to(SRC)) for p in c)))
    limit = None
    if "--max" in sys.argv:
        limit = int(sys.argv[sys.argv.index("--max") + 1])
    if limit is not None and circles and len(circles[0]) > limit:
        print(f"the largest import circle holds {len(circles[0])} files, more than {limit}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
