#!/bin/sh
# Builds the image the examples run, without a registry: a busybox root filesystem from Debian's
# busybox-static (apt-get install busybox-static), imported into the engine as
#   localhost/tscompose-examples/busybox:latest
# Usage: examples/make-images.sh            (engine root: --root / TSCOMPOSE_ROOT / default)
#        TSCOMPOSE_ROOT=/tmp/root examples/make-images.sh
set -eu
here=$(cd "$(dirname "$0")" && pwd)
tscompose="$here/../bin/tscompose.js"
busybox=${BUSYBOX:-/bin/busybox}
ref=${IMAGE:-localhost/tscompose-examples/busybox:latest}

if ! "$busybox" --list >/dev/null 2>&1; then
  echo "error: $busybox not found or not runnable; install busybox-static (apt-get install busybox-static)" >&2
  exit 1
fi
case "$(file -b "$busybox" 2>/dev/null || echo static)" in
  *dynamically*) echo "error: $busybox is dynamically linked; install busybox-static" >&2; exit 1 ;;
esac

rootfs=$(mktemp -d "${TMPDIR:-/tmp}/tscompose-example-rootfs.XXXXXX")
trap 'rm -rf "$rootfs"' EXIT INT TERM
for d in bin sbin etc proc sys dev tmp root var/www run home/app srv; do mkdir -p "$rootfs/$d"; done
chmod 1777 "$rootfs/tmp"
cp "$busybox" "$rootfs/bin/busybox"
chmod 755 "$rootfs/bin/busybox"
for applet in $("$busybox" --list); do
  [ "$applet" = busybox ] || ln -s busybox "$rootfs/bin/$applet"
done
cat >"$rootfs/etc/passwd" <<'PASSWD'
root:x:0:0:root:/root:/bin/sh
app:x:1000:1000:app:/home/app:/bin/sh
nobody:x:65534:65534:nobody:/nonexistent:/bin/false
PASSWD
cat >"$rootfs/etc/group" <<'GROUP'
root:x:0:
app:x:1000:
nogroup:x:65534:
GROUP

tar --numeric-owner --owner=0 --group=0 -C "$rootfs" -cf - . |
  node "$tscompose" image import -c 'CMD ["sh"]' -c 'ENV PATH=/bin:/sbin' -m 'tscompose examples: busybox-static' - "$ref"
echo "imported $ref" >&2
