#!/usr/bin/env bash
# Checks the image `mvn -Pimage package` wrote (default sip-server/target/liaison-image.tar, an OCI
# layout): its config runs as a non-root user, with /var/lib/liaison as a volume and the jlink'd
# runtime as entrypoint. With --run (as root, no container runtime needed) it also unpacks the layers
# and starts the server from them with chroot as that user, until it logs that it serves.
# usage: check-image.sh [--run] [IMAGE.tar]   (ImageTest runs it in `mvn test` when .ci/run built the image)
set -euo pipefail
RUN=no
if [ "${1:-}" = "--run" ]; then RUN=yes; shift; fi
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
TAR=${1:-$HERE/sip-server/target/liaison-image.tar}
WORK=$(mktemp -d)
cleanup() {
  if [ -n "${SERVER:-}" ]; then kill "$SERVER" 2>/dev/null; wait "$SERVER" 2>/dev/null; fi
  mountpoint -q "$WORK/rootfs/proc" 2>/dev/null && umount "$WORK/rootfs/proc"
  rm -rf "$WORK"
}
trap cleanup EXIT
tar -xf "$TAR" -C "$WORK"
python3 - "$WORK" <<'PY'
import json, os, sys
work = sys.argv[1]
blob = lambda digest: os.path.join(work, "blobs", *digest.split(":"))
index = json.load(open(os.path.join(work, "index.json")))
manifest = json.load(open(blob(index["manifests"][0]["digest"])))
config = json.load(open(blob(manifest["config"]["digest"])))["config"]
user = config.get("User", "")
problems = []
if user.split(":")[0] in ("", "0", "root"):
    problems.append("runs as root (User=%r)" % user)
if "/var/lib/liaison" not in config.get("Volumes", {}):
    problems.append("/var/lib/liaison is not a volume")
if config.get("Entrypoint", [""])[0] != "/opt/java/bin/java":
    problems.append("entrypoint %r" % config.get("Entrypoint"))
if problems:
    sys.exit("image config: " + "; ".join(problems))
print("image config: User=%s, volumes %s, %d exposed ports" % (user, sorted(config["Volumes"]), len(config.get("ExposedPorts", {}))))
with open(os.path.join(work, "layers"), "w") as out:
    out.write("".join(blob(layer["digest"]) + "\n" for layer in manifest["layers"]))
with open(os.path.join(work, "command"), "w") as out:
    out.write("\0".join(config["Entrypoint"] + config.get("Cmd", [])))
with open(os.path.join(work, "user"), "w") as out:
    out.write(user)
PY
[ "$RUN" = yes ] || exit 0

mkdir -p "$WORK/rootfs"
while read -r layer; do tar --warning=no-unknown-keyword -xzf "$layer" -C "$WORK/rootfs"; done < "$WORK/layers"
mkdir -p "$WORK/rootfs/proc"
mount --bind /proc "$WORK/rootfs/proc"
# the shipped configuration (SIP over TLS only) on other ports (IMAGE_TLS_PORT, IMAGE_HTTPS_PORT,
# IMAGE_ADMIN_PORT), so the check can run beside anything else
sed -i -e 's/^sip.tls.port.*//; s/^http.port.*//; s/^admin.port.*//' "$WORK/rootfs/etc/liaison/liaison.properties"
printf 'sip.tls.port = %s\nhttp.port = %s\nadmin.port = %s\n' \
    "${IMAGE_TLS_PORT:-25061}" "${IMAGE_HTTPS_PORT:-28443}" "${IMAGE_ADMIN_PORT:-29090}" \
    >> "$WORK/rootfs/etc/liaison/liaison.properties"
mapfile -d '' -t COMMAND < "$WORK/command"
touch "$WORK/server.log"
# chroot execs the JVM, so $! is the server's own process
chroot --userspec="$(cat "$WORK/user")" "$WORK/rootfs" "${COMMAND[@]}" > "$WORK/server.log" 2>&1 &
SERVER=$!
for _ in $(seq 60); do
  if grep -q "serving sip domain" "$WORK/server.log"; then
    echo "the server started from the image as $(cat "$WORK/user"):"
    grep "serving sip domain" "$WORK/server.log"
    ls -ln "$WORK/rootfs/var/lib/liaison"
    exit 0
  fi
  kill -0 "$SERVER" 2>/dev/null || break
  sleep 1
done
cat "$WORK/server.log"
exit 1
