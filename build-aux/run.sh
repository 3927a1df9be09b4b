#!/usr/bin/env bash
# Builds HeyAI Studio and runs it on the offline default (no account, no network).
#  - with a display: opens the window;
#  - without one: runs the whole pipeline on the sample scripts with the `heyai`
#    command-line tool, exports the editor handoff package, and prints where
#    everything landed.
# Usage: ./build-aux/run.sh [SCRIPT...]      (HEYAI_DATA_DIR picks the library folder)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
build=${HEYAI_BUILD_DIR:-_build}

./build-aux/install-deps.sh

if [ ! -f "$build/build.ninja" ]; then
  meson setup "$build" --buildtype=debugoptimized >/dev/null
fi
ninja -C "$build" >/dev/null

export GSETTINGS_SCHEMA_DIR="$root/$build/data"

if { [ -n "${DISPLAY:-}" ] || [ -n "${WAYLAND_DISPLAY:-}" ]; } && [ -x "$build/src/ui/heyai-studio" ] && [ $# -eq 0 ]; then
  exec "$build/src/ui/heyai-studio"
fi

heyai="$root/$build/src/cli/heyai"
export HEYAI_DATA_DIR="${HEYAI_DATA_DIR:-$root/$build/demo-library}"
if [ $# -gt 0 ]; then scripts=("$@"); else scripts=("$root"/data/samples/*); fi

echo "Library: $HEYAI_DATA_DIR"
for script in "${scripts[@]}"; do
  echo
  echo "== $(basename "$script")"
  id=$("$heyai" new "$script")
  "$heyai" run "$id" --auto-approve
  "$heyai" show "$id"
  pkg=$("$heyai" export "$id" --to "$HEYAI_DATA_DIR/handoff")
  echo "Handoff package: $pkg"
done
echo
echo "Project folders: $HEYAI_DATA_DIR/HeyAI Projects"
