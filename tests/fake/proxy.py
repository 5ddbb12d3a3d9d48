#!/usr/bin/env python3
"""proxy.py: a tiny HTTP CONNECT proxy for azkv's proxy tests (stdlib only).

    proxy.py --listen 127.0.0.1:3128 --log FILE [--deny]

Logs one JSON line per request: {"method", "target", "headers"}. CONNECT is
answered 200 and relayed both ways (targets resolve through the namespace's
/etc/hosts); with --deny it is answered 403. Any other method (e.g. an IMDS
request that should never come here) is logged and answered 400.
Run only inside tests/netns.sh.
"""
import argparse
import json
import socket
import socketserver
import sys
import threading

ARGS = None
LOCK = threading.Lock()


def log(entry):
    with LOCK, open(ARGS.log, "a") as f:
        f.write(json.dumps(entry) + "\n")


def relay(a, b):
    try:
        while True:
            data = a.recv(65536)
            if not data:
                break
            b.sendall(data)
    except OSError:
        pass
    finally:
        for s in (a, b):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


class Handler(socketserver.BaseRequestHandler):
    def handle(self):
        head = b""
        while b"\r\n\r\n" not in head and len(head) < 16384:
            chunk = self.request.recv(4096)
            if not chunk:
                return
            head += chunk
        lines = head.split(b"\r\n\r\n", 1)[0].decode("latin-1").split("\r\n")
        method, target = (lines[0].split(" ") + ["", ""])[:2]
        headers = dict((k.strip().lower(), v.strip()) for k, v in
                       (l.split(":", 1) for l in lines[1:] if ":" in l))
        log({"method": method, "target": target, "headers": headers})
        if method != "CONNECT":
            self.request.sendall(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")
            return
        if ARGS.deny:
            self.request.sendall(b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n")
            return
        host, port = target.rsplit(":", 1)
        up = socket.create_connection((host, int(port)), timeout=10)
        self.request.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
        t = threading.Thread(target=relay, args=(up, self.request), daemon=True)
        t.start()
        relay(self.request, up)
        t.join(5)


class Server(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True


def main():
    global ARGS
    ap = argparse.ArgumentParser()
    ap.add_argument("--listen", default="127.0.0.1:3128")
    ap.add_argument("--log", required=True)
    ap.add_argument("--deny", action="store_true")
    ARGS = ap.parse_args()
    host, port = ARGS.listen.rsplit(":", 1)
    srv = Server((host, int(port)), Handler)
    print("ready", flush=True)
    srv.serve_forever()


if __name__ == "__main__":
    sys.exit(main())
