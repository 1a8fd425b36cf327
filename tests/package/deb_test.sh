#!/usr/bin/env bash
# Builds the .deb with cpack, checks what it holds, and installs it into a scratch root.
set -euo pipefail
build=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

(cd "$build" && cpack -G DEB -B "$work/out" >"$work/cpack.log" 2>&1) || { cat "$work/cpack.log"; exit 1; }
deb=$(ls "$work"/out/siftd_*.deb)
contents=$(dpkg-deb --contents "$deb")
for path in ./usr/bin/siftd ./usr/lib/systemd/system/siftd.service ./usr/lib/sysusers.d/siftd.conf \
            ./usr/lib/tmpfiles.d/siftd.conf ./etc/siftd/siftd.toml ./usr/share/man/man1/siftd.1 \
            ./usr/share/doc/siftd/siftd.toml.example ./usr/share/doc/siftd/README.md \
            ./usr/share/doc/siftd/LICENSE ./usr/share/doc/siftd/CHANGELOG.md; do
  grep -q " $path\$" <<<"$contents" || { echo "the package lacks $path"; echo "$contents"; exit 1; }
done
# The description is written for users, not CPack's template.
dpkg-deb --field "$deb" Description | grep -q "built-in local backend" ||
  { echo "the package's description is not siftd's:"; dpkg-deb --field "$deb" Description; exit 1; }
dpkg-deb --field "$deb" Depends | grep -q libopencv || { echo "no shared-library dependencies"; exit 1; }
dpkg-deb --ctrl-tarfile "$deb" | tar -t | grep -q conffiles || { echo "no conffiles"; exit 1; }

root="$work/root"
mkdir -p "$root/var/lib/dpkg/info" "$root/var/lib/dpkg/updates"
touch "$root/var/lib/dpkg/status"
dpkg --root="$root" --force-script-chrootless --force-depends -i "$deb" >"$work/dpkg.log" 2>&1 ||
  { cat "$work/dpkg.log"; exit 1; }
dpkg --root="$root" -s siftd | grep -q "Status: install ok installed"
"$root/usr/bin/siftd" --version
"$root/usr/bin/siftd" check-config "$root/etc/siftd/siftd.toml"
echo "package ok: $(basename "$deb")"
