#!/usr/bin/env python3
"""Fails when the documentation points at something that is not there.

Checked, in every Markdown file git tracks (README.md, docs/*.md, the DocC articles under
Sources/*/Documentation.docc/, the other READMEs):
  - relative links and images, [text](path) and [label]: path, must name an existing file or folder;
    a #fragment must name a heading of the target Markdown file (GitHub's anchor rules);
  - in README.md, docs/, Examples/ and the DocC catalogs, repository paths in code voice (`Sources/...`,
    `Tests/...`, `docs/...`, ...) must exist, unless they are placeholders (<target>, *, {…}) or git
    ignores them (build folders); other READMEs may name paths of other repositories;
and in Swift sources, tests and scripts, every docs/<name>.md they mention must exist.

DocC's own links (<doc:...>, ``Symbol``) are checked by DocC: Scripts/check-docs.sh.

Usage: Scripts/check-links.py [--root DIR]; exit status 0 when every link resolves, 1 otherwise.
"""
import argparse
import os
import re
import subprocess
import sys
from functools import lru_cache

# Top-level folders of the repository that a path in code voice may start with.
REPOSITORY_FOLDERS = (
    "Sources/", "Tests/", "Scripts/", "docs/", "Examples/", "TestVectors/", "Benchmarks/", "Fuzz/", ".ci/",
)
FENCE = re.compile(r"^\s*(```|~~~)")
INLINE_LINK = re.compile(r"!?\[(?:[^\[\]]|\[[^\]]*\])*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
REFERENCE_DEFINITION = re.compile(r"^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s+.*)?$")
CODE_SPAN = re.compile(r"(`+)(.+?)\1")
HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
DOCS_MENTION = re.compile(r"\bdocs/[A-Za-z0-9_.-]+\.md\b")
# Where code-voice paths name this repository's files.
CODE_VOICE_SCOPE = re.compile(r"^(README\.md|docs/|Examples/|Sources/[^/]+/[^/]+\.docc/)")


def github_anchor(heading):
    """The anchor GitHub gives a heading: lower case, punctuation dropped, spaces to hyphens."""
    text = re.sub(r"`([^`]*)`", r"\1", heading)
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)
    text = text.strip().lower()
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


@lru_cache(maxsize=None)
def anchors_of(path):
    anchors, seen = set(), {}
    in_fence = False
    with open(path, encoding="utf-8") as file:
        for line in file:
            if FENCE.match(line):
                in_fence = not in_fence
                continue
            if in_fence:
                continue
            match = HEADING.match(line)
            if match:
                anchor = github_anchor(match.group(2))
                count = seen.get(anchor, 0)
                seen[anchor] = count + 1
                anchors.add(anchor if count == 0 else f"{anchor}-{count}")
    return anchors


def tracked_files(root, *patterns):
    output = subprocess.run(
        ["git", "-C", root, "ls-files", "--cached", "--others", "--exclude-standard", "--", *patterns],
        check=True, capture_output=True, text=True,
    ).stdout
    return sorted({line for line in output.splitlines() if os.path.exists(os.path.join(root, line))})


def is_ignored(root, path):
    return subprocess.run(["git", "-C", root, "check-ignore", "-q", "--", path]).returncode == 0


def check_target(root, source, target, problems, where):
    """One relative link target, as written in `source` (a path relative to root)."""
    path, _, fragment = target.partition("#")
    if path:
        resolved = os.path.normpath(os.path.join(os.path.dirname(os.path.join(root, source)), path))
        if not os.path.exists(resolved):
            problems.append(f"{where}: {target}: no such file")
            return
    else:
        resolved = os.path.join(root, source)
    if fragment and resolved.endswith(".md") and os.path.isfile(resolved):
        if fragment.lower() not in anchors_of(resolved):
            problems.append(f"{where}: {target}: no heading with the anchor #{fragment}")


def check_markdown(root, source, problems):
    check_code_voice = bool(CODE_VOICE_SCOPE.match(source))
    in_fence = False
    with open(os.path.join(root, source), encoding="utf-8") as file:
        lines = file.readlines()
    for number, line in enumerate(lines, start=1):
        where = f"{source}:{number}"
        if FENCE.match(line):
            in_fence = not in_fence
            continue
        if in_fence:
            continue
        spans = [match.group(2).strip() for match in CODE_SPAN.finditer(line)]
        prose = CODE_SPAN.sub("", line)
        targets = [match.group(1) for match in INLINE_LINK.finditer(prose)]
        definition = REFERENCE_DEFINITION.match(prose)
        if definition:
            targets.append(definition.group(1))
        for target in targets:
            if re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", target) or target.startswith("//"):
                continue  # https:, mailto:, doc: (DocC checks its own links)
            check_target(root, source, target, problems, where)
        for span in spans if check_code_voice else []:
            if not span.startswith(REPOSITORY_FOLDERS) or re.search(r"[<>*{}…\s|$]", span):
                continue
            candidate = span.rstrip("/")
            if os.path.exists(os.path.join(root, candidate)):
                continue
            if not is_ignored(root, candidate) and not is_ignored(root, candidate + "/"):
                problems.append(f"{where}: `{span}`: no such file in the repository")


def check_code_mentions(root, source, problems):
    with open(os.path.join(root, source), encoding="utf-8", errors="replace") as file:
        for number, line in enumerate(file, start=1):
            for mention in DOCS_MENTION.findall(line):
                if not os.path.exists(os.path.join(root, mention)):
                    problems.append(f"{source}:{number}: {mention}: no such file")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
    root = os.path.normpath(parser.parse_args().root)
    problems = []
    markdown = tracked_files(root, "*.md")
    for source in markdown:
        check_markdown(root, source, problems)
    code = tracked_files(root, "Sources", "Tests", "Scripts", ".ci", "Benchmarks", "Fuzz", "Package.swift")
    for source in code:
        if not source.endswith(".md"):
            check_code_mentions(root, source, problems)
    for problem in problems:
        print(problem, file=sys.stderr)
    catalogs = sum(1 for source in markdown if ".docc/" in source)
    print(f"check-links: {len(markdown)} Markdown files ({catalogs} in DocC catalogs) and {len(code)} other files, "
          f"{len(problems)} dead link{'s' if len(problems) != 1 else ''}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
