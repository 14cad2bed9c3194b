#!/usr/bin/env bash
# Prepares the real-text corpus of the logcheck rules benchmark (docs/SCAN.md "Real rules and corpus") under an
# ignored directory (default: corpus/ at the repository root). Nothing of it is committed.
#
#   scripts/corpus/prepare-corpus.sh [DIR]
#
# Contents (all Debian bookworm packages, fetched with apt-get download, unpacked with dpkg-deb; needs the
# Debian archive, so run it where apt works):
#   linux-source-6.1/   the Linux kernel source tree of package linux-source-6.1 (GPL-2.0), about 1.5 GB
#   fail2ban-logs/      fail2ban's sample log files (package fail2ban, GPL-2.0+, tests/files/logs): real syslog
#                       lines, the only part the logcheck rules (which start with a syslog prefix) match often
# MANIFEST lists the package versions, and SHA256SUMS every file of the corpus, so a run can name what it read.
# On a host without the Debian archive, use the host's own files instead: --corpus /usr/share --corpus
# /usr/include (see docs/SCAN.md).
set -euo pipefail
ROOT="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.." && pwd)"
DIR="${1:-$ROOT/corpus}"
mkdir -p "$DIR"
DIR="$(cd "$DIR" && pwd)"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
cd "$WORK"
apt-get download linux-source-6.1 fail2ban >/dev/null
LINUX_DEB=$(ls linux-source-6.1_*.deb)
F2B_DEB=$(ls fail2ban_*.deb)
dpkg-deb -x "$LINUX_DEB" linux
dpkg-deb -x "$F2B_DEB" f2b
rm -rf "$DIR/linux-source-6.1" "$DIR/fail2ban-logs"
tar -xJf linux/usr/src/linux-source-6.1.tar.xz -C "$DIR"
cp -r f2b/usr/lib/python3/dist-packages/fail2ban/tests/files/logs "$DIR/fail2ban-logs"
{
  echo "linux-source-6.1 $(dpkg-deb -f "$LINUX_DEB" Version) -> linux-source-6.1/"
  echo "fail2ban $(dpkg-deb -f "$F2B_DEB" Version) tests/files/logs -> fail2ban-logs/"
} > "$DIR/MANIFEST"
(cd "$DIR" && find linux-source-6.1 fail2ban-logs -type f -print0 | sort -z | xargs -0 sha256sum > SHA256SUMS)
cat "$DIR/MANIFEST"
echo "$(wc -l < "$DIR/SHA256SUMS") files, $(du -sb "$DIR/linux-source-6.1" "$DIR/fail2ban-logs" | awk '{s+=$1} END {print s}') bytes under $DIR"
