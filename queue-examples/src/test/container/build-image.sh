#!/usr/bin/env bash
# Builds the image the container tests run their consumers and producers in: Debian bookworm with a
# Java 17 runtime and python3, and nothing of mmq (the tests mount the built jar, the test classes and
# the Python reader). No image registry is reachable here, so the image is made from Debian packages
# with mmdebstrap and imported; the tests never pull.
#
# Usage: build-image.sh [--rebuild]    (needs root, mmdebstrap and a running Docker engine)
# Does nothing if the image exists, unless --rebuild. MMQ_TEST_IMAGE overrides the image name (the
# tests read the same variable; the default is also in queue-examples/pom.xml), MMQ_DEBIAN_MIRROR the
# Debian mirror (default: mmdebstrap's, with the stable updates and security suites).
set -euo pipefail

image="${MMQ_TEST_IMAGE:-mmq-container-test:bookworm-jre17-py3}"

if [ "${1:-}" != "--rebuild" ] && docker image inspect "$image" >/dev/null 2>&1; then
  echo "build-image.sh: $image exists (--rebuild to make it again)"
  exit 0
fi
for tool in mmdebstrap docker; do
  if ! command -v "$tool" >/dev/null; then
    echo "build-image.sh: $tool is not installed (Debian: apt-get install mmdebstrap docker.io)" >&2
    exit 2
  fi
done

# Docs and locales are left out; /usr/share/man must stay: the JDK's post-install script writes there.
mirror=()
if [ -n "${MMQ_DEBIAN_MIRROR:-}" ]; then
  mirror=("$MMQ_DEBIAN_MIRROR")
fi
started=$SECONDS
# Imported under a second name and named for real only once it runs both: a build that broke half way
# (a truncated tar still imports) must not pass for the image next time.
candidate="$image-candidate"
mmdebstrap --quiet --variant=apt --include=openjdk-17-jre-headless,python3 \
    --dpkgopt='path-exclude=/usr/share/doc/*' --dpkgopt='path-exclude=/usr/share/locale/*' \
    --aptopt='Acquire::Retries "3"' \
    bookworm - "${mirror[@]}" \
  | docker import --change 'ENV LANG=C.UTF-8' - "$candidate" >/dev/null
docker run --rm --network none "$candidate" sh -c 'java -version 2>&1 | head -n 1 && python3 --version'
docker tag "$candidate" "$image"
docker rmi "$candidate" >/dev/null
echo "build-image.sh: built $image in $((SECONDS - started)) s"
