#!/bin/sh
# VM payload (scripts/test-kernel): the IPVSNetlink kernel suite, or the
# benchmark with "bench".
exec ipvs-kernel-suite "$@"
