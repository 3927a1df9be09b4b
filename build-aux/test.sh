#!/usr/bin/env bash
# Builds HeyAI Studio with -Werror and runs the whole test suite:
#   1. the normal build, every suite, under Xvfb and a private D-Bus session;
#   2. an AddressSanitizer + UndefinedBehaviorSanitizer build of the same tests
#      (skip with HEYAI_SKIP_SANITIZE=1 for a quick local run).
# Prints one closing line "N passed, N failed, N skipped".
set -uo pipefail
cd "$(dirname "$0")/.."
root=$PWD

./build-aux/install-deps.sh || exit 1

status=0
passed=0; failed=0; skipped=0

count_results() {
  # $1 = build dir; adds the results of its last meson test run
  local log="$1/meson-logs/testlog.json"
  [ -f "$log" ] || return 0
  read -r p f s < <(python3 - "$log" <<'PY'
import json, sys
p = f = s = 0
for line in open(sys.argv[1]):
    line = line.strip()
    if not line:
        continue
    r = json.loads(line).get("result", "")
    if r in ("OK", "EXPECTEDFAIL"):
        p += 1
    elif r == "SKIP":
        s += 1
    else:
        f += 1
print(p, f, s)
PY
)
  passed=$((passed + p)); failed=$((failed + f)); skipped=$((skipped + s))
}

run_suite() {
  # $1 = build dir, rest = meson setup options
  local build=$1; shift
  if [ ! -f "$build/build.ninja" ]; then
    meson setup "$build" -Dwerror=true "$@" || return 1
  else
    meson configure "$build" -Dwerror=true "$@" >/dev/null || return 1
  fi
  ninja -C "$build" || return 1
  xvfb-run -a -s "-screen 0 1400x900x24" \
    dbus-run-session -- \
    meson test -C "$build" --no-rebuild --print-errorlogs --num-processes 2 --timeout-multiplier "${TIMEOUT_MULTIPLIER:-1}"
}

echo "== Build and test (-Werror)"
run_suite _build-test --buildtype=debugoptimized || status=1
count_results _build-test

if [ "${HEYAI_SKIP_SANITIZE:-0}" != "1" ]; then
  echo "== AddressSanitizer + UndefinedBehaviorSanitizer"
  TIMEOUT_MULTIPLIER=4 run_suite _build-asan --buildtype=debug -Db_sanitize=address,undefined -Db_lundef=false || status=1
  count_results _build-asan
fi

echo
echo "${passed} passed, ${failed} failed, ${skipped} skipped"
[ "$failed" -eq 0 ] || status=1
exit $status
