"""Shared scaffolding for the mtglacier-server integration tests.

Each test starts its own server on 127.0.0.1 port 0 in a fresh temporary store, with a freshly
generated key pair, reads the port from the first stdout line ("listening on HOST:PORT"), and
drives it with real third-party clients (AWS CLI v1, AWS CLI v2, boto3). Nothing outside the
temporary directory is read: HOME, AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE point into it.
"""

import hashlib
import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time

MiB = 1024 * 1024
REGION = "us-east-1"


def tree_hash(data: bytes) -> str:
    """Glacier's SHA-256 tree hash over 1 MiB leaves (independent of the server's code)."""
    level = [hashlib.sha256(data[i:i + MiB]).digest() for i in range(0, len(data), MiB)]
    if not level:
        level = [hashlib.sha256(b"").digest()]
    while len(level) > 1:
        nxt = [hashlib.sha256(level[i] + level[i + 1]).digest() for i in range(0, len(level) - 1, 2)]
        if len(level) % 2:
            nxt.append(level[-1])
        level = nxt
    return level[0].hex()


def pattern(n: int, seed: int = 1) -> bytes:
    """Deterministic, incompressible-looking bytes."""
    out = bytearray()
    counter = 0
    while len(out) < n:
        out += hashlib.sha256(b"%d-%d" % (seed, counter)).digest() * 32
        counter += 1
    return bytes(out[:n])


def fail(message: str):
    print("FAIL: " + message, flush=True)
    sys.exit(1)


def check(condition, message):
    if not condition:
        fail(message)


class Server:
    """One mtglacier-server process with its own store and account."""

    def __init__(self, binary, extra_args=(), store=None, access_key=None, secret_key=None):
        self.binary = binary
        self.tmp = tempfile.mkdtemp(prefix="mtg-server-test-")
        self.store = store or os.path.join(self.tmp, "store")
        self.access_key = access_key or "AKID" + secrets.token_hex(8).upper()
        self.secret_key = secret_key or secrets.token_urlsafe(30)
        self.extra_args = list(extra_args)
        self.home = os.path.join(self.tmp, "home")
        os.makedirs(self.home, exist_ok=True)
        self.proc = None
        self.port = None
        self.stderr_path = os.path.join(self.tmp, "server.stderr")

    def start(self):
        args = [self.binary, "--listen", "127.0.0.1:0", "--store", self.store,
                "--access-key", self.access_key, "--secret-key", self.secret_key] + self.extra_args
        self.stderr_file = open(self.stderr_path, "ab")
        self.proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=self.stderr_file,
                                     stdin=subprocess.DEVNULL)
        line = self.proc.stdout.readline().decode().strip()
        if not line.startswith("listening on "):
            self.proc.kill()
            fail("server did not start: %r; stderr: %s" % (line, self.stderr_text()))
        self.port = int(line.rsplit(":", 1)[1])
        return self

    def stderr_text(self):
        try:
            with open(self.stderr_path, "rb") as f:
                return f.read().decode(errors="replace")[-4000:]
        except OSError:
            return ""

    @property
    def endpoint(self):
        return "http://127.0.0.1:%d" % self.port

    def env(self):
        """Environment for a client process: only our credentials, nothing from the user."""
        env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
        env.update({
            "HOME": self.home,
            "AWS_ACCESS_KEY_ID": self.access_key,
            "AWS_SECRET_ACCESS_KEY": self.secret_key,
            "AWS_DEFAULT_REGION": REGION,
            "AWS_CONFIG_FILE": os.path.join(self.home, "no-config"),
            "AWS_SHARED_CREDENTIALS_FILE": os.path.join(self.home, "no-credentials"),
            "AWS_EC2_METADATA_DISABLED": "true",
            "AWS_PAGER": "",
            "AWS_MAX_ATTEMPTS": "1",
            "AWS_RETRY_MODE": "standard",
        })
        return env

    def isolate_this_process(self):
        """Points this (boto3) process at the same isolated environment."""
        for k in [k for k in os.environ if k.startswith("AWS_")]:
            del os.environ[k]
        os.environ.update(self.env())

    def kill9(self):
        self.proc.kill()
        self.proc.wait()
        self.stderr_file.close()

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
                fail("server did not stop on SIGTERM")
            check(self.proc.returncode == 0, "server exited %s on SIGTERM" % self.proc.returncode)
        try:
            self.stderr_file.close()
        except AttributeError:
            pass

    def cleanup(self):
        self.stop()
        shutil.rmtree(self.tmp, ignore_errors=True)


def boto3_client(server, **kwargs):
    import boto3
    from botocore.config import Config
    server.isolate_this_process()
    config = Config(retries={"max_attempts": 1, "mode": "standard"}, connect_timeout=10,
                    read_timeout=60, **kwargs)
    session = boto3.session.Session()
    return session.client("glacier", endpoint_url=server.endpoint, region_name=REGION, config=config)


def signed_request(server, method, path, body=b"", headers=None, when=None, secret=None):
    """A hand-built SigV4 request through botocore's signer (optionally at another time)."""
    import datetime
    import urllib.request
    from unittest import mock
    from botocore.auth import SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials
    url = server.endpoint + path
    hdrs = {"x-amz-glacier-version": "2012-06-01"}
    hdrs.update(headers or {})
    req = AWSRequest(method=method, url=url, data=body, headers=hdrs)
    creds = Credentials(server.access_key, secret or server.secret_key)
    signer = SigV4Auth(creds, "glacier", REGION)
    if when is None:
        signer.add_auth(req)
    else:
        with mock.patch("botocore.auth.datetime") as dt:
            dt.datetime.utcnow.return_value = when
            dt.datetime.now.return_value = when
            dt.datetime.side_effect = lambda *a, **k: datetime.datetime(*a, **k)
            signer.add_auth(req)
    prepared = req.prepare()
    r = urllib.request.Request(url, data=body if method in ("PUT", "POST") else None,
                               method=method, headers=dict(prepared.headers.items()))
    try:
        with urllib.request.urlopen(r, timeout=30) as resp:
            return resp.status, dict(resp.headers.items()), resp.read()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers.items()), e.read()


def error_code(body: bytes) -> str:
    try:
        return json.loads(body.decode()).get("code", "")
    except ValueError:
        return ""


def run_main(fn, binary_index=1):
    """Runs fn(server_binary) with a wall-clock guard and a readable failure."""
    if len(sys.argv) <= binary_index:
        fail("usage: %s SERVER_BINARY" % sys.argv[0])
    start = time.time()
    fn(sys.argv[binary_index])
    print("PASS (%.1f s)" % (time.time() - start), flush=True)
