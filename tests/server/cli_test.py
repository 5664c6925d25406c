"""Every Glacier operation through a real AWS CLI (v1 or v2) against mtglacier-server.

usage: cli_test.py {v1|v2} SERVER_BINARY
v1 is the first `aws` on PATH that reports aws-cli/1.x; v2 is /usr/bin/aws (Debian awscli 2.x).
"""

import json
import os
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import MiB, Server, check, fail, pattern, run_main, tree_hash  # noqa: E402


def find_cli(version):
    if version == "v2":
        candidates = ["/usr/bin/aws"]
    else:
        candidates = []
        for d in os.environ.get("PATH", "").split(os.pathsep):
            p = os.path.join(d, "aws")
            if os.access(p, os.X_OK) and p not in candidates:
                candidates.append(p)
    for path in candidates:
        try:
            out = subprocess.run([path, "--version"], capture_output=True, timeout=60, text=True)
        except (OSError, subprocess.TimeoutExpired):
            continue
        text = (out.stdout + out.stderr).strip()
        if text.startswith("aws-cli/%s." % version[1]):
            return path
    fail("no AWS CLI %s found (looked at %s); install it to run this test" % (version, candidates))


class Cli:
    def __init__(self, path, server, workdir):
        self.path = path
        self.server = server
        self.env = server.env()
        self.workdir = workdir

    def run(self, *args, expect_ok=True):
        cmd = [self.path, "--endpoint-url", self.server.endpoint, "--output", "json",
               "glacier"] + list(args)
        out = subprocess.run(cmd, capture_output=True, env=self.env, cwd=self.workdir, timeout=120)
        if expect_ok and out.returncode != 0:
            fail("%s failed (rc %d): %s\nserver stderr: %s" % (
                " ".join(args[:1]), out.returncode, out.stderr.decode(errors="replace"),
                self.server.stderr_text()))
        if not expect_ok:
            return out
        text = out.stdout.decode().strip()
        return json.loads(text) if text else {}

    def expect_error(self, code, *args):
        out = self.run(*args, expect_ok=False)
        err = out.stderr.decode(errors="replace")
        check(out.returncode != 0, "%s should have failed" % args[0])
        check("(%s)" % code in err, "%s: expected %s, got: %s" % (args[0], code, err))


def scenario(version, binary):
    server = Server(binary).start()
    try:
        cli_path = find_cli(version)
        work = os.path.join(server.tmp, "work")
        os.makedirs(work)
        cli = Cli(cli_path, server, work)
        acct = ["--account-id", "-"]
        v = acct + ["--vault-name", "v1"]

        # Vaults.
        cli.run("create-vault", *v)
        cli.run("create-vault", *acct, "--vault-name", "v2")
        d = cli.run("describe-vault", *v)
        check(d["VaultName"] == "v1" and d["VaultARN"].endswith(":vaults/v1"), "describe-vault: %s" % d)
        names = [x["VaultName"] for x in cli.run("list-vaults", *acct)["VaultList"]]
        check(names == ["v1", "v2"], "list-vaults: %s" % names)

        # Notifications.
        topic = "arn:aws:sns:us-east-1:012345678901:topic"
        cli.run("set-vault-notifications", *v, "--vault-notification-config",
                json.dumps({"SNSTopic": topic, "Events": ["ArchiveRetrievalCompleted"]}))
        n = cli.run("get-vault-notifications", *v)["vaultNotificationConfig"]
        check(n["SNSTopic"] == topic and n["Events"] == ["ArchiveRetrievalCompleted"], "notifications: %s" % n)
        cli.run("delete-vault-notifications", *v)
        cli.expect_error("ResourceNotFoundException", "get-vault-notifications", *v)

        # Single upload.
        small = pattern(3000, seed=7)
        with open(os.path.join(work, "small.bin"), "wb") as f:
            f.write(small)
        up = cli.run("upload-archive", *v, "--archive-description", "small test", "--body", "small.bin")
        small_id = up["archiveId"]
        check(up["checksum"] == tree_hash(small), "upload-archive checksum %s" % up)

        # Wrong tree hash, refused.
        cli.expect_error("InvalidParameterValueException", "upload-archive", *v, "--body", "small.bin",
                         "--checksum", "0" * 64)

        # Multipart: 5 MiB + 17 through 1 MiB parts.
        big = pattern(5 * MiB + 17, seed=8)
        init = cli.run("initiate-multipart-upload", *v, "--part-size", str(MiB),
                       "--archive-description", "big one")
        upload_id = init["uploadId"]
        procs = []
        for i, start in enumerate(range(0, len(big), MiB)):
            chunk = big[start:start + MiB]
            name = os.path.join(work, "part%d" % i)
            with open(name, "wb") as f:
                f.write(chunk)
            args = ["upload-multipart-part", *v, "--upload-id=" + upload_id, "--body", name,
                    "--range", "bytes %d-%d/*" % (start, start + len(chunk) - 1)]
            procs.append(subprocess.Popen(
                [cli.path, "--endpoint-url", server.endpoint, "--output", "json", "glacier"] + args,
                env=cli.env, cwd=work, stdout=subprocess.PIPE, stderr=subprocess.PIPE))
        for p in procs:
            out, err = p.communicate(timeout=120)
            check(p.returncode == 0, "upload-multipart-part: %s" % err.decode(errors="replace"))
        parts = cli.run("list-parts", *v, "--upload-id=" + upload_id)
        check(len(parts["Parts"]) == 6, "list-parts: %s" % parts)
        uploads = cli.run("list-multipart-uploads", *v)["UploadsList"]
        check([u["MultipartUploadId"] for u in uploads] == [upload_id], "list-multipart-uploads: %s" % uploads)
        done = cli.run("complete-multipart-upload", *v, "--upload-id=" + upload_id, "--archive-size",
                       str(len(big)), "--checksum", tree_hash(big))
        big_id = done["archiveId"]
        check(done["checksum"] == tree_hash(big), "complete checksum: %s" % done)

        # Abort.
        other = cli.run("initiate-multipart-upload", *v, "--part-size", str(MiB))["uploadId"]
        cli.run("abort-multipart-upload", *v, "--upload-id=" + other)
        cli.expect_error("ResourceNotFoundException", "list-parts", *v, "--upload-id=" + other)

        # Archive retrieval: whole and ranged output byte-identical.
        job = cli.run("initiate-job", *v, "--job-parameters",
                      json.dumps({"Type": "archive-retrieval", "ArchiveId": big_id, "Tier": "Expedited",
                                  "Description": "get big"}))["jobId"]
        desc = cli.run("describe-job", *v, "--job-id=" + job)
        check(desc["StatusCode"] == "Succeeded" and desc["ArchiveId"] == big_id and
              desc["SHA256TreeHash"] == tree_hash(big), "describe-job: %s" % desc)
        out = cli.run("get-job-output", *v, "--job-id=" + job, "whole.out")
        with open(os.path.join(work, "whole.out"), "rb") as f:
            check(f.read() == big, "whole job output differs")
        check(out.get("checksum") == tree_hash(big), "get-job-output checksum: %s" % out)
        out = cli.run("get-job-output", *v, "--job-id=" + job, "--range", "bytes=1048576-2097151", "part.out")
        with open(os.path.join(work, "part.out"), "rb") as f:
            check(f.read() == big[MiB:2 * MiB], "ranged job output differs")
        check(out.get("status") == 206 and out.get("checksum") == tree_hash(big[MiB:2 * MiB]),
              "ranged get-job-output: %s" % out)
        jobs = cli.run("list-jobs", *v, "--completed", "true")["JobList"]
        check(job in [j["JobId"] for j in jobs], "list-jobs: %s" % jobs)

        # Inventories list what was uploaded.
        for fmt in ("JSON", "CSV"):
            inv_job = cli.run("initiate-job", *v, "--job-parameters",
                              json.dumps({"Type": "inventory-retrieval", "Format": fmt}))["jobId"]
            cli.run("get-job-output", *v, "--job-id=" + inv_job, "inv.out")
            with open(os.path.join(work, "inv.out"), "rb") as f:
                text = f.read().decode()
            if fmt == "JSON":
                listed = {a["ArchiveId"]: a for a in json.loads(text)["ArchiveList"]}
                check(set(listed) == {small_id, big_id}, "JSON inventory: %s" % text[:300])
                check(listed[big_id]["Size"] == len(big) and listed[big_id]["SHA256TreeHash"] == tree_hash(big)
                      and listed[small_id]["ArchiveDescription"] == "small test", "JSON inventory rows")
            else:
                lines = text.splitlines()
                check(lines[0] == "ArchiveId,ArchiveDescription,CreationDate,Size,SHA256TreeHash",
                      "CSV header %r" % lines[0])
                check(sorted(l.split(",")[0] for l in lines[1:]) == sorted([small_id, big_id]),
                      "CSV inventory: %s" % text[:300])

        # Delete archives, then the vaults.
        cli.run("delete-archive", *v, "--archive-id=" + small_id)
        cli.run("delete-archive", *v, "--archive-id=" + big_id)
        cli.expect_error("ResourceNotFoundException", "delete-archive", *v, "--archive-id=" + small_id)
        cli.run("delete-vault", *v)
        cli.run("delete-vault", *acct, "--vault-name", "v2")
        check(cli.run("list-vaults", *acct)["VaultList"] == [], "vaults left after delete")

        # Wrong secret: refused by signature.
        bad = Cli(cli_path, server, work)
        bad.env = dict(cli.env, AWS_SECRET_ACCESS_KEY="wrong" + server.secret_key)
        bad.expect_error("InvalidSignatureException", "list-vaults", *acct)
    finally:
        server.cleanup()


if __name__ == "__main__":
    version = sys.argv[1]
    del sys.argv[1]
    run_main(lambda binary: scenario(version, binary))
