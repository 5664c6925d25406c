"""Every Glacier operation, and the refusals, through boto3 (Debian python3-boto3).

usage: boto3_test.py SERVER_BINARY
"""

import datetime
import hashlib
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import (MiB, Server, boto3_client, check, error_code, pattern, run_main,  # noqa: E402
                     signed_request, tree_hash)


def expect_client_error(code, fn, *args, **kwargs):
    from botocore.exceptions import ClientError
    try:
        fn(*args, **kwargs)
    except ClientError as e:
        got = e.response["Error"]["Code"]
        check(got == code, "%s: expected %s, got %s (%s)" % (fn.__name__, code, got, e))
        return e
    fail_name = getattr(fn, "__name__", str(fn))
    check(False, "%s should have failed with %s" % (fail_name, code))


def scenario(binary):
    server = Server(binary).start()
    try:
        g = boto3_client(server)
        v = {"accountId": "-", "vaultName": "v1"}
        g.create_vault(**v)
        check(g.describe_vault(**v)["VaultName"] == "v1", "describe_vault")
        check([x["VaultName"] for x in g.list_vaults(accountId="-")["VaultList"]] == ["v1"], "list_vaults")

        # Single upload (boto3 fills both hash headers).
        small = pattern(1000, seed=1)
        r = g.upload_archive(body=small, archiveDescription="single", **v)
        small_id = r["archiveId"]
        check(r["checksum"] == tree_hash(small), "upload_archive checksum")

        # Multipart, 5 MiB + 17 through 1 MiB parts, parts sent out of order.
        big = pattern(5 * MiB + 17, seed=2)
        upload_id = g.initiate_multipart_upload(partSize=str(MiB), archiveDescription="multi", **v)["uploadId"]
        starts = list(range(0, len(big), MiB))
        for start in reversed(starts):
            chunk = big[start:start + MiB]
            r = g.upload_multipart_part(uploadId=upload_id, body=chunk,
                                        range="bytes %d-%d/*" % (start, start + len(chunk) - 1), **v)
            check(r["checksum"] == tree_hash(chunk), "part checksum")
        parts = g.list_parts(uploadId=upload_id, **v)
        check([p["RangeInBytes"] for p in parts["Parts"]] ==
              ["%d-%d" % (s, min(s + MiB, len(big)) - 1) for s in starts], "list_parts: %s" % parts["Parts"])
        page = g.list_parts(uploadId=upload_id, limit="2", **v)
        check(len(page["Parts"]) == 2 and page.get("Marker"), "list_parts paging")
        check([u["MultipartUploadId"] for u in g.list_multipart_uploads(**v)["UploadsList"]] == [upload_id],
              "list_multipart_uploads")

        # Misaligned part: refused.
        expect_client_error("InvalidParameterValueException", g.upload_multipart_part,
                                uploadId=upload_id, body=b"x" * 100, range="bytes 100-199/*", **v)
        # Wrong tree hash on complete: refused; right one accepted.
        expect_client_error("InvalidParameterValueException", g.complete_multipart_upload,
                            uploadId=upload_id, archiveSize=str(len(big)), checksum="0" * 64, **v)
        done = g.complete_multipart_upload(uploadId=upload_id, archiveSize=str(len(big)),
                                           checksum=tree_hash(big), **v)
        big_id = done["archiveId"]
        check(done["checksum"] == tree_hash(big), "complete checksum")
        check(g.list_multipart_uploads(**v)["UploadsList"] == [], "upload still listed after complete")

        # Abort.
        other = g.initiate_multipart_upload(partSize=str(MiB), **v)["uploadId"]
        g.abort_multipart_upload(uploadId=other, **v)
        expect_client_error("ResourceNotFoundException", g.list_parts, uploadId=other, **v)

        # Wrong tree hash on a single upload: refused.
        expect_client_error("InvalidParameterValueException", g.upload_archive, body=small,
                            checksum="0" * 64, **v)

        # Archive retrieval jobs: whole, ranged download, ranged job.
        job = g.initiate_job(jobParameters={"Type": "archive-retrieval", "ArchiveId": big_id,
                                            "SNSTopic": "arn:aws:sns:us-east-1:1:t"}, **v)["jobId"]
        d = g.describe_job(jobId=job, **v)
        check(d["Completed"] and d["StatusCode"] == "Succeeded" and d["SNSTopic"] == "arn:aws:sns:us-east-1:1:t"
              and d["ArchiveSHA256TreeHash"] == tree_hash(big) and d["RetrievalByteRange"] == "0-%d" % (len(big) - 1),
              "describe_job: %s" % d)
        out = g.get_job_output(jobId=job, **v)
        check(out["body"].read() == big and out["checksum"] == tree_hash(big) and
              out["contentType"] == "application/octet-stream" and out["status"] == 200, "whole output")
        out = g.get_job_output(jobId=job, range="bytes=4194304-5242896", **v)
        check(out["status"] == 206 and out["body"].read() == big[4 * MiB:] and
              out["contentRange"] == "bytes 4194304-5242896/%d" % len(big) and
              out["checksum"] == tree_hash(big[4 * MiB:]), "ranged output")
        rjob = g.initiate_job(jobParameters={"Type": "archive-retrieval", "ArchiveId": big_id,
                                             "RetrievalByteRange": "2097152-4194303", "Tier": "Bulk"}, **v)["jobId"]
        out = g.get_job_output(jobId=rjob, **v)
        check(out["body"].read() == big[2 * MiB:4 * MiB] and out["checksum"] == tree_hash(big[2 * MiB:4 * MiB]),
              "ranged job output")
        expect_client_error("InvalidParameterValueException", g.initiate_job,
                            jobParameters={"Type": "archive-retrieval", "ArchiveId": big_id,
                                           "RetrievalByteRange": "1-1048576"}, **v)
        listed = g.list_jobs(completed="true", **v)["JobList"]
        check({job, rjob} <= {j["JobId"] for j in listed}, "list_jobs")

        # Inventories (JSON and CSV) list what was uploaded.
        inv = g.initiate_job(jobParameters={"Type": "inventory-retrieval", "Format": "JSON"}, **v)["jobId"]
        out = g.get_job_output(jobId=inv, **v)
        doc = json.loads(out["body"].read())
        check(out["contentType"] == "application/json", "inventory content type")
        rows = {a["ArchiveId"]: a for a in doc["ArchiveList"]}
        check(set(rows) == {small_id, big_id} and rows[big_id]["Size"] == len(big) and
              rows[small_id]["ArchiveDescription"] == "single", "JSON inventory: %s" % doc)
        inv = g.initiate_job(jobParameters={"Type": "inventory-retrieval", "Format": "CSV"}, **v)["jobId"]
        out = g.get_job_output(jobId=inv, **v)
        text = out["body"].read().decode()
        check(out["contentType"] == "text/csv", "CSV content type")
        check(text.startswith("ArchiveId,ArchiveDescription,CreationDate,Size,SHA256TreeHash\n") and
              small_id in text and big_id in text and ',"multi",' in text, "CSV inventory: %s" % text)

        # Notifications.
        g.set_vault_notifications(vaultNotificationConfig={"SNSTopic": "arn:aws:sns:us-east-1:1:t",
                                                           "Events": ["InventoryRetrievalCompleted"]}, **v)
        check(g.get_vault_notifications(**v)["vaultNotificationConfig"]["Events"] ==
              ["InventoryRetrievalCompleted"], "get_vault_notifications")
        g.delete_vault_notifications(**v)

        # Refusals at the signature layer.
        when = datetime.datetime.utcnow() - datetime.timedelta(minutes=20)
        status, _, body = signed_request(server, "GET", "/-/vaults", when=when)
        check(status == 403 and error_code(body) == "InvalidSignatureException",
              "expired date: %s %s" % (status, body))
        status, _, body = signed_request(server, "GET", "/-/vaults", secret="not-the-secret")
        check(status == 403 and error_code(body) == "InvalidSignatureException",
              "wrong secret: %s %s" % (status, body))
        # Tampered body: signed over one payload hash, another body sent.
        payload = b"tampered-body-test" * 10
        headers = {"x-amz-content-sha256": hashlib.sha256(payload).hexdigest(),
                   "x-amz-sha256-tree-hash": tree_hash(payload)}
        status, _, body = signed_request_tampered(server, payload, headers)
        check(status == 400 and error_code(body) == "InvalidParameterValueException",
              "tampered body: %s %s" % (status, body))

        # Deletes.
        g.delete_archive(archiveId=small_id, **v)
        g.delete_archive(archiveId=big_id, **v)
        expect_client_error("ResourceNotFoundException", g.delete_archive, archiveId=big_id, **v)
        g.delete_vault(**v)
        check(g.list_vaults(accountId="-")["VaultList"] == [], "vault left")
    finally:
        server.cleanup()


def signed_request_tampered(server, payload, headers):
    """Signs an upload for payload, then sends payload with its first byte changed."""
    import urllib.request
    from botocore.auth import SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials
    url = server.endpoint + "/-/vaults/v1/archives"
    hdrs = {"x-amz-glacier-version": "2012-06-01"}
    hdrs.update(headers)
    req = AWSRequest(method="POST", url=url, data=payload, headers=hdrs)
    SigV4Auth(Credentials(server.access_key, server.secret_key), "glacier", "us-east-1").add_auth(req)
    forged = bytes([payload[0] ^ 1]) + payload[1:]
    r = urllib.request.Request(url, data=forged, method="POST", headers=dict(req.prepare().headers.items()))
    try:
        with urllib.request.urlopen(r, timeout=30) as resp:
            return resp.status, {}, resp.read()
    except urllib.error.HTTPError as e:
        return e.code, {}, e.read()


if __name__ == "__main__":
    run_main(scenario)
