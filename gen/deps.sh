#!/bin/sh
# Make sure the Debian packages a target needs are installed: as root, install the missing ones;
# otherwise print the exact apt-get line to run and fail.
#   gen/deps.sh PACKAGE...
set -eu

missing=""
for package in "$@"; do
    if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
        missing="$missing $package"
    fi
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" -eq 0 ]; then
    echo "gradc: installing Debian packages:$missing" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2
    # shellcheck disable=SC2086
    apt-get install -y -qq --no-install-recommends $missing >&2
else
    echo "gradc: missing Debian packages. Run:" >&2
    echo "  sudo apt-get install$missing" >&2
    exit 1
fi
