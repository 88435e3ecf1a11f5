#!/bin/sh
# Installs exactly the Debian packages hvdeck needs that are missing.
# Idempotent: does nothing (and needs no network) when all are present.
set -eu

PACKAGES="gcc make pkg-config libvirt-dev libvirt-daemon-system libvirt-clients
libvirt-daemon-driver-qemu qemu-system-x86 qemu-utils libssh-dev libconfig-dev
libxml2-dev libncurses-dev libcmocka-dev openssh-server openssh-client tmux
busybox-static cpio linux-image-cloud-amd64 groff-base iproute2 valgrind
util-linux procps jq clang libclang-rt-14-dev openssl ovmf swtpm-tools"

missing=""
for p in $PACKAGES; do
	status=$(dpkg-query -W -f '${Status}' "$p" 2>/dev/null || true)
	case "$status" in
	*" installed") ;;
	*) missing="$missing $p" ;;
	esac
done

if [ -z "$missing" ]; then
	echo "deps: all packages present"
	exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
	echo "deps: missing packages:$missing" >&2
	echo "deps: run as root:  apt-get install -y --no-install-recommends$missing" >&2
	exit 1
fi

echo "deps: installing$missing"
export DEBIAN_FRONTEND=noninteractive
# An old or absent package list makes apt-get fail to find packages: refresh once.
apt-get update -q >/dev/null
# shellcheck disable=SC2086
apt-get install -y -q --no-install-recommends $missing
