"""Job timing against a running server: --job-delay keeps jobs InProgress, the --test-clock
endpoint moves the job clock (and only it: requests keep being signed with real time), output
expires 24 h after completion.

usage: jobs_clock_test.py SERVER_BINARY
"""

import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Server, boto3_client, check, pattern, run_main, signed_request  # noqa: E402


def advance(server, duration):
    status, _, body = signed_request(server, "POST", "/-/mtglacier-test/clock?advance=" + duration)
    check(status == 200, "advance %s: %s %s" % (duration, status, body))
    return json.loads(body)


def scenario(binary):
    server = Server(binary, extra_args=["--job-delay", "4h", "--test-clock"]).start()
    try:
        g = boto3_client(server)
        v = {"accountId": "-", "vaultName": "v"}
        g.create_vault(**v)
        data = pattern(4000, seed=3)
        archive = g.upload_archive(body=data, **v)["archiveId"]
        job = g.initiate_job(jobParameters={"Type": "archive-retrieval", "ArchiveId": archive}, **v)["jobId"]
        inv = g.initiate_job(jobParameters={"Type": "inventory-retrieval"}, **v)["jobId"]
        check(g.describe_job(jobId=job, **v)["StatusCode"] == "InProgress", "job done too early")
        check(g.list_jobs(completed="false", **v)["JobList"][0]["JobId"] in (job, inv), "list in progress")
        advance(server, "3h")
        check(not g.describe_job(jobId=job, **v)["Completed"], "job done after 3h of 4h")
        advance(server, "1h")
        d = g.describe_job(jobId=job, **v)
        check(d["Completed"] and d["StatusCode"] == "Succeeded", "job not done after 4h: %s" % d)
        check(g.get_job_output(jobId=job, **v)["body"].read() == data, "output bytes")
        doc = json.loads(g.get_job_output(jobId=inv, **v)["body"].read())
        check([a["ArchiveId"] for a in doc["ArchiveList"]] == [archive], "inventory")
        advance(server, "25h")
        from botocore.exceptions import ClientError
        try:
            g.get_job_output(jobId=job, **v)
            check(False, "output still there 25 h after completion")
        except ClientError as e:
            check(e.response["Error"]["Code"] == "ResourceNotFoundException", "expired: %s" % e)
    finally:
        server.cleanup()


if __name__ == "__main__":
    run_main(scenario)
