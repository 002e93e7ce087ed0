#!/bin/sh
# Installs linewatch as a systemd service. Run from a built checkout (mvn -B -ntp package -DskipTests).
#
#   sudo deploy/install.sh            lay out files, create the linewatch user; the service stays off
#   sudo deploy/install.sh --enable   ... then systemctl daemon-reload and enable --now linewatch
#   DESTDIR=/tmp/root deploy/install.sh   only lay out files under /tmp/root (packaging, tests)
#
# Environment: PREFIX (/opt/linewatch), DESTDIR (empty), UNITDIR (/etc/systemd/system),
# LINEWATCH_JAR (target/linewatch.jar), LINEWATCH_LIB (target/lib).
# Every file put under PREFIX, /usr/bin and UNITDIR is listed in $PREFIX/install-manifest, which
# deploy/uninstall.sh reads. An existing /etc/linewatch/linewatch.yaml is never overwritten.
set -eu

usage() { echo "usage: $0 [--enable]" >&2; exit 2; }
die() { echo "install.sh: error: $*" >&2; exit 1; }

enable=no
for arg in "$@"; do
    case "$arg" in
        --enable) enable=yes ;;
        -h|--help) sed -n '2,11p' "$0"; exit 0 ;;
        *) usage ;;
    esac
done

repo=$(cd "$(dirname "$0")/.." && pwd)
DESTDIR=${DESTDIR:-}
PREFIX=${PREFIX:-/opt/linewatch}
UNITDIR=${UNITDIR:-/etc/systemd/system}
jar=${LINEWATCH_JAR:-$repo/target/linewatch.jar}
lib=${LINEWATCH_LIB:-$repo/target/lib}
state=/var/lib/linewatch
etc=/etc/linewatch
example=$repo/deploy/examples/conveyor.yaml

case "$PREFIX" in /*) ;; *) die "PREFIX must be an absolute path, got '$PREFIX'" ;; esac
[ -f "$jar" ] || die "$jar: no such file (build it: mvn -B -ntp package -DskipTests, or set LINEWATCH_JAR)"
[ -d "$lib" ] || die "$lib: no such folder (build it: mvn -B -ntp package -DskipTests, or set LINEWATCH_LIB)"
[ -f "$example" ] || die "$example: no such file"
if [ -n "$DESTDIR" ] && [ "$enable" = yes ]; then
    die "--enable starts the service on this machine; it cannot be used with DESTDIR"
fi
if [ -z "$DESTDIR" ] && [ "$(id -u)" -ne 0 ]; then
    die "run as root (or set DESTDIR to lay out files only)"
fi

manifest=$DESTDIR$PREFIX/install-manifest
mkdir -p "$DESTDIR$PREFIX"
: > "$manifest"

# put MODE SOURCE TARGET: installs one file under DESTDIR and lists TARGET in the manifest.
put() {
    install -D -m "$1" "$2" "$DESTDIR$3"
    echo "$3" >> "$manifest"
}

# The program: the jar, its libraries (the jar's manifest points at lib/), the shipped models and clip.
put 0644 "$jar" "$PREFIX/linewatch.jar"
for f in "$lib"/*.jar; do
    [ -e "$f" ] || die "$lib: no jars in it"
    put 0644 "$f" "$PREFIX/lib/$(basename "$f")"
done
# The four shipped models (detection, thermal hotspots, surface defects, process states) and their model cards.
for model in conveyor-det thermal-hotspot surface-defects process-state; do
    put 0644 "$repo/models/$model.onnx" "$PREFIX/models/$model.onnx"
    put 0644 "$repo/models/$model.md" "$PREFIX/models/$model.md"
done
put 0644 "$repo/samples/conveyor.mp4" "$PREFIX/samples/conveyor.mp4"

# The command: extra JVM options come from LINEWATCH_JAVA_OPTS (the unit sets the JavaCPP cache).
wrapper=$(mktemp)
trap 'rm -f "$wrapper" "$wrapper.yaml"' EXIT
cat > "$wrapper" <<WRAPPER
#!/bin/sh
# linewatch's command line; installed by deploy/install.sh.
exec "\${JAVA:-java}" \${LINEWATCH_JAVA_OPTS:-} -jar $PREFIX/linewatch.jar "\$@"
WRAPPER
put 0755 "$wrapper" /usr/bin/linewatch
put 0644 "$repo/deploy/systemd/linewatch.service" "$UNITDIR/linewatch.service"

# The config, once: paths to the model and clip relative to /etc/linewatch (so they hold under
# DESTDIR too), the daemon's writable state under /var/lib/linewatch.
up=../..$PREFIX
for pattern in ../../models/ ../../samples/ 'event_log: events.jsonl' 'snapshots_dir: snapshots' '#   dir: clips ' 'dir: outbox '; do
    grep -qF "$pattern" "$example" || die "$example: no '$pattern' to point at the installed files"
done
if [ -e "$DESTDIR$etc/linewatch.yaml" ]; then
    echo "install.sh: keeping the existing $DESTDIR$etc/linewatch.yaml"
else
    sed -e "s#\.\./\.\./models/#$up/models/#" \
        -e "s#\.\./\.\./samples/#$up/samples/#" \
        -e "s#event_log: events.jsonl#event_log: $state/events/events.jsonl#" \
        -e "s#snapshots_dir: snapshots#snapshots_dir: $state/snapshots\n  state_dir: $state/state#" \
        -e "s#\#   dir: clips #\#   dir: $state/clips #" \
        -e "s#dir: outbox #dir: $state/outbox #" \
        -e "s#  port: 0 #  port: 9464 #" \
        "$example" > "$wrapper.yaml"
    install -D -m 0640 "$wrapper.yaml" "$DESTDIR$etc/linewatch.yaml"
fi

# The daemon's state: the unit's ReadWritePaths= (they must exist before it starts).
for d in outbox snapshots clips events cache state opcua; do
    install -d -m 0750 "$DESTDIR$state/$d"
done

if [ -n "$DESTDIR" ]; then
    echo "install.sh: laid out linewatch under $DESTDIR (no user, no systemctl)"
    exit 0
fi

# The system user, in group video for /dev/videoN and GPU device nodes.
getent group linewatch >/dev/null || groupadd --system linewatch
getent group video >/dev/null || groupadd --system video
if getent passwd linewatch >/dev/null; then
    usermod -a -G video linewatch
else
    useradd --system --gid linewatch --groups video --home-dir "$state" --no-create-home \
        --shell /usr/sbin/nologin --comment "linewatch daemon" linewatch
fi
chown root:linewatch "$etc/linewatch.yaml"
for d in outbox snapshots clips events cache state opcua; do
    chown linewatch:linewatch "$state/$d"
done
command -v "${JAVA:-java}" >/dev/null 2>&1 || echo "install.sh: warning: no java on PATH; install openjdk-17-jre-headless" >&2

if [ "$enable" = yes ]; then
    systemctl daemon-reload
    systemctl enable --now linewatch
    echo "install.sh: linewatch enabled and started (journalctl -u linewatch -f)"
else
    [ -d /run/systemd/system ] && systemctl daemon-reload
    echo "install.sh: installed; edit $etc/linewatch.yaml, check it with 'linewatch check-config $etc/linewatch.yaml'."
    echo "install.sh: the service is not enabled (it needs the daemon's sd_notify support): deploy/install.sh --enable"
fi
