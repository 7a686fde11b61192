#!/usr/bin/env bash
# Installs the Debian packages the test suite needs, when missing. Idempotent; needs root.
set -euo pipefail

# tmux: the terminal-session test of the PowerShell module (test/pwsh/terminal-session.test.ts).
# chromium: renders the HTML reports headless (test/e2e/readiness-and-report.test.ts).
packages=(samba samba-dsdb-modules samba-vfs-modules samba-ad-provision ldb-tools ldap-utils openssl tmux chromium)
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed' || missing+=("$package")
done
if ((${#missing[@]} == 0)); then
  echo "system packages already installed"
  exit 0
fi
if ((EUID != 0)); then
  echo "missing Debian packages: ${missing[*]}; run as root, or: sudo apt-get install ${missing[*]}" >&2
  exit 1
fi
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
