#!/usr/bin/env python3
"""Convert one manual page written in the project's Markdown subset into roff.

Usage: scripts/md2man.py PAGE.N.md OUT.N

The Markdown source (man/*.md) is the page's one definition; the roff is
generated. The subset: '# name(N)' title, '## SECTION' headings, paragraphs,
four-space code blocks, '- ' bullets, definition lists ('`term`' on one
line, ': text' on the next, continuation lines indented), `code` (bold) and
*emphasis* (italic). pandoc is not in Debian 12's base set; this is enough.
"""
import re
import sys


def esc(text):
    """Roff-escape running text: backslashes, and leading dots/quotes."""
    text = text.replace('\\', '\\e')
    if text.startswith(('.', "'")):
        text = '\\&' + text
    return text


def inline(text):
    """`code` becomes bold, *emphasis* italic, after escaping."""
    text = esc(text)
    text = re.sub(r'`([^`]+)`', r'\\fB\1\\fR', text)
    text = re.sub(r'(?<![\w*])\*([^*\s][^*]*)\*(?![\w*])', r'\\fI\1\\fR', text)
    text = text.replace('-', '\\-')
    return text


def convert(lines, out):
    title = re.match(r'# (\S+)\((\d)\)\s*$', lines[0])
    if not title:
        sys.exit('first line must be "# name(N)"')
    name, section = title.groups()
    out.append('.TH %s %s "" "svm-edu" "svm-edu"' % (name.upper(), section))
    # File, function and register names read badly hyphenated or spread.
    out.append('.nh')
    out.append('.ad l')
    i = 1
    while i < len(lines):
        line = lines[i]
        if not line.strip():
            i += 1
        elif line.startswith('## '):
            out.append('.SH ' + esc(line[3:].strip().upper()))
            i += 1
        elif line.startswith('    '):
            out.append('.PP')
            out.append('.nf')
            out.append('.RS 4')
            while i < len(lines) and (lines[i].startswith('    ') or not lines[i].strip()):
                if lines[i].strip() or (i + 1 < len(lines) and lines[i + 1].startswith('    ')):
                    out.append(esc(lines[i][4:]).replace('-', '\\-') or '\\&')
                i += 1
            out.append('.RE')
            out.append('.fi')
        elif i + 1 < len(lines) and lines[i + 1].startswith(': '):
            out.append('.TP')
            out.append(inline(line.strip()))
            i += 1
            out.append(inline(lines[i][2:].strip()))
            i += 1
            while i < len(lines) and lines[i].startswith('  ') and lines[i].strip():
                out.append(inline(lines[i].strip()))
                i += 1
        elif line.startswith('- '):
            out.append('.IP \\(bu 2')
            out.append(inline(line[2:].strip()))
            i += 1
            while i < len(lines) and lines[i].startswith('  ') and lines[i].strip():
                out.append(inline(lines[i].strip()))
                i += 1
        else:
            out.append('.PP')
            while i < len(lines) and lines[i].strip() and not lines[i].startswith(('## ', '    ', '- ')):
                out.append(inline(lines[i].strip()))
                i += 1


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    with open(sys.argv[1]) as f:
        lines = f.read().splitlines()
    out = []
    convert(lines, out)
    with open(sys.argv[2], 'w') as f:
        f.write('.\\" Generated from %s by scripts/md2man.py: edit that.\n' % sys.argv[1])
        f.write('\n'.join(out) + '\n')


main()
