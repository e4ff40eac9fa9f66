#!/bin/sh
# Install a Debian package the tests need, when the caller has found it missing.
#
#   tools/debian_package.sh PACKAGE FOR WITHOUT
#
# FOR says what it is for ("for the browser tests"), WITHOUT what happens when it
# stays missing ("the browser tests will be skipped"). As root with apt-get, it is
# installed (apt-get update first). Under CI=true a package that cannot be had is an
# error; elsewhere a note says what is lost and how to get it.
package=$1 purpose=$2 without=$3
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "$package is missing: installing Debian's $package $purpose"
  if apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$package" >/dev/null; then
    exit 0
  fi
  if [ "$CI" = true ]; then echo "error: could not install $package" >&2; exit 1; fi
  echo "note: could not install $package; $without"
elif [ "$CI" = true ]; then
  echo "error: CI=true needs $package $purpose: apt-get install $package (as root)" >&2; exit 1
else
  echo "note: no $package, so $without; to have it: sudo apt-get install $package"
fi
