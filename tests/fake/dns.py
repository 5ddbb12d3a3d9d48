#!/usr/bin/env python3
"""dns.py: a fake DNS server over UDP for azkv's resolver tests. Stdlib only.

Never run it on the host's network: tests/e2e/resolver.py starts it inside the
private namespace of tests/netns.sh, on 127.0.0.1:53 (and [::1]:53 when ::1
exists).

Usage:
  dns.py --listen ADDR:PORT[,[V6]:PORT] --zone FILE --log FILE [--ready FILE]
  Prints "ready" on stdout (and creates --ready FILE) once every socket is bound.

ZONE (JSON object, read once): lower-case name -> entry
  {"A": ["127.0.0.1", ...], "AAAA": ["::1", ...]}   the addresses of that name
  {"CNAME": "target"}        an alias: the answer holds the chain, as a
                             recursive resolver's would, then the target's
                             addresses when the target is in the zone
  {"mode": MODE, ...}        instead of the normal answer:
     nxdomain   RCODE 3          servfail   RCODE 2       refused   RCODE 5
     drop       no reply at all (a silent server)
     truncate   TC set, no answers (azkv has no TCP fallback)
     badid      first a reply with another id and a wrong address, then the right one
     spoof      first a reply from another source port with a wrong address,
                then the right one
     garbage    a reply cut inside its answer (malformed), then nothing
  "modes": {"A": MODE, "AAAA": MODE} does the same per query type only.
  A name not in the zone is NXDOMAIN; a type it lacks is an empty NOERROR.
  Names compare case-insensitively; a reply echoes the question as asked.

LOG (--log FILE): one JSON line per query, flushed before the reply is sent:
  {"event":"query","laddr","raddr","id","name","type":"A"|"AAAA"|number,
   "mode": what was done ("answer", "nxdomain", ...),"answers":[...],"ts"}

build_reply() and parse_query() are also used by tests/fuzz/seeds_dns.py.
"""
import argparse
import json
import socket
import struct
import sys
import threading
import time

TYPES = {1: "A", 28: "AAAA", 5: "CNAME"}
CHAIN_MAX = 16  # CNAME hops followed in the zone


def parse_query(pkt):
    """(id, flags, name as asked, qtype, end offset) of a query; ValueError if bad."""
    if len(pkt) < 12:
        raise ValueError("short header")
    qid, flags, qd = struct.unpack(">HHH", pkt[:6])
    if flags & 0x8000 or qd != 1:
        raise ValueError("not a one-question query")
    labels, pos = [], 12
    while True:
        if pos >= len(pkt):
            raise ValueError("name cut")
        n = pkt[pos]
        if n == 0:
            pos += 1
            break
        if n > 63 or pos + 1 + n > len(pkt):
            raise ValueError("bad label")
        labels.append(pkt[pos + 1:pos + 1 + n].decode("ascii", "replace"))
        pos += 1 + n
    if pos + 4 > len(pkt):
        raise ValueError("question cut")
    qtype, qclass = struct.unpack(">HH", pkt[pos:pos + 4])
    return qid, flags, ".".join(labels), qtype, pos + 4


class Writer:
    """A reply being written, with RFC 1035 name compression."""

    def __init__(self):
        self.b = bytearray()
        self.seen = {}  # lower-case suffix -> offset

    def name(self, name):
        labels = [l for l in name.split(".") if l]
        for i in range(len(labels)):
            suffix = ".".join(labels[i:]).lower()
            if suffix in self.seen:
                self._labels(labels[:i])
                self.b += struct.pack(">H", 0xC000 | self.seen[suffix])
                return
            if len(self.b) < 0x4000:
                self.seen[suffix] = len(self.b) + sum(1 + len(l) for l in labels[:i])
        self._labels(labels)
        self.b.append(0)

    def _labels(self, labels):
        for l in labels:
            raw = l.encode("ascii")
            self.b.append(len(raw))
            self.b += raw

    def rr(self, owner, rtype, rdata_fn):
        self.name(owner)
        self.b += struct.pack(">HHIH", rtype, 1, 300, 0)
        at = len(self.b)
        rdata_fn()
        struct.pack_into(">H", self.b, at - 2, len(self.b) - at)


def answers_for(zone, name, qtype):
    """[(owner, type, value)] for name: the CNAME chain, then the addresses."""
    out, cur = [], name.lower()
    for _ in range(CHAIN_MAX):
        entry = zone.get(cur)
        if entry is None:
            return out
        if "CNAME" in entry:
            out.append((cur, 5, entry["CNAME"]))
            cur = entry["CNAME"].lower()
            continue
        key = TYPES.get(qtype)
        for a in entry.get(key, []) if key in ("A", "AAAA") else []:
            out.append((cur, qtype, a))
        return out
    return out


def build_reply(qid, name, qtype, rcode=0, answers=(), tc=False, rd=True):
    """A reply for one question; answers as answers_for() gives them."""
    w = Writer()
    flags = 0x8000 | 0x0080 | (0x0100 if rd else 0) | (0x0200 if tc else 0) | rcode
    w.b += struct.pack(">HHHHHH", qid & 0xFFFF, flags, 1, len(answers), 0, 0)
    w.name(name)
    w.b += struct.pack(">HH", qtype, 1)
    for owner, rtype, value in answers:
        if rtype == 1:
            w.rr(owner, 1, lambda v=value: w.b.extend(socket.inet_pton(socket.AF_INET, v)))
        elif rtype == 28:
            w.rr(owner, 28, lambda v=value: w.b.extend(socket.inet_pton(socket.AF_INET6, v)))
        else:
            w.rr(owner, 5, lambda v=value: w.name(v))
    return bytes(w.b)


class Server:
    def __init__(self, zone, logpath):
        self.zone = {k.lower(): v for k, v in zone.items()}
        self.logpath = logpath
        self.lock = threading.Lock()

    def log(self, entry):
        entry["ts"] = round(time.time(), 6)
        line = json.dumps(entry, sort_keys=True) + "\n"
        with self.lock, open(self.logpath, "a", encoding="ascii") as f:
            f.write(line)
            f.flush()

    def mode_of(self, name, qtype):
        entry = self.zone.get(name.lower(), {})
        per = entry.get("modes", {}).get(TYPES.get(qtype, ""), None)
        return per or entry.get("mode") or ("answer" if entry else "nxdomain")

    def handle(self, sock, pkt, peer):
        try:
            qid, flags, name, qtype, _ = parse_query(pkt)
        except ValueError as ex:
            self.log({"event": "bad-query", "raddr": peer[0], "error": str(ex)})
            return
        mode = self.mode_of(name, qtype)
        answers = answers_for(self.zone, name, qtype) if mode != "nxdomain" else []
        self.log({"event": "query", "laddr": sock.getsockname()[0], "raddr": peer[0],
                  "id": qid, "name": name, "type": TYPES.get(qtype, qtype),
                  "mode": mode, "answers": [a[2] for a in answers]})
        rd = bool(flags & 0x0100)
        fake = [(name, qtype, "127.0.0.2" if qtype == 1 else "::2")]
        if mode == "drop":
            return
        if mode == "garbage":
            whole = build_reply(qid, name, qtype, 0, [(name, qtype, "127.0.0.2" if qtype == 1 else "::2")], rd=rd)
            sock.sendto(whole[:-3], peer)  # the address cut short
            return
        if mode == "badid":
            sock.sendto(build_reply(qid ^ 0x5A5A, name, qtype, 0, fake, rd=rd), peer)
        if mode == "spoof":
            fam = socket.AF_INET6 if ":" in peer[0] else socket.AF_INET
            with socket.socket(fam, socket.SOCK_DGRAM) as other:
                other.bind((sock.getsockname()[0], 0))
                other.sendto(build_reply(qid, name, qtype, 0, fake, rd=rd), peer)
            time.sleep(0.05)  # let the forged reply arrive first
        rcode = {"nxdomain": 3, "servfail": 2, "refused": 5}.get(mode, 0)
        tc = mode == "truncate"
        if rcode or tc:
            answers = []
        sock.sendto(build_reply(qid, name, qtype, rcode, answers, tc=tc, rd=rd), peer)

    def serve(self, sock):
        while True:
            pkt, peer = sock.recvfrom(4096)
            threading.Thread(target=self.handle, args=(sock, pkt, peer), daemon=True).start()


def parse_addr(s):
    host, _, port = s.rpartition(":")
    if host.startswith("["):
        return socket.AF_INET6, host[1:-1], int(port)
    return socket.AF_INET, host, int(port)


def main():
    ap = argparse.ArgumentParser(description="fake DNS server (UDP) for azkv tests")
    ap.add_argument("--listen", default="127.0.0.1:53")
    ap.add_argument("--zone", required=True)
    ap.add_argument("--log", required=True)
    ap.add_argument("--ready")
    o = ap.parse_args()
    with open(o.zone, encoding="utf-8") as f:
        srv = Server(json.load(f), o.log)
    socks = []
    for spec in o.listen.split(","):
        fam, host, port = parse_addr(spec)
        s = socket.socket(fam, socket.SOCK_DGRAM)
        if fam == socket.AF_INET6:
            s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
        s.bind((host, port))
        socks.append(s)
    for s in socks:
        threading.Thread(target=srv.serve, args=(s,), daemon=True).start()
    if o.ready:
        open(o.ready, "w").close()
    print("ready", flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    sys.exit(main())
