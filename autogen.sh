#!/bin/sh
# Generates configure and Makefile.in from configure.ac and Makefile.am.
# Run once in a fresh checkout (and after editing either file), then
# ./configure && make.
set -e
cd "$(dirname "$0")"
mkdir -p m4 build-aux
autoreconf --install --force --warnings=all
