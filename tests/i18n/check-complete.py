#!/usr/bin/env python3
# check-complete.py [--macros] XGETTEXT SOURCE_ROOT LANG...
#
# Extracts a fresh template from the files in po/POTFILES.in (with the
# options of meson's i18n.gettext(preset: 'glib')) into a temporary directory
# and fails when a message of the template is missing from po/LANG.po, or is
# fuzzy, untranslated, or has the wrong number of plural forms there.  It also
# checks, for every translated message, that the printf directives, the
# mnemonic underscore of a .ui/menu label, Pango markup tags and leading and
# trailing newlines/spaces of the msgid survive in the translation.
#
# With --macros it fails instead when a translatable string is cut short by a
# format macro (_("%" G_GINT64_FORMAT " of ...")): xgettext cannot see past
# the macro, so the string the program looks up at run time is never in the
# catalogue and stays in English.  Format the number first, or use a plain
# directive with a cast ("%lld", (long long) n).
#
# SPDX-License-Identifier: GPL-3.0-or-later
import os
import re
import subprocess
import sys
import tempfile

PRESET_GLIB = [
    '--from-code=UTF-8', '--add-comments',
    '--keyword=_', '--keyword=N_', '--keyword=C_:1c,2', '--keyword=NC_:1c,2',
    '--keyword=g_dcgettext:2', '--keyword=g_dngettext:2,3', '--keyword=g_dpgettext2:2c,3',
    '--flag=N_:1:pass-c-format', '--flag=C_:2:pass-c-format', '--flag=NC_:2:pass-c-format',
    '--flag=g_dngettext:2:pass-c-format', '--flag=g_strdup_printf:1:c-format',
    '--flag=g_string_printf:2:c-format', '--flag=g_string_append_printf:2:c-format',
    '--flag=g_error_new:3:c-format', '--flag=g_set_error:4:c-format',
    '--flag=g_markup_printf_escaped:1:c-format', '--flag=g_log:3:c-format',
    '--flag=g_print:1:c-format', '--flag=g_printerr:1:c-format',
    '--flag=g_printf:1:c-format', '--flag=g_fprintf:2:c-format',
    '--flag=g_sprintf:2:c-format', '--flag=g_snprintf:3:c-format',
]


class Entry:
    def __init__(self):
        self.ctxt = None
        self.msgid = None
        self.plural = None
        self.msgstr = {}
        self.flags = set()
        self.refs = []
        self.obsolete = False
        self.line = 0

    @property
    def key(self):
        return (self.ctxt, self.msgid)


def unquote(s):
    s = s.strip()
    if not (s.startswith('"') and s.endswith('"')):
        raise ValueError(f'bad string: {s}')
    s = s[1:-1]
    out = []
    i = 0
    esc = {'n': '\n', 't': '\t', '"': '"', '\\': '\\', 'r': '\r', 'a': '\a', 'b': '\b', 'f': '\f', 'v': '\v'}
    while i < len(s):
        if s[i] == '\\' and i + 1 < len(s):
            out.append(esc.get(s[i + 1], s[i + 1]))
            i += 2
        else:
            out.append(s[i])
            i += 1
    return ''.join(out)


def parse_po(path):
    entries = []
    cur = Entry()
    field = None
    started = False

    def flush():
        nonlocal cur, started, field
        if cur.msgid is not None:
            entries.append(cur)
        cur = Entry()
        started = False
        field = None

    with open(path, encoding='utf-8') as f:
        for lineno, raw in enumerate(f, 1):
            line = raw.rstrip('\n')
            obsolete = line.startswith('#~')
            if obsolete:
                line = line[2:].lstrip()
                if line.startswith('|'):
                    continue
            if not line.strip():
                flush()
                continue
            if line.startswith('#'):
                if started:
                    flush()
                if line.startswith('#,'):
                    cur.flags.update(x.strip() for x in line[2:].split(','))
                elif line.startswith('#:'):
                    cur.refs.extend(line[2:].split())
                continue
            if obsolete:
                cur.obsolete = True
            m = re.match(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+(".*")\s*$', line)
            if m:
                kw, idx, val = m.group(1), m.group(2), unquote(m.group(3))
                if kw == 'msgctxt':
                    if started:
                        flush()
                    cur.ctxt = val
                    field = ('ctxt',)
                elif kw == 'msgid':
                    if started and cur.msgid is not None:
                        flush()
                    cur.msgid = val
                    cur.line = lineno
                    field = ('id',)
                elif kw == 'msgid_plural':
                    cur.plural = val
                    field = ('plural',)
                else:
                    n = int(idx) if idx is not None else 0
                    cur.msgstr[n] = val
                    field = ('str', n)
                started = True
                continue
            if line.lstrip().startswith('"') and field is not None:
                val = unquote(line)
                if field[0] == 'ctxt':
                    cur.ctxt += val
                elif field[0] == 'id':
                    cur.msgid += val
                elif field[0] == 'plural':
                    cur.plural += val
                else:
                    cur.msgstr[field[1]] += val
                continue
            raise ValueError(f'{path}:{lineno}: cannot parse: {raw!r}')
    flush()
    return entries


FORMAT_RE = re.compile(r"%(?:(\d+)\$)?[-+ #0']*(\d+|\*)?(?:\.(\d+|\*))?(hh|h|ll|l|L|q|j|z|Z|t)?([diouxXeEfFgGaAcspnm%])")


def directives(s):
    """The printf conversions of s, in argument order (positional ones sorted)."""
    seq = []
    pos = 0
    for m in FORMAT_RE.finditer(s):
        conv = m.group(5)
        if conv == '%':
            continue
        length = m.group(4) or ''
        spec = length + conv
        if m.group(1):
            seq.append((int(m.group(1)), spec))
        else:
            pos += 1
            seq.append((pos, spec))
    return sorted(seq)


TAG_RE = re.compile(r'</?(b|i|u|s|tt|big|small|span|sub|sup|a)(?:\s[^>]*)?/?>')
MNEMONIC_RE = re.compile(r'_[^\W_]')
IDENT_RE = re.compile(r'\b[A-Z0-9]+(?:_[A-Z0-9]+)+\b|\b\w+\.\w+\b|\b[a-z0-9]+(?:_[a-z0-9]+){2,}\b')


def has_mnemonic(s):
    """A GTK mnemonic: an underscore before a letter, outside ENV_VARS,
    file.names and snake_case_identifiers."""
    return MNEMONIC_RE.search(IDENT_RE.sub(' ', s)) is not None


def edges(s):
    lead = re.match(r'^[\s]*', s).group(0)
    trail = re.search(r'[\s]*$', s).group(0)
    return ('\n' in lead, '\n' in trail)


def check_translation(e, k, problems, where):
    msgstr = e.msgstr[k]
    src = e.msgid if (k == 0 or e.plural is None) else e.plural
    if 'c-format' in e.flags:
        want = directives(src)
        got = directives(msgstr)
        # the singular form may leave the count out ("Una escena")
        if got != want and not (e.plural is not None and k == 0 and got == [d for d in want if d[0] != 1]):
            problems.append(f'{where}: printf directives differ: {want} vs {got}')
    if sorted(TAG_RE.findall(src)) != sorted(TAG_RE.findall(msgstr)):
        problems.append(f'{where}: markup tags differ')
    if has_mnemonic(src) and not has_mnemonic(msgstr):
        problems.append(f'{where}: the mnemonic underscore is missing')
    if edges(src) != edges(msgstr):
        problems.append(f'{where}: leading/trailing newlines differ')


def extract(xgettext, root, outdir):
    pot = os.path.join(outdir, 'heyai-studio.pot')
    cmd = [xgettext, '--package-name=heyai-studio', '-p', outdir,
           '-f', os.path.join(root, 'po', 'POTFILES.in'), '-D', root, '-k_', '-o', pot] + PRESET_GLIB
    res = subprocess.run(cmd, capture_output=True, text=True)
    if res.returncode != 0:
        print(res.stderr)
        raise SystemExit(f'xgettext failed ({res.returncode})')
    return pot, res.stderr


def main():
    args = sys.argv[1:]
    macros = False
    if args and args[0] == '--macros':
        macros = True
        args = args[1:]
    if len(args) < (2 if macros else 3):
        print('usage: check-complete.py [--macros] XGETTEXT SOURCE_ROOT LANG...', file=sys.stderr)
        return 2
    xgettext, root, langs = args[0], args[1], args[2:]

    with tempfile.TemporaryDirectory(prefix='heyai-i18n-') as tmp:
        pot, warnings = extract(xgettext, root, tmp)
        template = [e for e in parse_po(pot) if e.msgid != '']

    if macros:
        # Strings already reported to their owners; each line of
        # format-macros-known.txt is a cut-short msgid.  A listed string that
        # is fixed must be removed from the list (the test says so).
        known = set()
        known_path = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'format-macros-known.txt')
        if os.path.exists(known_path):
            with open(known_path, encoding='utf-8') as f:
                known = {l.rstrip('\n') for l in f if l.strip() and not l.startswith('#')}
        bad, seen = [], set()
        for e in template:
            for s in (e.msgid, e.plural):
                if s is None:
                    continue
                tail = re.search(r'%[-+ #0\'\d.*]*$', s)
                if tail and (len(re.search(r'%*$', s).group(0)) % 2 == 1 or not tail.group(0).endswith('%')):
                    seen.add(s)
                    where = f'{" ".join(e.refs)}: "{s}" is cut short by a format macro'
                    if s in known:
                        print('known (reported to the owner): ' + where)
                    else:
                        bad.append(where)
        for k in sorted(known - seen):
            bad.append(f'"{k}" is fixed or gone: remove it from tests/i18n/format-macros-known.txt')
        for b in bad:
            print('error: ' + b)
        if bad:
            print(f'{len(bad)} problem(s); see the comment at the top of tests/i18n/check-complete.py')
            return 1
        print(f'{len(template)} messages, none newly cut short by a format macro')
        return 0

    status = 0
    for lang in langs:
        po = os.path.join(root, 'po', lang + '.po')
        entries = parse_po(po)
        header = next((e for e in entries if e.msgid == '' and e.ctxt is None), None)
        nplurals = 2
        if header is not None:
            m = re.search(r'nplurals\s*=\s*(\d+)', header.msgstr.get(0, ''))
            if m:
                nplurals = int(m.group(1))
        catalogue = {e.key: e for e in entries if not e.obsolete and e.msgid != ''}
        problems = []
        for t in template:
            shown = t.msgid.replace('\\', '\\\\').replace('\n', '\\n')
            where = f'{lang}.po: msgid "{shown[:70]}"' + (f' (context "{t.ctxt}")' if t.ctxt else '')
            e = catalogue.get(t.key)
            if e is None:
                problems.append(f'{where}: missing (from {" ".join(t.refs[:3])})')
                continue
            if 'fuzzy' in e.flags:
                problems.append(f'{where}: fuzzy')
            if t.plural is not None:
                if e.plural != t.plural:
                    problems.append(f'{where}: msgid_plural differs')
                if sorted(e.msgstr) != list(range(nplurals)):
                    problems.append(f'{where}: expected {nplurals} plural forms')
            strings = [e.msgstr[k] for k in sorted(e.msgstr)]
            if not strings or any(s == '' for s in strings):
                problems.append(f'{where}: untranslated')
                continue
            e.flags |= t.flags
            e.refs = t.refs
            for k in sorted(e.msgstr):
                check_translation(e, k, problems, where + (f' [{k}]' if e.plural else ''))
        # An entry the sources no longer use is a translation nobody reads,
        # and hides that the string it translated has gone or changed.
        keys = {t.key for t in template}
        for key, e in catalogue.items():
            if key not in keys:
                shown = e.msgid.replace('\\', '\\\\').replace('\n', '\\n')
                problems.append(f'{lang}.po: msgid "{shown[:70]}": no longer in the sources (stale)')
        for p in problems:
            print('error: ' + p)
        print(f'{lang}.po: {len(template)} messages in the template, {len(problems)} problem(s)')
        if problems:
            print(f'{lang}.po: run build-aux/update-po.sh, then translate what is listed above')
            status = 1
    return status


if __name__ == '__main__':
    sys.exit(main())
