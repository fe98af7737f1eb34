#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""lint_checks.py DIR: every test script below DIR keeps each assertion
inside its check.

A check helper (check, expect_*) reports only the command it is given, so in
`check NAME A && B` nothing ever looks at B, in `COND && check ...` the check
silently does not run when COND fails, and in `check ... | CMD` the counts
are kept by a subshell and lost.  Bash itself lays each script out (as the
body of a function that is never called: `declare -f`), so continuation
lines and layout hide no case; quoted text and here-documents are blanked
before the patterns are applied."""
import pathlib
import re
import subprocess
import sys

HELPER = r"(?:check|expect_[a-z_]+)\b"
# A check helper starting a command, then its arguments up to `&&` or a pipe.
AFTER = re.compile(r"(?:^|[;({!]|\bthen|\bdo|\belse)\s*" + HELPER +
                   r"[^;&|]*(?:&&|\|(?!\|))")
# `&&` or `||` right before a check helper: the check may not run at all.
BEFORE = re.compile(r"(?:&&|\|\|)\s*" + HELPER)
HEREDOC = re.compile(r"<<-?\s*(['\"]?)([A-Za-z_]\w*)\1")


def laid_out(path):
    """The script as `declare -f` prints it, or None if bash cannot parse it."""
    prog = 'b=$(<"$1"); eval "__lint() {\n$b\n}" && declare -f __lint'
    run = subprocess.run(["bash", "-c", prog, "lint", str(path)],
                         capture_output=True, text=True)
    return run.stdout if run.returncode == 0 else None


def skip_single(s, i):
    """Index after the '...' or $'...' string whose quote is at s[i]."""
    ansi = i > 0 and s[i - 1] == "$"
    i += 1
    while i < len(s) and s[i] != "'":
        i += 2 if ansi and s[i] == "\\" else 1
    return i + 1


def skip_double(s, i):
    """Index after the "..." string opening at s[i] (with $(...) inside)."""
    i += 1
    while i < len(s) and s[i] != '"':
        if s[i] == "\\":
            i += 2
        elif s.startswith("$(", i):
            i = skip_subst(s, i + 2)
        else:
            i += 1
    return i + 1


def skip_subst(s, i):
    """Index after the ')' closing a $( whose body starts at s[i]."""
    depth = 1
    while i < len(s):
        c = s[i]
        if c == "\\":
            i += 2
            continue
        if c == '"':
            i = skip_double(s, i)
            continue
        if c == "'":
            i = skip_single(s, i)
            continue
        depth += (c == "(") - (c == ")")
        i += 1
        if depth == 0:
            break
    return i


def blanked(s):
    """s with every quoted string turned into "" and here-documents dropped."""
    out, i, pending = [], 0, []
    while i < len(s):
        c = s[i]
        if c == "\\":
            out.append(s[i:i + 2])
            i += 2
        elif c in "'\"":
            i = skip_single(s, i) if c == "'" else skip_double(s, i)
            out.append('""')
        elif s.startswith("<<", i) and not s.startswith("<<<", i):
            m = HEREDOC.match(s, i)
            if m:
                pending.append(m.group(2))
                i = m.end()
            else:
                out.append(c)
                i += 1
        elif c == "\n" and pending:
            out.append(c)
            i += 1
            for word in pending:  # drop the bodies, keep the lines' count
                while i < len(s):
                    end = s.find("\n", i)
                    end = len(s) if end < 0 else end
                    line = s[i:end].lstrip("\t")
                    out.append("\n")
                    i = end + 1
                    if line == word:
                        break
            pending = []
        else:
            out.append(c)
            i += 1
    return "".join(out)


def main():
    root = pathlib.Path(sys.argv[1])
    scripts = sorted(root.rglob("*.sh"))
    bad = 0
    for path in scripts:
        text = laid_out(path)
        if text is None:
            print(f"{path}: bash cannot parse it")
            bad += 1
            continue
        hits = [line.strip() for line in blanked(text).splitlines()
                if AFTER.search(line) or BEFORE.search(line)]
        if hits:
            bad += 1
            print(f"{path}: a condition escapes its check (as bash lays it out):")
            for line in hits:
                print(f"    {line}")
    print(f"lint_checks: {len(scripts)} scripts read, {bad} with escaping conditions")
    return 0 if scripts and not bad else 1


if __name__ == "__main__":
    sys.exit(main())
