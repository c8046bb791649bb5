#!/bin/sh
# Stand-in for the MISC_CHECK scripts the configurations name (/usr/local/bin/script.sh,
# /usr/local/bin/lvs-check.sh), copied into the guest by capture.sh so that keepalived finds
# an executable script. It never answers in time; the capture is over before it would run.
exec sleep 3600
