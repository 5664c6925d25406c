"""Benchmarks of `mtglacier sync` against mtglacier-server on loopback.

1. Upload: a ~2 GiB tree of mixed sizes (256 MiB, 32 MiB, 1 MiB and 16 KiB files), fresh journal
   and vault each run. Reports wall time, throughput, the client's CPU seconds per GB (from
   wait4's rusage of the client process alone) and its peak RSS, against the floor: two SHA-256
   passes per byte (a plain one for the signature, the tree hash for Glacier) at the speed
   `openssl speed -evp sha256` measures on this machine right before each run. The tree is
   synced to disk once after it is generated.
2. No change: 100,000 one-byte files already in the journal (written here directly, with the
   right sizes, mtimes and tree hashes), `sync --new --replace-modified`: wall time and peak RSS.

usage: sync_bench.py MTGLACIER SERVER [--runs 3] [--gib 2] [--files 100000] [--skip-upload]
"""

import argparse
import hashlib
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "server"))
from harness import Server  # noqa: E402

MiB = 1 << 20


def run_client(args, env):
    """Runs the client; returns (wall seconds, cpu seconds, max rss MiB, stdout) of that process.

    CPU comes from wait4 (the client's own rusage; the server, also our child, is not mixed in).
    Peak RSS comes from /usr/bin/time, which the client runs under: a high-water mark taken from
    wait4 would start at this Python process's size, inherited at fork and kept across exec."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err, \
            tempfile.NamedTemporaryFile(mode="r") as rss_file:
        start = time.monotonic()
        proc = subprocess.Popen(["/usr/bin/time", "-o", rss_file.name, "-f", "%M"] + args, env=env,
                                stdout=out, stderr=err)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.monotonic() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        text = out.read().decode()
        if proc.returncode != 0:
            sys.exit("client failed (%d): %s %s" % (proc.returncode, text[-2000:], err.read().decode()[-2000:]))
        rss_kib = int(rss_file.read().strip().splitlines()[-1])
    return wall, usage.ru_utime + usage.ru_stime, rss_kib / 1024.0, text


def make_tree(root, gib):
    block = os.urandom(64 * MiB)
    layout = [(256 * MiB, 5), (32 * MiB, 16), (1 * MiB, 200), (16 * 1024, 2000)]
    scale = gib / 2.0
    total = 0
    for size, count in layout:
        count = max(1, int(count * scale))
        d = os.path.join(root, "s%d" % size)
        os.makedirs(d, exist_ok=True)
        for i in range(count):
            with open(os.path.join(d, "f%05d" % i), "wb") as f:
                f.write(i.to_bytes(8, "little") * 1)  # makes every file distinct
                left = size - 8
                while left > 0:
                    n = min(left, len(block))
                    f.write(block[:n])
                    left -= n
            total += size
    return total


def openssl_floor_s_per_gb():
    out = subprocess.run(["openssl", "speed", "-seconds", "2", "-bytes", str(MiB), "-evp", "sha256"],
                         capture_output=True, text=True).stdout
    m = re.search(r"^sha256\s+([\d.]+)k", out, re.M)
    if not m:
        return None
    bytes_per_s = float(m.group(1)) * 1000
    return 2 * 1e9 / bytes_per_s  # two passes per byte


def upload_bench(mtglacier, server_bin, runs, gib):
    tmp = tempfile.mkdtemp(prefix="mtg-sync-bench-")
    try:
        data = os.path.join(tmp, "data")
        total = make_tree(data, gib)
        # Files a backup reads are normally on disk already; without this the first run would
        # also pay for writing back the tree just generated.
        os.sync()
        print("tree: %.2f GiB in %d files" % (total / (1 << 30), sum(len(fs) for _, _, fs in os.walk(data))))
        results = []
        for run in range(runs):
            # The floor is measured right before each run: on a shared machine both drift together.
            floor = openssl_floor_s_per_gb()
            server = Server(server_bin).start()
            try:
                env = server.env()
                base = [mtglacier, "--endpoint", server.endpoint]
                subprocess.run(base[:1] + ["create-vault", "bench"] + base[1:], env=env, check=True,
                               stdout=subprocess.DEVNULL)
                journal = os.path.join(tmp, "journal%d" % run)
                wall, cpu, rss, out = run_client([mtglacier, "sync", "--dir", data, "--vault", "bench", "--journal",
                                                  journal, "--endpoint", server.endpoint, "--concurrency", "4",
                                                  "--quiet"], env)
                gb = total / 1e9
                results.append((wall, cpu / gb, floor, (cpu / gb) / floor if floor else 0))
                print("run %d: %.1f s, %.0f MB/s, client CPU %.2f s = %.3f s/GB; floor %s s/GB; %.2fx floor; "
                      "peak RSS %.0f MiB" % (run + 1, wall, total / wall / 1e6, cpu, cpu / gb,
                                             "%.3f" % floor if floor else "?", results[-1][3], rss))
            finally:
                server.cleanup()  # its store holds a copy of the whole tree
        wall = statistics.median(r[0] for r in results)
        spg = statistics.median(r[1] for r in results)
        floor = statistics.median(r[2] or 0 for r in results)
        ratio = statistics.median(r[3] for r in results)
        print("median: %.0f MB/s, client %.3f s/GB, floor %.3f s/GB (2 x openssl sha256); "
              "ratio %.2fx the two-pass floor (median of the per-run ratios)" % (total / wall / 1e6, spg, floor, ratio))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def tree_hash_1byte(b):
    return hashlib.sha256(b).hexdigest()


def nochange_bench(mtglacier, runs, files):
    tmp = tempfile.mkdtemp(prefix="mtg-sync-nochange-")
    try:
        data = os.path.join(tmp, "data")
        lines = []
        mtime = 1500000000
        for i in range(files):
            rel = "d%03d/file %06d.txt" % (i % 1000, i)
            path = os.path.join(data, rel)
            if i < 1000:
                os.makedirs(os.path.dirname(path), exist_ok=True)
            content = bytes([i % 256])
            with open(path, "wb") as f:
                f.write(content)
            os.utime(path, (mtime, mtime))
            archive_id = hashlib.sha256(rel.encode()).hexdigest() * 2
            lines.append("B\t1600000000\tCREATED\t%s\t1\t%d\t%s\t%s\n" %
                         (archive_id[:138], mtime, tree_hash_1byte(content), rel))
        journal = os.path.join(tmp, "journal")
        with open(journal, "w") as f:
            f.writelines(lines)
        env = dict(os.environ, AWS_ACCESS_KEY_ID="AKIDBENCH", AWS_SECRET_ACCESS_KEY="bench-secret")
        walls, rss_all = [], []
        for run in range(runs):
            wall, _, rss, out = run_client([mtglacier, "sync", "--dir", data, "--vault", "bench", "--journal", journal,
                                    "--endpoint", "http://127.0.0.1:9", "--new", "--replace-modified", "--quiet"],
                                   env)
            if "0 uploaded, 0 replaced, 0 unchanged, 0 deleted, 0 failed" not in out:
                sys.exit("unexpected work in a no-change sync: " + out[-500:])
            walls.append(wall)
            rss_all.append(rss)
            print("no-change sync of %d files, run %d: %.2f s" % (files, run + 1, wall))
        print("median: %.2f s; peak RSS %.0f MiB" % (statistics.median(walls), max(rss_all)))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("mtglacier")
    p.add_argument("server")
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--gib", type=float, default=2.0)
    p.add_argument("--files", type=int, default=100000)
    p.add_argument("--skip-upload", action="store_true")
    a = p.parse_args()
    nochange_bench(a.mtglacier, a.runs, a.files)
    if not a.skip_upload:
        upload_bench(a.mtglacier, a.server, a.runs, a.gib)


if __name__ == "__main__":
    main()
