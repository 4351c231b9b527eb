#!/usr/bin/env bash
# What the test suite needs from the system, beyond the Python environment: Chromium for the browser tests,
# a font with the Kazakh letters, LibreOffice to open the briefing packs, pdftotext to read them.
# Installs what is missing on Debian/Ubuntu (as root, or with sudo when it needs no password); where it
# cannot, it stops at once, before any test runs, with the command to run.
set -euo pipefail

CHROMIUM=(chromium fonts-dejavu-core)
OFFICE=(libreoffice-core libreoffice-calc libreoffice-impress libreoffice-draw poppler-utils)

missing_browser=() missing_office=()
[ -x /usr/bin/chromium ] || missing_browser+=(chromium)
[ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || missing_browser+=(fonts-dejavu-core)
command -v soffice >/dev/null 2>&1 || missing_office+=(libreoffice-core libreoffice-calc libreoffice-impress
                                                       libreoffice-draw)
command -v pdftotext >/dev/null 2>&1 || missing_office+=(poppler-utils)
missing=("${missing_browser[@]}" "${missing_office[@]}")
[ ${#missing[@]} -eq 0 ] && exit 0

# Chromium with its recommended packages (its fonts); LibreOffice without (no Java, no desktop).
commands=()
[ ${#missing_browser[@]} -gt 0 ] && commands+=("apt-get install -y ${CHROMIUM[*]}")
[ ${#missing_office[@]} -gt 0 ] && commands+=("apt-get install -y --no-install-recommends ${OFFICE[*]}")

if [ "$(id -u)" -eq 0 ]; then
  as_root=()
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  as_root=(sudo)
else
  echo "The tests need system packages that are missing: ${missing[*]}" >&2
  echo "Install them (as root), then run 'make test' again:" >&2
  echo "  sudo apt-get update" >&2
  for c in "${commands[@]}"; do echo "  sudo $c" >&2; done
  exit 1
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "The tests need Chromium (/usr/bin/chromium), DejaVu fonts, LibreOffice and pdftotext; this system has" >&2
  echo "no apt-get: install their equivalents, then run 'make test' again." >&2
  exit 1
fi

echo "Installing what the tests need: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${as_root[@]}" apt-get update -qq
for c in "${commands[@]}"; do
  # shellcheck disable=SC2086
  "${as_root[@]}" ${c/install/install -qq} >/dev/null
done
