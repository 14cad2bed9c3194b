# Shared by ./vyre, .ci/run and scripts/gpu-bundle: locate a JDK 25 or newer.
# Source it, then call find_jdk: it prints the JDK home, or nothing when none was found.
# shellcheck shell=bash

# The feature version (e.g. 25) of the JDK at $1, or nothing if it is not a JDK.
jdk_feature() {
  local home="$1" line version
  [[ -x "$home/bin/java" && -x "$home/bin/javac" ]] || return 0
  if [[ -r "$home/release" ]]; then
    line="$(grep -m1 '^JAVA_VERSION=' "$home/release" || true)"
    version="${line#JAVA_VERSION=\"}"
    version="${version%%\"*}"
  fi
  if [[ -z "${version:-}" ]]; then
    version="$("$home/bin/java" -version 2>&1 | sed -n '1s/.*version "\([^"]*\)".*/\1/p')"
  fi
  version="${version#1.}"
  printf '%s' "${version%%[.+-]*}"
}

is_jdk25() {
  local feature
  feature="$(jdk_feature "$1")"
  [[ "$feature" =~ ^[0-9]+$ ]] && ((feature >= 25))
}

find_jdk() {
  if [[ -n "${JAVA_HOME:-}" ]] && is_jdk25 "$JAVA_HOME"; then
    printf '%s' "$JAVA_HOME"
    return
  fi
  local candidate
  for candidate in /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/*25*; do
    if [[ -d "$candidate" ]] && is_jdk25 "$candidate"; then
      printf '%s' "$candidate"
      return
    fi
  done
}

