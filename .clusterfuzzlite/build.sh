#!/bin/bash -eu
# ClusterFuzzLite build script: the same build as OSS-Fuzz's (one place to
# maintain), run from the checkout ($SRC/libacepack).
exec bash -eu fuzz/oss-fuzz/build.sh
