"""Writes the seed corpus of fuzz/server_request_fuzz.cc: raw HTTP requests signed with the
fuzzer's fixed account at its fixed clock (so they reach the handlers), plus malformed ones.

usage: /usr/bin/python3 tests/server/make_fuzz_seeds.py fuzz/corpus/server_request_fuzz
"""

import datetime
import hashlib
import json
import os
import sys
from unittest import mock

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import tree_hash  # noqa: E402

KEY, SECRET = "AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
WHEN = datetime.datetime(2026, 11, 26, 21, 59, 56)
HOST = "127.0.0.1:18080"


def signed(method, path, body=b"", headers=None):
    hdrs = {"x-amz-glacier-version": "2012-06-01"}
    hdrs.update(headers or {})
    req = AWSRequest(method=method, url="http://" + HOST + path, data=body, headers=hdrs)
    with mock.patch("botocore.auth.datetime") as dt:
        dt.datetime.utcnow.return_value = WHEN
        dt.datetime.now.return_value = WHEN
        SigV4Auth(Credentials(KEY, SECRET), "glacier", "us-east-1").add_auth(req)
    p = req.prepare()
    lines = ["%s %s HTTP/1.1" % (method, path), "Host: " + HOST]
    for k, v in p.headers.items():
        if k.lower() != "host":
            lines.append("%s: %s" % (k, v))
    if method in ("PUT", "POST", "DELETE") and "Content-Length" not in p.headers:
        lines.append("Content-Length: %d" % len(body))
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


def upload_headers(body):
    return {"x-amz-content-sha256": hashlib.sha256(body).hexdigest(),
            "x-amz-sha256-tree-hash": tree_hash(body)}


def main(out):
    os.makedirs(out, exist_ok=True)
    small = b"hello glacier\n" * 20
    seeds = {
        "create_vault": signed("PUT", "/-/vaults/v1"),
        "list_vaults": signed("GET", "/-/vaults?limit=5&marker=abc%2Fdef"),
        "upload_archive": signed("POST", "/-/vaults/v1/archives", small,
                                 dict(upload_headers(small), **{"x-amz-archive-description": "small test"})),
        "initiate_mpu": signed("POST", "/-/vaults/v1/multipart-uploads", b"",
                               {"x-amz-part-size": "1048576", "x-amz-archive-description": "big"}),
        "upload_part": signed("PUT", "/-/vaults/v1/multipart-uploads/UPLOADID", small,
                              dict(upload_headers(small), **{"Content-Range": "bytes 0-279/*"})),
        "initiate_job_archive": signed("POST", "/-/vaults/v1/jobs", json.dumps(
            {"Type": "archive-retrieval", "ArchiveId": "ARCHIVEID", "Tier": "Bulk",
             "RetrievalByteRange": "0-1048575"}).encode(), {"Content-Type": "application/json"}),
        "initiate_job_inventory": signed("POST", "/-/vaults/v1/jobs", json.dumps(
            {"Type": "inventory-retrieval", "Format": "CSV", "InventoryRetrievalParameters":
             {"StartDate": "2013-01-01T00:00:00Z", "Limit": "2"}}).encode(),
            {"Content-Type": "application/json"}),
        "list_jobs": signed("GET", "/-/vaults/v1/jobs?statuscode=Succeeded&completed=true&limit=2"),
        "job_output_range": signed("GET", "/-/vaults/v1/jobs/JOBID/output", b"", {"Range": "bytes=0-1048575"}),
        "notifications": signed("PUT", "/-/vaults/v1/notification-configuration", json.dumps(
            {"SNSTopic": "arn:aws:sns:us-east-1:1:t", "Events": ["ArchiveRetrievalCompleted"]}).encode()),
        "unsigned": b"GET /-/vaults HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
        "bad_auth": (b"GET /-/vaults/v1 HTTP/1.1\r\nHost: 127.0.0.1:18080\r\nX-Amz-Date: 20261126T215956Z\r\n"
                     b"Authorization: AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261126/us-east-1/glacier/"
                     b"aws4_request,SignedHeaders=host;x-amz-date,Signature=00\r\n\r\n"),
        "bad_escape": b"DELETE /-/vaults/%zz/archives/%2F HTTP/1.1\r\nContent-Length: 0\r\n\r\n",
    }
    for name, data in seeds.items():
        with open(os.path.join(out, name), "wb") as f:
            f.write(data)


if __name__ == "__main__":
    main(sys.argv[1])
