"""Single-client multipart upload throughput of mtglacier-server, and the server's CPU cost.

Uploads SIZE bytes as one archive in PART-sized parts over one keep-alive connection. Part
hashes and signatures are computed before the clock starts, so the figure is the server's
(receive + plain SHA-256 check + tree hash + write + fsync), not the client's. CPU seconds come
from /proc/<server pid>/stat (utime + stime) before and after. Prints one line per run and
the medians.

usage: server_upload.py SERVER_BINARY [--size-mib 1024] [--part-mib 64] [--runs 3]
"""

import argparse
import hashlib
import http.client
import os
import shutil
import statistics
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "server"))
from harness import MiB, Server, boto3_client, tree_hash  # noqa: E402


def cpu_seconds(pid):
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def signed_headers(server, method, path, headers, body):
    from botocore.auth import SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials
    hdrs = {"x-amz-glacier-version": "2012-06-01"}
    hdrs.update(headers)
    req = AWSRequest(method=method, url=server.endpoint + path, data=body, headers=hdrs)
    SigV4Auth(Credentials(server.access_key, server.secret_key), "glacier", "us-east-1").add_auth(req)
    return {k: v for k, v in req.headers.items()}


def one_run(binary, data, part):
    server = Server(binary).start()
    try:
        g = boto3_client(server)
        v = {"accountId": "-", "vaultName": "bench"}
        g.create_vault(**v)
        upload_id = g.initiate_multipart_upload(partSize=str(part), **v)["uploadId"]
        path = "/-/vaults/bench/multipart-uploads/" + upload_id
        view = memoryview(data)
        requests = []
        for start in range(0, len(data), part):
            chunk = view[start:start + part]
            headers = signed_headers(server, "PUT", path, {
                "Content-Range": "bytes %d-%d/*" % (start, start + len(chunk) - 1),
                "x-amz-content-sha256": hashlib.sha256(chunk).hexdigest(),
                "x-amz-sha256-tree-hash": tree_hash(bytes(chunk)),
                "Content-Length": str(len(chunk))}, bytes(chunk))
            requests.append((headers, chunk))
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=300)
        cpu0 = cpu_seconds(server.proc.pid)
        t0 = time.perf_counter()
        for headers, chunk in requests:
            conn.putrequest("PUT", path, skip_host=True, skip_accept_encoding=True)
            conn.putheader("Host", "127.0.0.1:%d" % server.port)
            for k, val in headers.items():
                conn.putheader(k, val)
            conn.endheaders()
            conn.send(chunk)
            resp = conn.getresponse()
            resp.read()
            if resp.status != 204:
                raise SystemExit("part upload failed: %d" % resp.status)
        elapsed = time.perf_counter() - t0
        cpu = cpu_seconds(server.proc.pid) - cpu0
        conn.close()
        g.complete_multipart_upload(uploadId=upload_id, archiveSize=str(len(data)),
                                    checksum=tree_hash(data), **v)
        return len(data) / elapsed / 1e6, cpu / (len(data) / 1e9)
    finally:
        server.cleanup()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("server")
    ap.add_argument("--size-mib", type=int, default=1024)
    ap.add_argument("--part-mib", type=int, default=64)
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    seed = os.urandom(16 * MiB)
    data = (seed * (args.size_mib // 16 + 1))[:args.size_mib * MiB]
    speeds, cpus = [], []
    for i in range(args.runs):
        mbps, cpu_per_gb = one_run(args.server, data, args.part_mib * MiB)
        speeds.append(mbps)
        cpus.append(cpu_per_gb)
        print("run %d: %.0f MB/s, server CPU %.2f s per GB" % (i + 1, mbps, cpu_per_gb), flush=True)
    print("median: %.0f MB/s, server CPU %.2f s per GB (%d MiB in %d MiB parts, %d runs)" % (
        statistics.median(speeds), statistics.median(cpus), args.size_mib, args.part_mib, args.runs))


if __name__ == "__main__":
    main()
