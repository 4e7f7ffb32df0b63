# shellcheck shell=bash
# Sourced by the scripts in scripts/: finds a JDK 25 or newer and exports JAVA_HOME (and puts it first on PATH).
# Order: $JAVA_HOME if it is 25+, else /usr/lib/jvm/temurin-25*, else fail. The default `java` here is 17.

# Prints the feature version (e.g. 25) of the JDK installed at $1, or nothing when it is not a JDK.
uniplane_jdk_major() {
  local home=$1 version=""
  [[ -x "$home/bin/java" ]] || return 0
  if [[ -r "$home/release" ]]; then
    version=$(sed -n 's/^JAVA_VERSION="\([^"]*\)".*/\1/p' "$home/release")
  fi
  if [[ -z "$version" ]]; then
    version=$("$home/bin/java" -version 2>&1 | sed -n 's/.* version "\([^"]*\)".*/\1/p' | head -n 1)
  fi
  version=${version#1.}
  version=${version%%[.+-]*}
  [[ "$version" =~ ^[0-9]+$ ]] && echo "$version"
  return 0
}

uniplane_use_jdk25() {
  local candidate major
  for candidate in "${JAVA_HOME:-}" /usr/lib/jvm/temurin-25*; do
    [[ -n "$candidate" && -d "$candidate" ]] || continue
    major=$(uniplane_jdk_major "$candidate")
    if [[ -n "$major" ]] && ((major >= 25)); then
      export JAVA_HOME="$candidate"
      export PATH="$JAVA_HOME/bin:$PATH"
      return 0
    fi
  done
  echo "error: Uniplane needs JDK 25 or newer (Panama FFM), but JAVA_HOME=${JAVA_HOME:-<unset>} is not one" \
    "and there is no /usr/lib/jvm/temurin-25*. Install a JDK 25 (e.g. Temurin 25) and point JAVA_HOME at it." >&2
  return 1
}
