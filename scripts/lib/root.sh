# Sourced by the README's commands: they need root (namespaces, BPF, DPDK, apt). Run as root, this does nothing. Run
# as another user, it re-runs the calling script through sudo when sudo exists, and otherwise says what to do; so the
# commands work as written both on a machine where you are root without sudo and through sudo.
if [[ "$(id -u)" -ne 0 ]]; then
  if command -v sudo >/dev/null 2>&1; then
    exec sudo --preserve-env=CI,JAVA_HOME,UNIPLANE_PROVIDER,UNIPLANE_REQUIRE_ALL bash "$0" "$@"
  fi
  echo "$(basename "$0"): needs root (network namespaces, BPF, DPDK, apt); run it as root, or install sudo" >&2
  exit 1
fi
