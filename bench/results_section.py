"""Writes one `## ` section of bench/RESULTS.md, replacing an earlier one with the same heading
(shared by bench/serve.py, bench/watch.py and bench/soak.py; bench.py keeps its own marked sections)."""

import os

RESULTS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "RESULTS.md")


def replace_section(heading, section, path=RESULTS):
    """Puts `section` (which starts with `heading`) where the old one was, or at the end."""
    with open(path) as f:
        text = f.read()
    if heading in text:
        start = text.index(heading)
        rest = text.find("\n## ", start + len(heading))
        # a blank line before the next section, as markdown headings want
        text = text[:start] + section.rstrip("\n") + ("\n\n" + text[rest + 1:] if rest != -1 else "\n")
    else:
        text = text.rstrip("\n") + "\n\n" + section
    with open(path, "w") as f:
        f.write(text)
