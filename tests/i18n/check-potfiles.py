#!/usr/bin/env python3
# check-potfiles.py SOURCE_ROOT
#
# Fails when po/POTFILES.in is out of step with the tree:
#  - a C file under src/ calls a gettext keyword (_ N_ C_ NC_ g_dngettext ...)
#    outside comments, a .ui file has translatable="yes", or a data/ template
#    (.desktop.in, .metainfo.xml.in, .gschema.xml) exists, and it is not listed;
#  - a listed file does not exist;
#  - the list is not sorted or has duplicates.
# A translatable string in a .ui file marked translatable="true"/"1" is only
# reported as a note (xgettext's GTK 4 rules accept it, GTK 3's do not).
# Run build-aux/update-po.sh to regenerate the list.
#
# SPDX-License-Identifier: GPL-3.0-or-later
import os
import re
import sys

# Same keyword set as build-aux/update-po.sh.
KEYWORDS_RE = re.compile(
    r'(?<![A-Za-z0-9_])(_|N_|C_|NC_|g_dcgettext|g_dngettext|g_dpgettext2|gettext|'
    r'dgettext|dcgettext|ngettext|dngettext|pgettext)\s*\(')
TRANSLATABLE_RE = re.compile(r'translatable\s*=\s*"(yes|true|1)"')
DATA_SUFFIXES = ('.desktop.in', '.desktop.in.in', '.metainfo.xml.in',
                 '.metainfo.xml.in.in', '.appdata.xml.in', '.gschema.xml')


def strip_c_comments_and_strings(text):
    """Remove comments and the contents of string/char literals so that a
    keyword mentioned in a comment or a literal does not count."""
    out = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if text.startswith('/*', i):
            j = text.find('*/', i + 2)
            i = n if j < 0 else j + 2
            out.append(' ')
        elif text.startswith('//', i):
            j = text.find('\n', i)
            i = n if j < 0 else j
        elif c in '"\'':
            j = i + 1
            while j < n and text[j] != c and text[j] != '\n':
                j += 2 if text[j] == '\\' else 1
            out.append(c + c)
            i = j + 1
        else:
            out.append(c)
            i += 1
    return ''.join(out)


def wanted_files(root):
    wanted = set()
    notes = []
    for top in ('src', 'ui'):
        for dirpath, dirnames, filenames in os.walk(os.path.join(root, top)):
            dirnames.sort()
            for name in filenames:
                path = os.path.join(dirpath, name)
                rel = os.path.relpath(path, root)
                if name.endswith(('.c', '.h')) and top == 'src':
                    with open(path, encoding='utf-8', errors='replace') as f:
                        code = strip_c_comments_and_strings(f.read())
                    if KEYWORDS_RE.search(code):
                        wanted.add(rel)
                elif name.endswith('.ui'):
                    with open(path, encoding='utf-8', errors='replace') as f:
                        text = f.read()
                    values = set(TRANSLATABLE_RE.findall(text))
                    if values:
                        wanted.add(rel)
                    if values - {'yes'}:
                        notes.append(f'note: {rel} uses translatable="true"/"1"; prefer "yes"')
    data = os.path.join(root, 'data')
    if os.path.isdir(data):
        for name in sorted(os.listdir(data)):
            if name.endswith(DATA_SUFFIXES):
                wanted.add(os.path.join('data', name))
    return wanted, notes


def read_potfiles(path):
    entries = []
    with open(path, encoding='utf-8') as f:
        for line in f:
            line = line.strip()
            if line and not line.startswith('#'):
                entries.append(line)
    return entries


def main():
    if len(sys.argv) != 2:
        print('usage: check-potfiles.py SOURCE_ROOT', file=sys.stderr)
        return 2
    root = sys.argv[1]
    listed = read_potfiles(os.path.join(root, 'po', 'POTFILES.in'))
    wanted, notes = wanted_files(root)
    errors = []

    for rel in sorted(wanted - set(listed)):
        errors.append(f'{rel}: has translatable strings but is missing from po/POTFILES.in')
    for rel in listed:
        if not os.path.isfile(os.path.join(root, rel)):
            errors.append(f'{rel}: listed in po/POTFILES.in but does not exist')
    dups = sorted({x for x in listed if listed.count(x) > 1})
    for rel in dups:
        errors.append(f'{rel}: listed more than once in po/POTFILES.in')
    if listed != sorted(listed):
        errors.append('po/POTFILES.in is not sorted')
    for rel in sorted(set(listed) - wanted):
        if os.path.isfile(os.path.join(root, rel)):
            notes.append(f'note: {rel} is listed but has no translatable strings')

    for n in notes:
        print(n)
    for e in errors:
        print('error: ' + e)
    if errors:
        print(f'{len(errors)} problem(s); run build-aux/update-po.sh to regenerate po/POTFILES.in')
        return 1
    print(f'po/POTFILES.in lists all {len(wanted)} files with translatable strings')
    return 0


if __name__ == '__main__':
    sys.exit(main())
