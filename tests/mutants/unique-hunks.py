#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Each hunk of a mutant must match exactly one place of the file it
patches: patch(1) applies a hunk at the nearest place its context matches,
so a hunk whose lines also stand in another function would, once the code
above it moves, mutate that function instead (mutant 06 once landed in the
flush loop rather than .release, and "survived").

Usage: unique-hunks.py TOP PATCH. Prints nothing and exits 0 when every
hunk is unique; else one line per hunk that is not, exit 1."""
import os
import sys


def hunks(lines):
    """(file, [old lines]) per hunk of a unified diff."""
    path, cur = None, None
    for line in lines:
        if line.startswith('+++ '):
            path = line[4:].split('\t')[0]
            path = path[2:] if path.startswith('b/') else path
        elif line.startswith('@@'):
            if cur is not None:
                yield path, cur
            cur = []
        elif cur is not None and line[:1] in (' ', '-'):
            cur.append(line[1:])
        elif cur is not None and line.startswith('+'):
            continue
        elif cur is not None and line.startswith('\\'):
            continue
        elif cur is not None:
            yield path, cur
            cur = None
    if cur is not None:
        yield path, cur


def count(haystack, needle):
    n = 0
    for i in range(len(haystack) - len(needle) + 1):
        if haystack[i:i + len(needle)] == needle:
            n += 1
    return n


def main():
    top, patch = sys.argv[1], sys.argv[2]
    with open(patch) as f:
        diff = f.read().split('\n')
    bad = 0
    for k, (path, old) in enumerate(hunks(diff), 1):
        with open(os.path.join(top, path)) as f:
            text = f.read().split('\n')
        n = count(text, old)
        if n != 1:
            print('hunk %d: its lines stand %d times in %s' % (k, n, path))
            bad += 1
    return 1 if bad else 0


if __name__ == '__main__':
    sys.exit(main())
