#!/usr/bin/env python3
# check-no-provider.py: the net layer knows no provider (issue 13).  Fails
# when a provider's name appears in src/net's code outside comments: string
# literals and identifiers alike.  Comments may give examples.
#
# SPDX-License-Identifier: GPL-3.0-or-later
import pathlib
import re
import sys

NAMES = re.compile(r'openai|anthropic|higgsfield|kling|HF_API|HF_CREDENTIALS', re.IGNORECASE)
COMMENT = re.compile(r'/\*.*?\*/|//[^\n]*', re.DOTALL)

root = pathlib.Path(sys.argv[1]) / 'src' / 'net'
bad = []
for path in sorted(list(root.glob('*.c')) + list(root.glob('*.h'))):
    text = path.read_text(encoding='utf-8')
    # blank the comments but keep the line numbers
    code = COMMENT.sub(lambda m: re.sub(r'[^\n]', ' ', m.group(0)), text)
    for number, line in enumerate(code.splitlines(), 1):
        if NAMES.search(line):
            bad.append(f'{path.relative_to(root.parent.parent)}:{number}: {line.strip()}')

print('1..1')
if bad:
    print('not ok 1 - src/net names a provider:')
    for line in bad:
        print('# ' + line)
    sys.exit(1)
print('ok 1 - src/net names no provider')
