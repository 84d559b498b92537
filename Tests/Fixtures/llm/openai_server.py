#!/usr/bin/env python3
"""A loopback OpenAI-compatible test server (Python standard library only).

Speaks POST .../chat/completions and POST .../completions with deterministic answers, and
GET /stats with request counters (requests, by_path, faults, answered, teacher_texts,
with_authorization, max_in_flight). Start it with `python3 -P openai_server.py [options]`; it binds
127.0.0.1 on a free port, prints `PORT <n>` on the first stdout line, and exits when its stdin
closes (so it never outlives the test that started it) or on SIGTERM.

Answers
- chat, teacher role: when the last user message contains --marker, the text after it (up to the
  last --end-marker, if present) is "compressed" by dropping every whitespace-separated word whose
  lower-cased, punctuation-stripped form is in STOP_WORDS; the rest is joined with single spaces.
- chat otherwise: "echo: " + the last user message.
- completions: "completion: " + the prompt.
- max_tokens (counted as words) truncates the answer with finish_reason "length"; a `stop`
  string cuts it with finish_reason "stop". Usage counts words.

Faults (applied before answering), from the X-Fault request header (one fault, JSON or the short
form "429", "429:retry_after=2", "slow:seconds=3") or from --fault-script FILE, a JSON object:
  {"sequence": [fault, ...],          # consumed one per request, in arrival order
   "every": N, "every_fault": fault}  # then every Nth request (by count) gets every_fault
A fault is {"kind": K, ...} with K one of
  429       (optional "retry_after": "<seconds or HTTP-date>")
  500 / 502 / 503 / 400 / 401 / 404   (an OpenAI-style {"error": {"message": ...}} body;
            "echo_auth": true puts the received Authorization header in the message)
  slow      sleep "seconds" (default 5) then answer normally
  truncated announce the full Content-Length, send half the body, close the connection
  badjson   a 200 whose body is cut JSON with a matching Content-Length
  ok        answer normally
Authentication: when the environment variable LLM_TEST_EXPECTED_KEY is set, a request without
`Authorization: Bearer <that key>` gets 401 whose message echoes the header it received (as real
servers sometimes do), so clients can be checked to redact it.
"""
import argparse
import json
import os
import re
import string
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

STOP_WORDS = frozenset(
    "a an the of to in on at by for with from and or but is are was were be been being "
    "that this these those it its as so very just really quite then there here".split()
)
PUNCT = string.punctuation + "\u201c\u201d\u2018\u2019"


def compress(text):
    kept = [w for w in text.split() if w.strip(PUNCT).lower() not in STOP_WORDS]
    return " ".join(kept)


def parse_fault(value):
    value = value.strip()
    if not value:
        return None
    if value.startswith("{"):
        return json.loads(value)
    kind, _, rest = value.partition(":")
    fault = {"kind": kind}
    for part in filter(None, rest.split(",")):
        k, _, v = part.partition("=")
        fault[k.strip()] = v.strip()
    return fault


class State:
    def __init__(self, script):
        self.lock = threading.Lock()
        self.sequence = list(script.get("sequence", []))
        self.every = int(script.get("every", 0))
        self.every_fault = script.get("every_fault")
        self.requests = 0
        self.by_path = {}
        self.faults = {}
        self.answered = 0
        self.teacher_texts = []
        self.authorization = []
        self.in_flight = 0
        self.max_in_flight = 0

    def enter(self):
        with self.lock:
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)

    def leave(self):
        with self.lock:
            self.in_flight -= 1

    def next_fault(self, path, header_fault, auth):
        with self.lock:
            self.requests += 1
            self.by_path[path] = self.by_path.get(path, 0) + 1
            self.authorization.append(auth is not None)
            fault = header_fault
            if fault is None and self.sequence:
                fault = self.sequence.pop(0)
            if fault is None and self.every and self.requests % self.every == 0:
                fault = self.every_fault
            if fault is not None:
                kind = str(fault.get("kind", "ok"))
                self.faults[kind] = self.faults.get(kind, 0) + 1
            return fault

    def record_answer(self, teacher_text):
        with self.lock:
            self.answered += 1
            if teacher_text is not None:
                self.teacher_texts.append(teacher_text)

    def snapshot(self):
        with self.lock:
            return {
                "requests": self.requests,
                "by_path": dict(self.by_path),
                "faults": dict(self.faults),
                "answered": self.answered,
                "teacher_texts": list(self.teacher_texts),
                "with_authorization": sum(self.authorization),
                "max_in_flight": self.max_in_flight,
            }


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "lingua-test-openai/1"

    def log_message(self, fmt, *args):  # quiet
        pass

    def send_json(self, status, obj, extra_headers=None):
        body = json.dumps(obj).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        for k, v in (extra_headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        if self.path.rstrip("/") == "/stats":
            self.send_json(200, self.server.state.snapshot())
        else:
            self.send_json(404, {"error": {"message": "not found: " + self.path}})

    def do_POST(self):
        self.server.state.enter()
        try:
            self.handle_post()
        finally:
            self.server.state.leave()

    def handle_post(self):
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length)
        path = self.path.split("?")[0].rstrip("/")
        if path.endswith("/chat/completions"):
            route = "chat"
        elif path.endswith("/completions"):
            route = "completions"
        else:
            self.send_json(404, {"error": {"message": "unknown route " + self.path}})
            return
        auth = self.headers.get("Authorization")
        header_fault = parse_fault(self.headers.get("X-Fault", ""))
        fault = self.server.state.next_fault(route, header_fault, auth)

        expected = os.environ.get("LLM_TEST_EXPECTED_KEY")
        if expected and auth != "Bearer " + expected:
            self.send_json(401, {"error": {"message": "Incorrect API key provided: %s" % auth,
                                           "type": "invalid_request_error"}})
            return

        kind = str(fault.get("kind", "ok")) if fault else "ok"
        if kind == "429":
            headers = {}
            if "retry_after" in fault:
                headers["Retry-After"] = str(fault["retry_after"])
            self.send_json(429, {"error": {"message": "Rate limit reached, slow down"}}, headers)
            return
        if kind.isdigit():
            message = "injected fault %s" % kind
            if fault.get("echo_auth"):
                message += " (authorization: %s)" % auth
            self.send_json(int(kind), {"error": {"message": message}})
            return
        if kind == "slow":
            time.sleep(float(fault.get("seconds", 5)))

        try:
            request = json.loads(raw)
        except ValueError:
            self.send_json(400, {"error": {"message": "the body is not JSON"}})
            return
        answer, teacher_text = self.answer(route, request)
        if kind in ("truncated", "badjson"):
            body = json.dumps(answer).encode()
            cut = body[: len(body) // 2]
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body) if kind == "truncated" else len(cut)))
            self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.write(cut)
            self.wfile.flush()
            self.close_connection = True
            return
        self.server.state.record_answer(teacher_text)
        self.send_json(200, answer)

    def answer(self, route, request):
        model = request.get("model", "test-model")
        teacher_text = None
        if route == "chat":
            messages = request.get("messages") or []
            users = [m.get("content", "") for m in messages if m.get("role") == "user"]
            last = users[-1] if users else ""
            marker, end = self.server.marker, self.server.end_marker
            if marker and marker in last:
                text = last.split(marker, 1)[1]
                if end and end in text:
                    text = text[: text.rindex(end)]
                teacher_text = text
                output = compress(text)
            else:
                output = "echo: " + last
            prompt_words = sum(len(m.get("content", "").split()) for m in messages)
        else:
            prompt = request.get("prompt", "")
            output = "completion: " + prompt
            prompt_words = len(prompt.split())
        finish = "stop"
        for s in request.get("stop") or []:
            if s and s in output:
                output = output[: output.index(s)]
        max_tokens = request.get("max_tokens")
        if isinstance(max_tokens, int):
            words = output.split(" ")
            if len(words) > max_tokens:
                output = " ".join(words[:max_tokens])
                finish = "length"
        choice = {"index": 0, "finish_reason": finish}
        if route == "chat":
            choice["message"] = {"role": "assistant", "content": output}
        else:
            choice["text"] = output
        completion_words = len(output.split())
        return {
            "id": "test-%d" % self.server.state.requests,
            "object": "chat.completion" if route == "chat" else "text_completion",
            "model": model,
            "choices": [choice],
            "usage": {"prompt_tokens": prompt_words, "completion_tokens": completion_words,
                      "total_tokens": prompt_words + completion_words},
        }, teacher_text


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--fault-script", help="JSON fault script (see the module doc)")
    ap.add_argument("--marker", default="Original passage:\n",
                    help="teacher text starts after this string in the last user message")
    ap.add_argument("--end-marker", default="\n\nCompressed passage:",
                    help="and ends before the last occurrence of this one")
    args = ap.parse_args()
    script = {}
    if args.fault_script:
        with open(args.fault_script) as f:
            script = json.load(f)
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    server.state = State(script)
    server.marker = args.marker.encode().decode("unicode_escape") if "\\n" in args.marker else args.marker
    server.end_marker = args.end_marker.encode().decode("unicode_escape") if "\\n" in args.end_marker else args.end_marker
    print("PORT %d" % server.server_address[1], flush=True)

    def watch_stdin():
        try:
            while sys.stdin.read(4096):
                pass
        except Exception:
            pass
        os._exit(0)

    threading.Thread(target=watch_stdin, daemon=True).start()
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
