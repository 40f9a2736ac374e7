#!/usr/bin/env python3
"""VictoriaMetrics with a simulated year of the fleet's zfs-api series (docs/metrics.md; docs/architecture.md, Benchmarks).

    vm-bench.py WORKDIR [--hosts 6] [--datasets 8] [--days 365]

Generates the series six zfs-api hosts export (pool health, sizes; dataset sizes; snapshot compliance per
interval; replication on the backup servers; the collection's own), one sample a minute for DAYS days
ending now, with realistic shapes (steady growth with noise, sawtooth snapshot ages, step-wise replication
times, a degraded afternoon), and loads them:
  - the whole span into a fresh VictoriaMetrics through its import API (/api/v1/import, JSON lines);
  - the first week into a second VictoriaMetrics and into Prometheus' TSDB (promtool tsdb
    create-blocks-from openmetrics, then a Prometheus server on those blocks), the same samples for both.
Then measures bytes per sample on disk (after a flush) and the latency of every dashboard panel's query
over the whole span (query_range, ~1000 points, median of 3) and over the week on both stores.
Prints result lines for bench/run.sh:
  bytes1y <vm_year_bytes_per_sample> <vm_week_bytes_per_sample>
  bytes7d <vm_week_bytes_per_sample> <prometheus_week_bytes_per_sample>
  panel7d <vm_week_heaviest_ms> <prometheus_week_same_panel_ms> <panel title>
  panel1y <vm_year_heaviest_ms> <vm_year_same_panel_over_7d_ms> <panel title>
  samples <year samples> <week samples> <series>
Progress goes to stderr.
"""
import argparse, gzip, json, math, os, random, re, shutil, socket, statistics, subprocess, sys, time, urllib.parse, urllib.request

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
DASHBOARD = os.path.join(ROOT, "ansible/roles/victoriametrics/files/grafana/zfsansible-fleet.json")
STEP = 60
INTERVALS = {"frequently": 900, "hourly": 3600, "daily": 86400, "weekly": 604800, "monthly": 2592000}
STATES = ["ONLINE", "DEGRADED", "FAULTED", "OFFLINE", "UNAVAIL", "REMOVED", "SUSPENDED"]


def log(message):
    print(f"vm-bench: {message}", file=sys.stderr, flush=True)


def fleet(hosts, datasets):
    """(labels, shape) for every series; a shape is a function of the minute index n."""
    rng = random.Random(42)
    series = []
    names = ["host-storage", "host-homeassistant", "dns", "host-backups", "host-albion", "belinda"]
    for h in range(hosts):
        host = names[h] if h < len(names) else f"host-{h}"
        pool = f"pool{h}"
        size = rng.choice([2, 4, 8]) * 2**40
        start = size * rng.uniform(0.2, 0.5)
        growth = size * rng.uniform(0.0002, 0.001) / 1440  # per minute
        degraded = (rng.randrange(0, 300 * 1440), 240)     # one afternoon
        alloc = lambda n, s=start, g=growth: int(s + g * n + rng.gauss(0, 2**20))
        base = {"hostname": host, "pool": pool}
        for state in STATES:
            if state == "ONLINE":
                series.append(({"__name__": "zfs_pool_health", **base, "state": state}, lambda n, d=degraded: 0 if d[0] <= n < d[0] + d[1] else 1))
            elif state == "DEGRADED":
                series.append(({"__name__": "zfs_pool_health", **base, "state": state}, lambda n, d=degraded: 1 if d[0] <= n < d[0] + d[1] else 0))
            else:
                series.append(({"__name__": "zfs_pool_health", **base, "state": state}, lambda n: 0))
        series.append(({"__name__": "zfs_pool_size_bytes", **base}, lambda n, s=size: s))
        series.append(({"__name__": "zfs_pool_allocated_bytes", **base}, alloc))
        series.append(({"__name__": "zfs_pool_free_bytes", **base}, lambda n, s=size, a=alloc: s - a(n)))
        series.append(({"__name__": "zfs_pool_capacity_ratio", **base}, lambda n, s=size, a=alloc: round(a(n) / s, 4)))
        series.append(({"__name__": "zfs_pool_fragmentation_ratio", **base}, lambda n: round(0.05 + n / 525600 * 0.1, 2)))
        for d in range(datasets):
            dataset = f"{pool}/ds{d}"
            policy = ["critical", "standard", "scratch"][d % 3]
            labels = {**base, "dataset": dataset, "policy": policy}
            used0, used_growth = rng.uniform(1, 200) * 2**30, rng.uniform(0, 50) * 2**20 / 1440
            series.append(({"__name__": "zfs_dataset_used_bytes", **labels}, lambda n, u=used0, g=used_growth: int(u + g * n + rng.gauss(0, 2**16))))
            series.append(({"__name__": "zfs_dataset_referenced_bytes", **labels}, lambda n, u=used0, g=used_growth: int(0.8 * (u + g * n))))
            series.append(({"__name__": "zfs_dataset_available_bytes", **labels}, lambda n, s=size, a=alloc: s - a(n)))
            series.append(({"__name__": "zfs_dataset_snapshots", **labels}, lambda n: 104))
            keeps = {"critical": {"frequently": 4, "hourly": 48, "daily": 30, "monthly": 12}, "standard": {"hourly": 24, "daily": 14, "weekly": 4}, "scratch": {"hourly": 6}}[policy]
            for interval, target in keeps.items():
                ilabels = {**labels, "interval": interval}
                seconds = INTERVALS[interval]
                fill = lambda n, t=target, sec=seconds: min(t, 1 + (n * 60) // sec)
                series.append(({"__name__": "zfs_snapshot_retention_target", **ilabels}, lambda n, t=target: t))
                series.append(({"__name__": "zfs_snapshot_retained", **ilabels}, fill))
                series.append(({"__name__": "zfs_snapshot_compliance_ratio", **ilabels}, lambda n, t=target, f=fill: round(f(n) / t, 4)))
                series.append(({"__name__": "zfs_snapshot_newest_age_seconds", **ilabels}, lambda n, sec=seconds: (n * 60) % sec))
            if h in (3, 5):  # the backup servers hold replicas of every other host's datasets
                for source in range(hosts):
                    rlabels = {"hostname": host, "pool": pool, "dataset": f"{pool}/backups/raw/{names[source % len(names)]}/ds{d}", "policy": policy}
                    series.append(({"__name__": "zfs_replication_last_success_timestamp_seconds", **rlabels}, None))  # filled below
                    series.append(({"__name__": "zfs_replication_last_bytes", **rlabels}, lambda n: int(abs(rng.gauss(50, 30)) * 2**20)))
                    series.append(({"__name__": "zfs_replication_last_duration_seconds", **rlabels}, lambda n: round(abs(rng.gauss(20, 5)), 3)))
        for name, shape in [("zfs_api_collection_duration_seconds", lambda n: round(abs(rng.gauss(0.4, 0.1)), 4)),
                            ("zfs_api_collection_success", lambda n: 1), ("zfs_api_policy_problems", lambda n: 0),
                            ("zfs_api_collections_total", lambda n: n * 6), ("zfs_api_collection_errors_total", lambda n: n // 100000),
                            ("up", lambda n: 1)]:
            series.append(({"__name__": name, "hostname": host, **({"job": "zfs-api", "instance": f"{host}:9742"} if name == "up" else {})}, shape))
    for labels, _ in series:
        labels.setdefault("job", "zfs-api")
        labels.setdefault("instance", f"{labels['hostname']}:9742")
    return series


def values(shape, labels, start_ts, count):
    if shape is None:  # the hourly pull's last success: a step every hour
        return [float(start_ts + (n * 60) // 3600 * 3600) for n in range(count)]
    return [shape(n) for n in range(count)]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(argv, port, log_path):
    process = subprocess.Popen(argv, stdout=open(log_path, "w"), stderr=subprocess.STDOUT)
    for _ in range(600):
        try:
            socket.create_connection(("127.0.0.1", port), 0.2).close()
            return process
        except OSError:
            if process.poll() is not None:
                raise SystemExit(f"{argv[0]} exited: {open(log_path).read()[-500:]}")
            time.sleep(0.1)
    raise SystemExit(f"{argv[0]} did not listen")


def du(path):
    return sum(os.path.getsize(os.path.join(d, f)) for d, _, files in os.walk(path) for f in files)


def get(url, timeout=600):
    with urllib.request.urlopen(url, timeout=timeout) as response:
        return response.read()


def panel_queries():
    dashboard = json.load(open(DASHBOARD))
    for panel in dashboard["panels"]:
        for target in panel.get("targets", []):
            yield panel["title"], target["expr"].replace("$hostname", ".*").replace("$pool", ".*")


def time_query(base, expr, start_ts, end_ts, runs=3):
    step = max(60, (end_ts - start_ts) // 1000)
    url = f"{base}/api/v1/query_range?" + urllib.parse.urlencode({"query": expr, "start": start_ts, "end": end_ts, "step": step, "nocache": 1})
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        answer = json.loads(get(url))
        times.append((time.perf_counter() - t) * 1000)
        if answer.get("status") != "success":
            raise SystemExit(f"query failed: {expr}: {answer}")
    return statistics.median(times), len(answer["data"]["result"])


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("workdir")
    parser.add_argument("--hosts", type=int, default=6)
    parser.add_argument("--datasets", type=int, default=8)
    parser.add_argument("--days", type=int, default=365)
    args = parser.parse_args()
    work = args.workdir
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    count = args.days * 1440
    week = min(count, 7 * 1440)
    end_ts = int(time.time()) // 60 * 60 - 600
    start_ts = end_ts - (count - 1) * 60
    series = fleet(args.hosts, args.datasets)
    log(f"{len(series)} series x {count} samples ({len(series) * count / 1e6:.0f} M), {args.days} days to {time.strftime('%Y-%m-%d %H:%M', time.gmtime(end_ts))}")

    vm_year_port, vm_week_port, prom_port = free_port(), free_port(), free_port()
    year = start(["victoria-metrics", f"-storageDataPath={work}/vm-year", "-retentionPeriod=2y", f"-httpListenAddr=127.0.0.1:{vm_year_port}",
                  "-search.latencyOffset=0s", "-search.disableCache"], vm_year_port, f"{work}/vm-year.log")
    weekly = start(["victoria-metrics", f"-storageDataPath={work}/vm-week", "-retentionPeriod=2y", f"-httpListenAddr=127.0.0.1:{vm_week_port}",
                    "-search.latencyOffset=0s", "-search.disableCache"], vm_week_port, f"{work}/vm-week.log")
    try:
        timestamps_ms = ",".join(str((start_ts + n * 60) * 1000) for n in range(count))
        week_ms = ",".join(str((start_ts + n * 60) * 1000) for n in range(week))
        t0 = time.time()
        openmetrics = open(f"{work}/week.om", "w")
        batch, week_batch = [], []

        def flush(port, lines):
            if lines:
                body = gzip.compress("".join(lines).encode(), 1)
                request = urllib.request.Request(f"http://127.0.0.1:{port}/api/v1/import", data=body, headers={"Content-Encoding": "gzip"})
                urllib.request.urlopen(request, timeout=600).read()
                lines.clear()

        for i, (labels, shape) in enumerate(series):
            v = values(shape, labels, start_ts, count)
            metric = json.dumps(labels)
            text = ",".join(map(repr, v)) if isinstance(v[0], float) else ",".join(map(str, v))
            batch.append(f'{{"metric":{metric},"values":[{text}],"timestamps":[{timestamps_ms}]}}\n')
            week_text = ",".join(map(str, v[:week]))
            week_batch.append(f'{{"metric":{metric},"values":[{week_text}],"timestamps":[{week_ms}]}}\n')
            name = labels["__name__"]
            label_text = ",".join(f'{k}="{val}"' for k, val in labels.items() if k != "__name__")
            openmetrics.writelines(f"{name}{{{label_text}}} {v[n]} {start_ts + n * 60}\n" for n in range(week))
            if len(batch) >= 8:
                flush(vm_year_port, batch)
                flush(vm_week_port, week_batch)
            if i % 100 == 0:
                log(f"  {i}/{len(series)} series loaded ({time.time() - t0:.0f} s)")
        flush(vm_year_port, batch)
        flush(vm_week_port, week_batch)
        openmetrics.write("# EOF\n")
        openmetrics.close()
        log(f"imported in {time.time() - t0:.0f} s")
        for port in (vm_year_port, vm_week_port):
            get(f"http://127.0.0.1:{port}/internal/force_flush")
        time.sleep(5)

        log("Prometheus TSDB blocks from the same week (promtool tsdb create-blocks-from openmetrics)")
        subprocess.run(["promtool", "tsdb", "create-blocks-from", "openmetrics", f"{work}/week.om", f"{work}/prom"], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.remove(f"{work}/week.om")
        with open(f"{work}/prometheus.yml", "w") as config:
            config.write("scrape_configs: []\n")
        prom = start(["prometheus", f"--config.file={work}/prometheus.yml", f"--storage.tsdb.path={work}/prom", "--storage.tsdb.retention.time=10y",
                      f"--web.listen-address=127.0.0.1:{prom_port}"], prom_port, f"{work}/prometheus.log")
        try:
            # promtool writes 2-hour blocks; the server compacts them as it would its own (2h, 6h, 18h, 54h, ...):
            # measured once the number of blocks stops falling.
            blocks = lambda: [b for b in os.listdir(f"{work}/prom") if re.match(r"^[0-9A-Z]{26}$", b)]
            previous, stable_since = len(blocks()), time.time()
            deadline = time.time() + 300
            while time.time() < deadline and time.time() - stable_since < 70:
                time.sleep(5)
                if len(blocks()) != previous:
                    previous, stable_since = len(blocks()), time.time()
            log(f"Prometheus: {previous} blocks after compaction")
            vm_year_bytes = du(f"{work}/vm-year/data") + du(f"{work}/vm-year/indexdb")
            vm_week_bytes = du(f"{work}/vm-week/data") + du(f"{work}/vm-week/indexdb")
            prom_bytes = sum(du(os.path.join(f"{work}/prom", b)) for b in blocks())
            year_samples, week_samples = len(series) * count, len(series) * week
            print(f"bytes1y {vm_year_bytes / year_samples:.3f} {vm_week_bytes / week_samples:.3f}")
            print(f"bytes7d {vm_week_bytes / week_samples:.3f} {prom_bytes / week_samples:.3f}")

            week_end = start_ts + (week - 1) * 60
            heaviest = None
            for title, expr in panel_queries():
                ms, n = time_query(f"http://127.0.0.1:{vm_year_port}", expr, start_ts, end_ts)
                log(f"  1y  {ms:8.1f} ms  {n:4d} series  {title}")
                if heaviest is None or ms > heaviest[0]:
                    heaviest = (ms, title, expr)
            ms_year, title, expr = heaviest
            ms_year_7d, _ = time_query(f"http://127.0.0.1:{vm_year_port}", expr, end_ts - 7 * 86400, end_ts)
            print(f"panel1y {ms_year:.1f} {ms_year_7d:.1f} {title}")
            heaviest_week = None
            for title, expr in panel_queries():
                ours, _ = time_query(f"http://127.0.0.1:{vm_week_port}", expr, start_ts, week_end)
                theirs, _ = time_query(f"http://127.0.0.1:{prom_port}", expr, start_ts, week_end)
                if heaviest_week is None or ours > heaviest_week[0]:
                    heaviest_week = (ours, theirs, title)
            print(f"panel7d {heaviest_week[0]:.1f} {heaviest_week[1]:.1f} {heaviest_week[2]}")
            print(f"samples {year_samples} {week_samples} {len(series)}")
        finally:
            prom.terminate()
            prom.wait()
    finally:
        for process in (year, weekly):
            process.terminate()
            process.wait()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
