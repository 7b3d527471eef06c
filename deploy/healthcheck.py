"""The container's HEALTHCHECK: exit 0 when this node's /healthz answers 200, else 1.

Asks http://127.0.0.1:8000/healthz with the first host name of ALLOWED_HOSTS (Django
refuses any other), so the probe passes exactly when the database, Redis and the file
store answer. Standard library only; prints the answer for `docker inspect`.
"""

from __future__ import annotations

import os
import sys
import urllib.error
import urllib.request


def host() -> str:
    names = [n.strip() for n in os.environ.get("ALLOWED_HOSTS", "localhost").split(",")]
    usable = [n.lstrip(".") for n in names if n and n != "*"]
    return usable[0] if usable else "localhost"


def main() -> int:
    port = os.environ.get("HEALTHCHECK_PORT", "8000")
    request = urllib.request.Request(f"http://127.0.0.1:{port}/healthz", headers={"Host": host()})
    try:
        with urllib.request.urlopen(request, timeout=8) as answer:  # noqa: S310 # nosec B310 - loopback only
            print(answer.read().decode(errors="replace"))
            return 0 if answer.status == 200 else 1
    except urllib.error.HTTPError as error:
        print(f"{error.code}: {error.read().decode(errors='replace')}")
    except OSError as error:
        print(f"unreachable: {error}")
    return 1


if __name__ == "__main__":
    sys.exit(main())
