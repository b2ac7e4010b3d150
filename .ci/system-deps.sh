#!/usr/bin/env bash
# System packages the tests use: Mosquitto 2 (a real broker for the integration suite), openssl (a test CA
# and certificate for Mosquitto's TLS listener) and Chromium (headless browser for the console's
# end-to-end tests). Installed from Debian's packages.
set -euo pipefail
packages=(mosquitto openssl chromium)
missing=()
for p in "${packages[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "system-deps: ${packages[*]} already installed"
  exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
echo "system-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
# The package may start a system-wide broker on 1883; tests start their own on free ports instead.
if command -v service >/dev/null 2>&1; then $SUDO service mosquitto stop >/dev/null 2>&1 || true; fi
echo "system-deps: done"
