"""Crash safety: kill -9 the server while a part is streaming in, restart it on the same store.
Acknowledged archives must be intact, and the multipart upload still listed and resumable.

usage: kill9_test.py SERVER_BINARY
"""

import hashlib
import http.client
import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import MiB, Server, boto3_client, check, pattern, run_main, tree_hash  # noqa: E402


def start_slow_part(server, upload_id, start, chunk):
    """Sends the headers and half the body of an upload-part, then leaves it hanging."""
    from botocore.auth import SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials
    path = "/-/vaults/v/multipart-uploads/" + upload_id
    headers = {"x-amz-glacier-version": "2012-06-01",
               "Content-Range": "bytes %d-%d/*" % (start, start + len(chunk) - 1),
               "x-amz-content-sha256": hashlib.sha256(chunk).hexdigest(),
               "x-amz-sha256-tree-hash": tree_hash(chunk),
               "Content-Length": str(len(chunk))}
    req = AWSRequest(method="PUT", url=server.endpoint + path, data=chunk, headers=headers)
    SigV4Auth(Credentials(server.access_key, server.secret_key), "glacier", "us-east-1").add_auth(req)
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    conn.putrequest("PUT", path, skip_host=True, skip_accept_encoding=True)
    conn.putheader("Host", "127.0.0.1:%d" % server.port)
    for k, val in req.prepare().headers.items():
        if k.lower() != "host":
            conn.putheader(k, val)
    conn.endheaders()
    for i in range(0, len(chunk) // 2, 64 * 1024):
        conn.send(chunk[i:i + 64 * 1024])
        time.sleep(0.01)
    return conn


def retrieve(g, v, archive_id):
    job = g.initiate_job(jobParameters={"Type": "archive-retrieval", "ArchiveId": archive_id}, **v)["jobId"]
    return g.get_job_output(jobId=job, **v)["body"].read()


def scenario(binary):
    server = Server(binary).start()
    try:
        g = boto3_client(server)
        v = {"accountId": "-", "vaultName": "v"}
        g.create_vault(**v)
        single = pattern(70000, seed=11)
        single_id = g.upload_archive(body=single, archiveDescription="single", **v)["archiveId"]
        data = pattern(5 * MiB + 17, seed=12)
        upload_id = g.initiate_multipart_upload(partSize=str(MiB), archiveDescription="resumed", **v)["uploadId"]
        for start in (0, MiB):
            g.upload_multipart_part(uploadId=upload_id, body=data[start:start + MiB],
                                    range="bytes %d-%d/*" % (start, start + MiB - 1), **v)
        conn = start_slow_part(server, upload_id, 2 * MiB, data[2 * MiB:3 * MiB])
        time.sleep(0.2)
        server.kill9()
        conn.close()

        # Same store, same account, new process.
        server.start()
        g = boto3_client(server)
        d = g.describe_vault(**v)
        check(d["VaultName"] == "v", "vault after restart: %s" % d)
        check(retrieve(g, v, single_id) == single, "acknowledged archive changed after kill -9")
        uploads = g.list_multipart_uploads(**v)["UploadsList"]
        check([u["MultipartUploadId"] for u in uploads] == [upload_id], "upload not listed: %s" % uploads)
        parts = g.list_parts(uploadId=upload_id, **v)["Parts"]
        ranges = [p["RangeInBytes"] for p in parts]
        check(ranges[:2] == ["0-%d" % (MiB - 1), "%d-%d" % (MiB, 2 * MiB - 1)] and
              "%d-%d" % (2 * MiB, 3 * MiB - 1) not in ranges,
              "parts after restart: %s" % ranges)
        for start in range(2 * MiB, len(data), MiB):
            chunk = data[start:start + MiB]
            g.upload_multipart_part(uploadId=upload_id, body=chunk,
                                    range="bytes %d-%d/*" % (start, start + len(chunk) - 1), **v)
        done = g.complete_multipart_upload(uploadId=upload_id, archiveSize=str(len(data)),
                                           checksum=tree_hash(data), **v)
        check(retrieve(g, v, done["archiveId"]) == data, "resumed archive bytes differ")
        inv = g.initiate_job(jobParameters={"Type": "inventory-retrieval"}, **v)["jobId"]
        listed = {a["ArchiveId"] for a in json.loads(g.get_job_output(jobId=inv, **v)["body"].read())["ArchiveList"]}
        check(listed == {single_id, done["archiveId"]}, "inventory after restart: %s" % listed)
    finally:
        server.cleanup()


if __name__ == "__main__":
    run_main(scenario)
