#!/usr/bin/env bash
# Builds the fleet's images where no image registry is reachable, only Debian's and PyPI's
# package servers (an offline cluster, a locked-down CI): the base image is made from Debian
# packages, torch is the CPU wheel this machine's pip finds, and the worker image is built from
# docker/Dockerfile with Docker's classic builder. Run as root from anywhere:
#
#   bash docker/build-offline.sh
#
# It prints, last, the variables docker/compose.yaml and docker/stack.yaml read:
#   PHI_LAB_WORKER_IMAGE=phi-lab-worker:cpu
#   PHI_LAB_NGINX_IMAGE=phi-lab-base:bookworm-<hash>
# The base image (Debian bookworm, minbase, with python3, python3-venv, ca-certificates and
# nginx 1.22) is named by a hash of what goes into it and built once per Docker engine; the
# tests (tests/docker/) call this script. Variables: DEBIAN_SUITE (bookworm), DEBIAN_MIRROR
# (the first URI of this machine's apt sources), PHI_LAB_PIP_INDEX_URL (https://pypi.org/simple),
# PHI_LAB_WORKER_IMAGE (phi-lab-worker:cpu).
set -euo pipefail
cd "$(dirname "$0")/.."

say() { echo "build-offline: $*" >&2; }
die() { say "$*"; exit 1; }

[ "$(id -u)" -eq 0 ] || die "run as root: debootstrap needs it"
command -v docker >/dev/null || die "no docker client: install docker.io (scripts/system-packages.sh does)"
command -v debootstrap >/dev/null || die "no debootstrap: apt-get install debootstrap"
docker info >/dev/null 2>&1 || die "no Docker engine answers (start one: dockerd --iptables=false)"

suite=${DEBIAN_SUITE:-bookworm}
if [ -z "${DEBIAN_MIRROR:-}" ]; then
    DEBIAN_MIRROR=$(sed -n 's/^URIs:[[:space:]]*\([^[:space:]]*\).*/\1/p' /etc/apt/sources.list.d/*.sources 2>/dev/null | head -n1)
    [ -n "$DEBIAN_MIRROR" ] || DEBIAN_MIRROR=$(awk '$1 == "deb" {print $2; exit}' /etc/apt/sources.list 2>/dev/null || true)
    DEBIAN_MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
fi
packages=python3,python3-venv,ca-certificates,nginx
# The host's CA bundle goes into the base image: a TLS-inspecting proxy that this machine
# trusts for pip is then trusted inside the build too.
ca_bundle=/etc/ssl/certs/ca-certificates.crt
index_url=${PHI_LAB_PIP_INDEX_URL:-https://pypi.org/simple}
worker_image=${PHI_LAB_WORKER_IMAGE:-phi-lab-worker:cpu}

# --- the base image, once per engine ------------------------------------------------------------
recipe="v1 $suite $DEBIAN_MIRROR $packages $(sha256sum "$ca_bundle" 2>/dev/null | cut -c1-64)"
base="phi-lab-base:$suite-$(echo "$recipe" | sha256sum | cut -c1-12)"
if docker image inspect "$base" >/dev/null 2>&1; then
    say "base image $base is there"
else
    say "making $base from Debian packages ($suite, $DEBIAN_MIRROR; about a minute)"
    start=$(date +%s)
    rootfs=$(mktemp -d /var/tmp/phi-lab-rootfs.XXXXXX)
    trap 'rm -rf "$rootfs"' EXIT
    debootstrap --variant=minbase --include="$packages" "$suite" "$rootfs" "$DEBIAN_MIRROR" >"$rootfs.log" 2>&1 ||
        { tail -n 20 "$rootfs.log" >&2; rm -f "$rootfs.log"; die "debootstrap failed"; }
    rm -f "$rootfs.log"
    [ -f "$ca_bundle" ] && cp "$ca_bundle" "$rootfs/etc/ssl/certs/ca-certificates.crt"
    rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/*
    tar -C "$rootfs" -c . | docker import \
        --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
        --change 'ENV LANG=C.UTF-8' \
        --change 'CMD ["/bin/bash"]' - "$base" >/dev/null
    rm -rf "$rootfs"
    trap - EXIT
    say "made $base in $(($(date +%s) - start)) s"
fi

# --- the CPU torch wheel, from this machine's pip -------------------------------------------------
torch_version=$(sed -n 's/^ARG TORCH_VERSION=//p' docker/Dockerfile)
if ! ls docker/wheels/torch-"$torch_version"+cpu-*.whl >/dev/null 2>&1; then
    python=python3
    [ -x .venv/bin/python ] && python=.venv/bin/python
    say "fetching torch $torch_version+cpu with this machine's pip"
    # The explicit +cpu label matches only PyTorch's CPU build, never PyPI's CUDA one.
    "$python" -m pip download --quiet --no-deps --dest docker/wheels "torch==$torch_version+cpu" ||
        die "no CPU wheel of torch $torch_version: put torch-$torch_version+cpu-*.whl in docker/wheels/"
fi

# --- the worker image ------------------------------------------------------------------------------
say "building $worker_image on $base"
start=$(date +%s)
# --network host: the build reaches what this machine reaches (PyPI) without the engine's NAT.
docker build --network host --file docker/Dockerfile \
    --build-arg PYTHON_IMAGE="$base" --build-arg TORCH_INDEX_URL="$index_url" \
    --tag "$worker_image" . >&2
say "built $worker_image in $(($(date +%s) - start)) s"

echo "PHI_LAB_WORKER_IMAGE=$worker_image"
echo "PHI_LAB_NGINX_IMAGE=$base"
