"""Every item a crate's docs list has a summary of its own: not empty or only its name, no
sentence twice, and no opening sentence it shares with another item (a doc comment on a grouped
`pub use` is prepended to each item's own docs, which then all open with the group's comment).

Usage: python3 .ci/doc-summaries.py target/doc/currents/index.html [more pages or folders]
"""
import collections
import html
import pathlib
import re
import sys

ITEM = re.compile(
    r'<dt><a class="(\w+)" href="([^"]+)"[^>]*>(.*?)</a>.*?</dt>(?:<dd>(.*?)</dd>)?', re.S
)


def summaries(root):
    root = pathlib.Path(root)
    pages = [root] if root.is_file() else sorted(root.rglob("index.html"))
    for page in pages:
        # The module's path: the page's folders below rustdoc's `doc` folder.
        parts = page.resolve().parent.parts
        module = "::".join(parts[len(parts) - parts[::-1].index("doc"):])
        for kind, _, name, desc in ITEM.findall(page.read_text()):
            name = re.sub(r"<[^>]+>", "", name)
            text = html.unescape(re.sub(r"<[^>]+>", "", desc or "")).strip()
            yield f"{module}::{name}", kind, " ".join(text.split())


def first_sentence(text):
    return re.split(r"(?<=[.!?])\s+", text, maxsplit=1)[0]


def main(roots):
    found = [item for root in roots for item in summaries(root)]
    if not found:
        sys.exit(f"no items in {roots}: build the docs first")
    problems = []
    by_text = collections.defaultdict(list)
    for path, kind, text in found:
        if not text or text == path.split("::")[-1]:
            problems.append(f"{path} ({kind}): no summary of its own ({text!r})")
            continue
        sentences = [s.strip() for s in re.split(r"(?<=[.!?])\s+", text) if s.strip()]
        if len(sentences) != len(set(sentences)):
            problems.append(f"{path} ({kind}): a sentence twice: {text}")
        by_text[first_sentence(text)].append(path)
    for text, paths in by_text.items():
        names = {p.split("::")[-1] for p in paths}
        if len(names) > 1:
            problems.append(f"{len(names)} items open with one sentence ({', '.join(paths)}): {text}")
    for problem in problems:
        print(problem)
    print(f"{len(found)} items, {len(problems)} problems")
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main(sys.argv[1:])
