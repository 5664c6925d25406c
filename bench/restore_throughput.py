"""restore-completed throughput of the mtglacier binary against mtglacier-server, every byte verified.

Puts about 2 GiB in mixed file sizes (one 1 GiB file, four 192 MiB, sixty-four 4 MiB) into a vault
with boto3 under mt2 descriptions, writes the matching journal, runs `mtglacier restore`, then
times `mtglacier restore-completed` into an empty directory for each (segment size, concurrency)
setting, several runs each: wall time, MB/s, and the client's CPU seconds (children rusage).
Each run's output is compared with the source (SHA-256) after the clock stops.

usage: /usr/bin/python3 bench/restore_throughput.py MTGLACIER_BINARY SERVER_BINARY [--runs 3] [--scale 1.0]
"""

import argparse
import base64
import hashlib
import json
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "server"))
from harness import MiB, Server, boto3_client, tree_hash  # noqa: E402

PART = 64 * MiB


def mt2(rel, mtime):
    payload = json.dumps({"filename": rel, "mtime": time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(mtime))},
                         ensure_ascii=False, separators=(",", ":")).encode()
    return "mt2 " + base64.urlsafe_b64encode(payload).decode().rstrip("=")


def upload(g, data, description):
    v = {"accountId": "-", "vaultName": "bench"}
    upload_id = g.initiate_multipart_upload(partSize=str(PART), archiveDescription=description, **v)["uploadId"]
    for start in range(0, len(data), PART):
        chunk = data[start:start + PART]
        g.upload_multipart_part(uploadId=upload_id, body=chunk,
                                range="bytes %d-%d/*" % (start, start + len(chunk) - 1), **v)
    return g.complete_multipart_upload(uploadId=upload_id, archiveSize=str(len(data)),
                                       checksum=tree_hash(data), **v)["archiveId"]


def run(cmd):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.monotonic()
    p = subprocess.run(cmd, capture_output=True, text=True)
    wall = time.monotonic() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if p.returncode != 0:
        sys.exit("%s failed (%d):\n%s%s" % (cmd[1], p.returncode, p.stdout[-2000:], p.stderr[-2000:]))
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("mtglacier")
    ap.add_argument("server")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--scale", type=float, default=1.0, help="fraction of the 2 GiB data set")
    args = ap.parse_args()
    work = tempfile.mkdtemp(prefix="mtg-restore-bench-")
    server = Server(args.server).start()
    try:
        g = boto3_client(server)
        g.create_vault(accountId="-", vaultName="bench")
        sizes = [("one-gib.bin", 1024 * MiB)] + [("mid/%d.bin" % i, 192 * MiB) for i in range(4)] + \
                [("small/%02d.bin" % i, 4 * MiB) for i in range(64)]
        sizes = [(rel, int(size * args.scale)) for rel, size in sizes]
        rng = random.Random(1)
        digests, journal_lines, total = {}, [], 0
        for rel, size in sizes:
            data = b"".join(rng.randbytes(min(MiB, size - i)) for i in range(0, size, MiB))
            mtime = 1600000000 + len(journal_lines)
            archive_id = upload(g, data, mt2(rel, mtime))
            digests[rel] = hashlib.sha256(data).hexdigest()
            journal_lines.append("B\t%d\tCREATED\t%s\t%d\t%d\t%s\t%s\n" %
                                 (int(time.time()), archive_id, size, mtime, tree_hash(data), rel))
            total += size
        journal = os.path.join(work, "journal")
        with open(journal, "w") as f:
            f.writelines(journal_lines)
        cfg = os.path.join(work, "glacier.cfg")
        with open(cfg, "w") as f:
            f.write("key=%s\nsecret=%s\nregion=us-east-1\nendpoint=%s\nvault=bench\n" %
                    (server.access_key, server.secret_key, server.endpoint))
        out = os.path.join(work, "out")
        common = ["--config", cfg, "--dir", out, "--journal", journal]
        run([args.mtglacier, "restore", "--max-number-of-files", "1000"] + common)
        print("data set: %d files, %.0f MiB" % (len(sizes), total / MiB))
        for segment, concurrency in [(0, 4), (64, 4), (16, 2)]:
            walls, cpus = [], []
            for _ in range(args.runs):
                shutil.rmtree(out, ignore_errors=True)
                extra = ["--segment-size", str(segment)] if segment else []
                wall, cpu = run([args.mtglacier, "restore-completed", "--concurrency", str(concurrency)] +
                                extra + common)
                for rel, digest in digests.items():
                    with open(os.path.join(out, rel), "rb") as f:
                        if hashlib.sha256(f.read()).hexdigest() != digest:
                            sys.exit("%s restored wrong" % rel)
                walls.append(wall)
                cpus.append(cpu)
                print("segment %3d MiB, concurrency %d: %.2f s, %.0f MB/s, client CPU %.2f s (%.2f s/GB)" %
                      (segment, concurrency, wall, total / wall / 1e6, cpu, cpu / (total / 1e9)))
            print("median segment %d concurrency %d: %.0f MB/s, client %.2f CPU s/GB" %
                  (segment, concurrency, total / statistics.median(walls) / 1e6,
                   statistics.median(cpus) / (total / 1e9)))
    finally:
        server.stop()
        server.cleanup()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
