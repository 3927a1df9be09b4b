#!/bin/bash
# The preferences keyring test against a real Secret Service: a private D-Bus
# session with its own gnome-keyring-daemon (unlocked with a throwaway
# password) in a temporary HOME.  Skips (77) when the tools are missing.
# Usage: test-keyring.sh /path/to/test-ui
set -u
test_ui=$1
for tool in dbus-run-session gnome-keyring-daemon; do
  command -v "$tool" >/dev/null 2>&1 || { echo "SKIP: $tool is not installed"; exit 77; }
done
if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
  echo "SKIP: no display"; exit 77
fi

home=$(mktemp -d)
trap 'rm -rf "$home"' EXIT
export HOME=$home XDG_DATA_HOME=$home/.local/share XDG_CONFIG_HOME=$home/.config XDG_RUNTIME_DIR=$home/run
mkdir -p "$XDG_RUNTIME_DIR" && chmod 700 "$XDG_RUNTIME_DIR"

exec dbus-run-session -- bash -c '
  eval "$(printf "heyai-test-password" | gnome-keyring-daemon --unlock --components=secrets)"
  unset SECRET_BACKEND SECRET_FILE_TEST_PATH SECRET_FILE_TEST_PASSWORD
  export HEYAI_TEST_REAL_KEYRING=1
  out=$("$0" -p /ui/preferences/secret 2>&1); status=$?
  echo "$out"
  kill "$GNOME_KEYRING_PID" 2>/dev/null
  case "$out" in *"# SKIP"*) exit 77;; esac
  exit $status
' "$test_ui"
