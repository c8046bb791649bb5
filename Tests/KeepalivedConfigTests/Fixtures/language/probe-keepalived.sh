#!/bin/sh
# How the syntax tests' "keepalived:" cases were checked against keepalived 2.2.7 (Debian's
# package). keepalived -t reports "Unknown keyword 'WORD'" for the first word of every
# piece it reads at the top level, with its line, so the pieces (and their first words)
# show how it split, substituted and repeated lines:
#
#   probe-keepalived.sh 'a{b}c\n'            -> (Line 1) Unknown keyword 'a' / Unexpected '{' ...
#   probe-keepalived.sh '@main a 1\n' main   -> with config id main
#
# A value (not only the first word) was checked with `router_id VALUE` in global_defs and
# keepalived -d (dump) in a private network namespace: " Router ID = VALUE".
set -eu
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
printf "$1" > "$dir/keepalived.conf"
cd "$dir"
keepalived -t -f "$dir/keepalived.conf" ${2:+-i "$2"} 2>&1 | grep '^(Line '
