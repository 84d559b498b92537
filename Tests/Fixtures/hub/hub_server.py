#!/usr/bin/env python3
"""A small stand-in for the Hugging Face Hub's file endpoints, for Lingua's resolution tests.

Standard library only (CI runs it with the system python3). It serves a folder laid out as
ROOT/{owner}/{name}/{file} the way the Hub serves repositories:

  HEAD|GET /{owner}/{name}/resolve/{revision}/{file}
      revision is "main" or the --commit hash; anything else is 404 RevisionNotFound.
      Unknown repo: 401 RepoNotFound. Unknown file: 404 EntryNotFound (with X-Repo-Commit).
      Regular files: 200, ETag = git blob sha1, X-Repo-Commit.
      LFS files (suffix --lfs-suffix): 302 to /cdn/{sha256}/{file} with X-Linked-Etag = sha256,
      X-Linked-Size and X-Repo-Commit, as the Hub redirects to its CDN.
  GET /cdn/{sha256}/{owner}/{name}/{file}: the content, honouring "Range: bytes=N-" with 206.

Test switches: --token T (resolve requests need "Authorization: Bearer T", else 401 GatedRepo),
--cdn-host H (LFS redirects go to H instead of the host asked for, to test token scoping),
--truncate FILE:BYTES[:COUNT] (the first COUNT content responses for FILE announce the full length
but send BYTES bytes, then close; with --quiet-truncate they announce no length, so the early close
looks like a complete body), --fail-content N (the first N content GETs get 503), --corrupt FILE (one byte flipped; etags stay those of the real
content), --no-range (ignore Range, always 200), --bad-range (answer Range with a 206 from byte 0), --log PATH (one JSON line per request).
Prints "PORT <n>" on stdout once listening on 127.0.0.1. It exits when its stdin closes (the test
process ended, however it ended) or after --max-seconds, so it can never outlive a test run.
"""
import argparse
import hashlib
import json
import os
import re
import signal
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import unquote, urlsplit


def parse_args():
    p = argparse.ArgumentParser()
    p.add_argument("--root", required=True)
    p.add_argument("--commit", required=True)
    p.add_argument("--token")
    p.add_argument("--lfs-suffix", default=".safetensors")
    p.add_argument("--truncate", action="append", default=[])
    p.add_argument("--quiet-truncate", action="store_true")
    p.add_argument("--fail-content", type=int, default=0)
    p.add_argument("--corrupt", action="append", default=[])
    p.add_argument("--no-range", action="store_true")
    p.add_argument("--bad-range", action="store_true")
    p.add_argument("--log")
    p.add_argument("--cdn-host", help="host name put in LFS redirects (default: the Host asked for)")
    p.add_argument("--max-seconds", type=float, default=300)
    return p.parse_args()


ARGS = parse_args()
LOCK = threading.Lock()
FAILS_LEFT = [ARGS.fail_content]
TRUNCATE = {}  # file name -> [bytes, remaining count]
for spec in ARGS.truncate:
    parts = spec.split(":")
    TRUNCATE[parts[0]] = [int(parts[1]), int(parts[2]) if len(parts) > 2 else 1]


def content_of(repo, path):
    full = os.path.join(ARGS.root, repo, path)
    if not os.path.isfile(full):
        return None
    with open(full, "rb") as f:
        return f.read()


class Handler(BaseHTTPRequestHandler):
    def log_message(self, fmt, *args):
        pass

    def record(self, status):
        if not ARGS.log:
            return
        entry = {
            "method": self.command,
            "path": urlsplit(self.path).path,
            "range": self.headers.get("Range"),
            "auth": self.headers.get("Authorization"),
            "status": status,
            "t": round(__import__("time").time(), 4),
        }
        with LOCK:
            with open(ARGS.log, "a") as f:
                f.write(json.dumps(entry) + "\n")

    def reply(self, status, headers, body=b"", send_body=True, length=True):
        self.record(status)
        self.send_response(status)
        for k, v in headers.items():
            self.send_header(k, v)
        if length and "Content-Length" not in headers:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if send_body and body:
            self.wfile.write(body)

    def error(self, status, code, message, extra=None):
        headers = {"X-Error-Code": code, "X-Error-Message": message, "Content-Type": "application/json"}
        headers.update(extra or {})
        self.reply(status, headers, json.dumps({"error": message}).encode(), self.command != "HEAD")

    def do_HEAD(self):
        self.route()

    def do_GET(self):
        self.route()

    def route(self):
        path = unquote(urlsplit(self.path).path)
        m = re.fullmatch(r"/cdn/([0-9a-f]{64})/([^/]+/[^/]+)/(.+)", path)
        if m:
            return self.serve_content(m.group(2), m.group(3))
        m = re.fullmatch(r"/([^/]+/[^/]+)/resolve/(.+?)/(.+)", path)
        if not m:
            return self.error(404, "NotFound", "no such route")
        repo, revision, name = m.groups()
        if ARGS.token is not None and self.headers.get("Authorization") != "Bearer " + ARGS.token:
            return self.error(401, "GatedRepo", "Access to this repository is restricted.")
        if not os.path.isdir(os.path.join(ARGS.root, repo)):
            return self.error(401, "RepoNotFound", "Repository Not Found")
        if revision not in ("main", ARGS.commit):
            return self.error(404, "RevisionNotFound", "Invalid rev id: " + revision)
        data = content_of(repo, name)
        commit = {"X-Repo-Commit": ARGS.commit}
        if data is None:
            return self.error(404, "EntryNotFound", "Entry not found", commit)
        if name.endswith(ARGS.lfs_suffix):
            sha = hashlib.sha256(data).hexdigest()
            host = self.headers.get("Host")
            if ARGS.cdn_host:
                host = "%s:%d" % (ARGS.cdn_host, self.server.server_address[1])
            headers = dict(commit)
            headers.update({
                "Location": "http://%s/cdn/%s/%s/%s" % (host, sha, repo, name),
                "X-Linked-Etag": '"%s"' % sha,
                "X-Linked-Size": str(len(data)),
                "ETag": '"%s"' % hashlib.sha1(b"pointer" + data).hexdigest(),
            })
            return self.reply(302, headers)
        blob_sha1 = hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()
        headers = dict(commit)
        headers.update({"ETag": '"%s"' % blob_sha1, "Content-Type": "application/octet-stream"})
        self.send_data(name, data, headers)

    def serve_content(self, repo, name):
        data = content_of(repo, name)
        if data is None:
            return self.error(404, "NotFound", "no such object")
        self.send_data(name, data, {"Content-Type": "application/octet-stream"})

    def send_data(self, name, data, headers):
        if name in ARGS.corrupt:
            mid = len(data) // 2
            data = data[:mid] + bytes([data[mid] ^ 0xFF]) + data[mid + 1:]
        start, status = 0, 200
        requested = self.headers.get("Range")
        if requested and not ARGS.no_range:
            m = re.fullmatch(r"bytes=(\d+)-", requested.strip())
            if m:
                start = 0 if ARGS.bad_range else int(m.group(1))
                if start >= len(data):
                    return self.error(416, "RangeNotSatisfiable", "range not satisfiable",
                                      {"Content-Range": "bytes */%d" % len(data)})
                status = 206
                headers["Content-Range"] = "bytes %d-%d/%d" % (start, len(data) - 1, len(data))
        body = data[start:]
        headers["Content-Length"] = str(len(body))
        headers["Accept-Ranges"] = "bytes"
        cut, fail = None, False
        if self.command == "GET":
            with LOCK:
                fail = FAILS_LEFT[0] > 0
                FAILS_LEFT[0] -= 1 if fail else 0
                rule = None if fail else TRUNCATE.get(name)
                if rule and rule[1] > 0:
                    rule[1] -= 1
                    cut = rule[0]
        if fail:
            return self.error(503, "Unavailable", "try again")
        if cut is not None and ARGS.quiet_truncate:
            del headers["Content-Length"]
        self.reply(status, headers, send_body=False, length=False)
        if self.command != "GET":
            return
        if cut is None:
            self.wfile.write(body)
        else:
            self.wfile.write(body[:cut])
            self.wfile.flush()
            self.close_connection = True
            self.connection.shutdown(2)


def watch_parent():
    # A parent that spawned us from a thread with signals blocked leaves them blocked here;
    # undo that, then leave as soon as the parent's end of stdin closes.
    signal.pthread_sigmask(signal.SIG_UNBLOCK, range(1, signal.NSIG))
    threading.Thread(target=lambda: (sys.stdin.buffer.read(), os._exit(0)), daemon=True).start()
    threading.Timer(ARGS.max_seconds, lambda: os._exit(0)).start()


def main():
    watch_parent()
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    print("PORT %d" % server.server_address[1], flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
