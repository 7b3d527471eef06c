"""Make the compose stack's bucket, private, if it is not there yet (idempotent).

Run once by compose.yaml's `storage-setup` service before any node starts, with the
app's own S3_* variables; a real deployment makes its bucket with its provider's tools
(private, versioned, public access blocked: docs/deployment.md).
"""

from __future__ import annotations

import os
import sys
import time

import boto3
from botocore.exceptions import BotoCoreError, ClientError


def main() -> int:
    bucket = os.environ["S3_BUCKET"]
    region = os.environ.get("S3_REGION") or "us-east-1"
    s3 = boto3.client(
        "s3",
        endpoint_url=os.environ.get("S3_ENDPOINT_URL") or None,
        region_name=region,
        aws_access_key_id=os.environ.get("S3_ACCESS_KEY_ID") or None,
        aws_secret_access_key=os.environ.get("S3_SECRET_ACCESS_KEY") or None,
    )
    for attempt in range(30):
        try:
            s3.head_bucket(Bucket=bucket)
            print(f"bucket {bucket} is there")
            return 0
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") not in ("404", "NoSuchBucket"):
                print(f"bucket {bucket}: {error}", file=sys.stderr)
                return 1
            made = {} if region == "us-east-1" else {"LocationConstraint": region}
            s3.create_bucket(Bucket=bucket, **({"CreateBucketConfiguration": made} if made else {}))
            print(f"bucket {bucket} made")
            return 0
        except BotoCoreError as error:  # the store is still starting
            print(f"waiting for the store ({attempt + 1}): {error}")
            time.sleep(2)
    return 1


if __name__ == "__main__":
    sys.exit(main())
