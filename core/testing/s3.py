"""A real S3-compatible endpoint for tests: moto in server mode, over HTTP.

`s3_server` starts `moto.server` once per test session on a free port, in its own
process; `s3_server_strict` is a second one with authentication enforced (after the
three IAM calls that create the test's user, key and policy), so a wrong key is
refused as a real bucket would refuse it. `s3_storage` gives one test a fresh bucket,
switches the default storage to it and points MEDIA_ROOT at an empty folder that the
test may check stays empty. Nothing patches boto: every call leaves the process as HTTP.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

REGION = "eu-west-2"
POLICY = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}],
}


@dataclass(frozen=True)
class S3Server:
    endpoint: str
    access_key: str
    secret_key: str
    region: str = REGION

    def client(self, *, access_key: str | None = None, secret_key: str | None = None) -> Any:
        import boto3
        from botocore.config import Config

        return boto3.client(
            "s3",
            endpoint_url=self.endpoint,
            region_name=self.region,
            aws_access_key_id=access_key or self.access_key,
            aws_secret_access_key=secret_key or self.secret_key,
            config=Config(signature_version="s3v4", s3={"addressing_style": "path"}),
        )

    def options(self, bucket: str, **overrides: Any) -> dict[str, Any]:
        """The default storage's OPTIONS, as radcollab/settings.py builds them."""
        return {
            "bucket_name": bucket,
            "endpoint_url": self.endpoint,
            "region_name": self.region,
            "access_key": self.access_key,
            "secret_key": self.secret_key,
            "location": "radcollab-test",
            "default_acl": None,
            "querystring_auth": True,
            "querystring_expire": 60,
            "object_parameters": {"ServerSideEncryption": "AES256"},
            "file_overwrite": False,
            "signature_version": "s3v4",
            "addressing_style": "path",
            "max_memory_size": 8 * 1024 * 1024,
            **overrides,
        }


@dataclass(frozen=True)
class S3Bucket:
    server: S3Server
    name: str
    prefix: str
    media_root: Path

    def keys(self) -> list[str]:
        found = self.server.client().list_objects_v2(Bucket=self.name)
        return sorted(item["Key"] for item in found.get("Contents", []))

    def head(self, name: str) -> dict[str, Any]:
        return self.server.client().head_object(Bucket=self.name, Key=f"{self.prefix}/{name}")

    def local_files(self) -> list[Path]:
        return [path for path in self.media_root.rglob("*") if path.is_file()]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_moto(port: int, *, no_auth_calls: int = -1) -> subprocess.Popen[bytes]:
    """moto's HTTP server; after `no_auth_calls` requests (if >= 0) calls must be signed."""
    env = dict(os.environ)
    if no_auth_calls >= 0:
        env["INITIAL_NO_AUTH_ACTION_COUNT"] = str(no_auth_calls)
    command = [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)]
    process = subprocess.Popen(
        command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return process
        except OSError:
            if process.poll() is not None:
                break
            time.sleep(0.1)
    process.kill()
    raise RuntimeError(f"moto server did not start on port {port}")


def make_user(endpoint: str) -> tuple[str, str]:
    """An IAM user with a key allowed every S3 action (the server's first three calls)."""
    import boto3

    iam = boto3.client(
        "iam",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id="bootstrap",
        aws_secret_access_key="bootstrap",
    )
    iam.create_user(UserName="radcollab")
    key = iam.create_access_key(UserName="radcollab")["AccessKey"]
    iam.put_user_policy(UserName="radcollab", PolicyName="s3", PolicyDocument=json.dumps(POLICY))
    return key["AccessKeyId"], key["SecretAccessKey"]


@contextmanager
def moto_server(*, strict: bool) -> Iterator[S3Server]:
    port = free_port()
    # moto checks signatures only in its Authorization header, not in presigned URLs
    # (it answers those with a 500), so only the strict server enforces them.
    process = start_moto(port, no_auth_calls=3 if strict else -1)
    try:
        endpoint = f"http://127.0.0.1:{port}"
        access_key, secret_key = make_user(endpoint)
        yield S3Server(endpoint=endpoint, access_key=access_key, secret_key=secret_key)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


@pytest.fixture(scope="session")
def s3_server() -> Iterator[S3Server]:
    """moto over HTTP, accepting any signature (presigned URLs work)."""
    with moto_server(strict=False) as server:
        yield server


@pytest.fixture(scope="session")
def s3_server_strict() -> Iterator[S3Server]:
    """moto over HTTP that refuses a wrong key or secret, as a real bucket does."""
    with moto_server(strict=True) as server:
        yield server


@pytest.fixture
def s3_storage(settings: Any, s3_server: S3Server, tmp_path: Path) -> S3Bucket:
    """The default storage is a fresh bucket on the moto server; MEDIA_ROOT is empty."""
    name = f"rc-{uuid.uuid4().hex[:16]}"
    s3_server.client().create_bucket(
        Bucket=name, CreateBucketConfiguration={"LocationConstraint": s3_server.region}
    )
    media = tmp_path / "media"
    media.mkdir()
    settings.MEDIA_ROOT = media
    settings.RADCOLLAB_DOWNLOADS = "stream"
    settings.RADCOLLAB_DOWNLOAD_URL_SECONDS = 60
    backend = {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": s3_server.options(name)}
    settings.STORAGES = {**settings.STORAGES, "default": backend}
    return S3Bucket(server=s3_server, name=name, prefix="radcollab-test", media_root=media)
