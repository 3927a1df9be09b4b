#!/usr/bin/env bash
# Installs the Debian 12 packages HeyAI Studio needs to build, run and test.
# Idempotent: only missing packages are installed.  Needs root (or sudo).
set -euo pipefail

PACKAGES=(
  # toolchain
  gcc meson ninja-build pkg-config gettext git
  # libraries
  libglib2.0-dev libglib2.0-dev-bin libgtk-4-dev libadwaita-1-dev libgtksourceview-5-dev
  libsoup-3.0-dev libjson-glib-dev libsqlite3-dev libsecret-1-dev
  libgstreamer1.0-dev libgstreamer-plugins-base1.0-dev libgstreamer-plugins-bad1.0-dev
  libges-1.0-dev libcairo2-dev libpango1.0-dev libpoppler-glib-dev
  # GStreamer runtime: x264 (ugly), decoders (libav), GES, GTK media backend
  gstreamer1.0-plugins-base gstreamer1.0-plugins-good gstreamer1.0-plugins-bad
  gstreamer1.0-plugins-ugly gstreamer1.0-libav gstreamer1.0-tools gstreamer1.0-gl
  gstreamer1.0-x gir1.2-ges-1.0 ges1.0-tools libgtk-4-media-gstreamer
  # desktop integration checks
  desktop-file-utils appstream libxml2-utils
  # tests: display, D-Bus, keyring, PDFs, screenshots, fonts
  xvfb xauth dbus dbus-x11 gnome-keyring libsecret-tools poppler-utils sqlite3
  imagemagick x11-apps libgl1-mesa-dri fonts-dejavu-core fonts-cantarell libx11-dev
  # symbols for the dynamic loader and libc, so sanitizer reports name their
  # frames on a new machine (the suppressions do not depend on it)
  libc6-dbg
  # benchmarks: bench-ui compares launch time with GNOME Text Editor
  gnome-text-editor
)

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  SUDO="sudo"
fi

echo "Installing ${#missing[@]} missing Debian packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
