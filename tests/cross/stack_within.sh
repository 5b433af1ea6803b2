#!/bin/sh
# tests/cross/stack_within.sh LABEL MEASURED CLAIMED: fail, saying so, unless MEASURED (the peak
# stack of one call, in bytes, as a target measured it) is a number no larger than CLAIMED (what
# the header promises for that call). A missing measurement fails too: it must not pass unseen.
set -eu
[ $# -eq 3 ] || { echo "usage: stack_within.sh LABEL MEASURED CLAIMED" >&2; exit 2; }
case $2 in '' | *[!0-9]*) echo "  $1: no stack measurement (got '${2}')"; exit 1 ;; esac
case $3 in '' | *[!0-9]*) echo "  $1: no stack figure in the header (got '${3}')"; exit 1 ;; esac
if [ "$2" -gt "$3" ]; then
    echo "  $1: measured $2 bytes of stack, more than the header's $3"
    exit 1
fi
