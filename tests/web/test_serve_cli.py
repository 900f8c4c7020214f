"""`counterclaim serve` as a user runs it: a real process bound to 127.0.0.1 by default."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow
CLI = str(Path(sys.executable).parent / "counterclaim")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str, timeout: float = 60.0) -> tuple[int, str, dict[str, str]]:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as r:
                return r.status, r.read().decode(), dict(r.headers)
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


@pytest.mark.parametrize("read_only", [False, True])
def test_serve_starts_the_reader_on_the_ledger(web_db, read_only):
    port = _free_port()
    args = [CLI, "--db", web_db, "serve", "--port", str(port)] + (["--read-only"] if read_only else [])
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        status, body, headers = _get(f"http://127.0.0.1:{port}/")
        assert status == 200 and "Khojaly" in body
        assert "default-src 'none'" in headers["content-security-policy"]
        assert ("read-only" in body) == read_only
        assert ('href="/ingest"' in body) != read_only
    finally:
        proc.terminate()
        _out, err = proc.communicate(timeout=20)
    assert f"http://127.0.0.1:{port}/" in err


def test_serve_refuses_an_unreachable_database(tmp_path):
    r = subprocess.run([CLI, "--db", "postgresql+psycopg://nobody@127.0.0.1:1/none", "serve", "--port", "1"],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 2
    assert "E201" in r.stderr
