#!/usr/bin/env bash
# Installs the Debian packages phi_lab's tests use, where they are missing:
#   nginx           the load balancer of the worker fleet (tested on loopback)
#   docker-compose  Compose 1.29: validates the compose files and drives the fleet's container tests
#   docker.io       Docker's engine (dockerd, 20.10) and client: tests/docker/ build and run the fleet
#   debootstrap     makes the images' base from Debian packages where no image registry is reachable
#   chromium        the browser Playwright drives in the real-browser tests (Playwright's own
#                   browser downloads are not reachable here; Debian's chromium is)
set -euo pipefail
missing=()
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || missing+=(nginx)
command -v docker-compose >/dev/null 2>&1 || missing+=(docker-compose)
command -v dockerd >/dev/null 2>&1 || [ -x /usr/sbin/dockerd ] || missing+=(docker.io)
command -v debootstrap >/dev/null 2>&1 || [ -x /usr/sbin/debootstrap ] || missing+=(debootstrap)
[ -x /usr/bin/chromium ] || missing+=(chromium)
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -eq 0 ]; then sudo=(); else sudo=(sudo); fi
echo "setup: installing Debian packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
