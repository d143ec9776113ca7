#!/usr/bin/env bash
# The file system the OCI image adds to an empty (scratch) base: a Java runtime made by jlink with only
# the modules Liaison uses, the shared libraries that runtime loads (found with ldd, copied from this
# build host), a passwd entry for the unprivileged user, the shipped configuration in /etc/liaison
# (data.dir = /var/lib/liaison/data) and the volume's mount point. Run by `mvn -Pimage package`
# (sip-server/pom.xml) before Jib; usage: runtime-root.sh CONF_DIR OUTPUT_DIR
# No base image is pulled, so no registry is needed (docs/operations.md "Image (OCI, Jib)").
set -euo pipefail
CONF_DIR=$1
ROOT=$2
# jdeps over sip-server and its dependencies, plus what is loaded by name: jdk.crypto.ec (TLS with EC
# keys), jdk.naming.dns and java.naming (lettuce's DNS), jdk.management (JVM metrics), jdk.unsupported
# (Netty, sun.misc.Signal), java.desktop (ZXing's PNG writer, headless).
MODULES=java.base,java.logging,java.management,java.naming,java.desktop,java.sql,java.xml,java.net.http,jdk.crypto.ec,jdk.naming.dns,jdk.management,jdk.unsupported,jdk.zipfs
rm -rf "$ROOT"
mkdir -p "$ROOT/etc" "$ROOT/var/lib/liaison" "$ROOT/tmp"
jlink --add-modules "$MODULES" --strip-debug --no-man-pages --no-header-files --compress=2 --output "$ROOT/opt/java"

# Every shared library the runtime's executables and libraries need, at the path the loader looks for it.
copy_with_links() {
  local file=$1
  while :; do
    mkdir -p "$ROOT$(dirname "$file")"
    cp -P "$file" "$ROOT$file"
    [ -L "$file" ] || break
    local target
    target=$(readlink "$file")
    case $target in /*) file=$target ;; *) file=$(dirname "$file")/$target ;; esac
  done
}
# ldd lines: "libz.so.1 => /lib/x86_64-linux-gnu/libz.so.1 (0x...)" and "/lib64/ld-linux-x86-64.so.2 (0x...)";
# the runtime's own libraries (under $ROOT) are there already; the X11 ones are never loaded headless.
find "$ROOT/opt/java" -type f \( -name '*.so' -o -path '*/bin/*' \) \
  ! -name libawt_xawt.so ! -name libsplashscreen.so ! -name libjawt.so -print0 |
  xargs -0 ldd 2>/dev/null | awk '$2 == "=>" && $3 ~ /^\// {print $3} $1 ~ /^\// && $2 ~ /^\(/ {print $1}' |
  grep -v "^$ROOT/" | sort -u |
  while read -r lib; do copy_with_links "$lib"; done
# Netty's epoll library is unpacked from its jar at run time and loaded from /tmp: it needs only libc.

cat > "$ROOT/etc/passwd" <<'PASSWD'
root:x:0:0:root:/root:/sbin/nologin
liaison:x:65532:65532:Liaison:/var/lib/liaison:/sbin/nologin
PASSWD
cat > "$ROOT/etc/group" <<'GROUP'
root:x:0:
liaison:x:65532:
GROUP
echo 'hosts: files dns' > "$ROOT/etc/nsswitch.conf"

mkdir -p "$ROOT/etc/liaison"
cp -R "$CONF_DIR"/. "$ROOT/etc/liaison/"
sed -i 's#^data\.dir *=.*#data.dir = /var/lib/liaison/data#' "$ROOT/etc/liaison/liaison.properties"
