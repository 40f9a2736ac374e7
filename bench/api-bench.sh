#!/bin/sh
# zfs-api's /metrics against the bare listings it needs, on one pool (on VDEV) with DATASETS datasets of SNAPSHOTS
# snapshots each, timed in the same run. bench/run.sh runs it on the zfs-fuse sandbox; any ZFS host will do.
#   api-bench.sh BINARY VDEV DATASETS SNAPSHOTS RUNS
# Prints "metrics <ours_ms> <floor_ms>" (medians of RUNS), "rss <service_peak_kib> <listing_peak_kib>",
# "startup <ms from exec to the first TLS handshake> <ms of python3 -c pass>" and "series <samples in one scrape>".
set -eu
BIN=$1 VDEV=$2 DATASETS=$3 SNAPSHOTS=$4 RUNS=$5
POOL=benchapi
PORT=9743

# A benchapi left by a killed run is on our vdev: remove it; any other is not ours to touch.
if zpool list -H -o name "$POOL" >/dev/null 2>&1; then
  zpool status "$POOL" | grep -qF "$VDEV" || { echo "a pool $POOL exists on other devices: not touching it" >&2; exit 1; }
  zpool destroy "$POOL"
fi
DIR=$(mktemp -d /tmp/api-bench.XXXX)
zpool create -f -m none "$POOL" "$VDEV"
# Managed as the roles leave it: one policy on the parent, inherited by every child (none mounted: zfs-fuse mounts
# through FUSE, and mounts are not what is measured).
zfs create -o zfsansible:policy=bench -o zfsansible:policy_source=explicit -o zfsansible:retention=hourly=24,daily=76 \
  -o zfsansible:replicate=off -o zfsansible:discover_children=on "$POOL/data"
# Concurrent creates share transaction groups: minutes become seconds.
seq 1 "$DATASETS" | xargs -P 8 -I{} zfs create "$POOL/data/d{}"
now=$(date +%s)
i=1
while [ "$i" -le "$SNAPSHOTS" ]; do
  zfs snapshot -r "$POOL/data@zfsansible_$(date -u -d "@$((now - i * 3600))" +%Y-%m-%dT%H:%M:%SZ)_hourly"
  i=$((i + 1))
done

openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout "$DIR/key.pem" -out "$DIR/cert.pem" \
  -days 1 -subj /CN=localhost -addext subjectAltName=DNS:localhost 2>/dev/null
printf '{"listen": "127.0.0.1:%s", "cert": "%s/cert.pem", "key": "%s/key.pem", "cache_seconds": 0, "timeout_seconds": 120}\n' \
  "$PORT" "$DIR" "$DIR" >"$DIR/config.json"

# The listings one collection runs (src/ZfsAnsible.Api/Collection/HostCollector.cs), read whole as the service does.
PROPERTIES=zfsansible:policy,zfsansible:policy_source,zfsansible:retention,zfsansible:replicate,zfsansible:discover_children
PROPERTIES=$PROPERTIES,zfsansible:replica_policy,zfsansible:replica_retention,createtxg,creation,userrefs,zfsansible:replicated
PROPERTIES=$PROPERTIES,type,used,available,referenced,zfsansible:last_success,zfsansible:last_duration_ms,zfsansible:last_bytes
POOLS=$(zpool list -H -o name | tr '\n' ' ')
# zfs-fuse has neither -p nor fragmentation; the service asks for what the implementation has.
ZPOOL_LIST="zpool list -H -p -o name,health,size,allocated,free,capacity,fragmentation"
$ZPOOL_LIST >/dev/null 2>&1 || ZPOOL_LIST="zpool list -H -o name,health,size,allocated,free,capacity"

python3 - "$BIN" "$DIR" "$PORT" "$RUNS" "$PROPERTIES" "$ZPOOL_LIST" $POOLS <<'PY'
import resource, socket, ssl, statistics, subprocess, sys, time, urllib.request
binary, directory, port, runs, properties, zpool_list, pools = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5], sys.argv[6], sys.argv[7:]
listings = [
    zpool_list.split(),
    ["zfs", "get", "-H", "-p", "-r", "-o", "name,property,value,source", properties, *pools],
]
def floor():
    started = time.monotonic()
    for argv in listings:
        subprocess.run(argv, check=True, capture_output=True)
    return (time.monotonic() - started) * 1000
context = ssl.create_default_context(cafile=directory + "/cert.pem")
def scrape():
    started = time.monotonic()
    body = urllib.request.urlopen("https://localhost:%s/metrics" % port, context=context, timeout=300).read()
    return (time.monotonic() - started) * 1000, body
floor()  # warm the ARC as the service's first collection would
listing_peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # before the service is a child too
started = time.monotonic()
service = subprocess.Popen([binary, "serve", "--config", directory + "/config.json"], stderr=subprocess.DEVNULL)
while True:  # up when a TLS handshake completes (an API answer would wait for the first collection)
    try:
        with socket.create_connection(("127.0.0.1", int(port)), timeout=5) as raw, context.wrap_socket(raw, server_hostname="localhost"):
            break
    except OSError:
        time.sleep(0.01)
startup = (time.monotonic() - started) * 1000
try:
    ours, theirs, body = [], [], b""
    for _ in range(runs):  # interleaved, so both see the same cache state
        theirs.append(floor())
        elapsed, body = scrape()
        ours.append(elapsed)
    with open("/proc/%d/status" % service.pid) as status:
        peak = next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
finally:
    service.terminate()
    service.wait()
print("metrics %.1f %.1f" % (statistics.median(ours), statistics.median(theirs)))
print("rss %d %d" % (peak, listing_peak))
def python_start():
    started = time.monotonic()
    subprocess.run(["python3", "-c", "pass"], check=True)
    return (time.monotonic() - started) * 1000
print("startup %.1f %.1f" % (startup, statistics.median(python_start() for _ in range(5))))
print("series %d" % sum(1 for line in body.decode().splitlines() if line and not line.startswith("#")))
PY
zpool destroy "$POOL"
rm -rf "$DIR"
