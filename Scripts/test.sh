#!/usr/bin/env bash
# Sets Mal up (Scripts/setup.sh) and runs every test. Tests that need the real corpora in ../shared/corpora
# (or $MAL_CORPORA) are skipped, with the reason printed, where that folder is absent.
# Then the Spark and Hadoop-streaming checks (Scripts/spark.sh on 5,000 NSMC rows: byte identity with one process),
# which install Java and pyspark where missing and are skipped, with the reason, where they cannot be installed;
# MAL_SPARK_TESTS=0 skips them. Last, the release tarball (Scripts/release.sh): built with the Swift runtime and C
# libraries linked in, then run with the toolchain hidden (tokenize | vocab | pad | train | predict);
# MAL_RELEASE_TESTS=0 skips it.
set -euo pipefail
cd "$(dirname "$0")/.."
Scripts/setup.sh
swift test
if [ "${MAL_SPARK_TESTS:-1}" = 0 ]; then
  echo "test: Spark checks skipped (MAL_SPARK_TESTS=0)" >&2
else
  Scripts/spark.sh --skip-if-unavailable 5000
fi
if [ "${MAL_RELEASE_TESTS:-1}" = 0 ]; then
  echo "test: release tarball check skipped (MAL_RELEASE_TESTS=0)" >&2
else
  Scripts/release.sh
fi
