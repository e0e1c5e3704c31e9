#!/usr/bin/python3
"""Write a capture for the Suricata detection test from a flow list.

usage: suricata_pcap.py FLOWS.tsv OUT.pcap OUT-map.tsv

FLOWS.tsv: one flow a line, TAB-separated, '#' comments:
    NAME  http  METHOD  URI  [Header: value]...
    NAME  dns   QNAME
    NAME  tls   SNI|-          (a TLS 1.2 ClientHello, no SNI with '-')
    NAME  tftp  1|2  FILENAME  (read / write request)
    NAME  conn  tcp|udp  DPORT
Each flow gets its own client address and port so alerts can be traced
back to it; OUT-map.tsv lists NAME, client ip, client port.
Needs Debian's python3-scapy (run with /usr/bin/python3).
"""
import struct
import sys

from scapy.all import IP, TCP, UDP, Raw, wrpcap  # noqa: E402

SERVERS = {"http": ("203.0.113.10", 80), "tls": ("203.0.113.20", 443),
           "dns": ("198.51.100.53", 53), "tftp": ("198.51.100.69", 69)}


def tcp_session(cli, sport, srv, dport, request, response, t):
    """A full TCP conversation: handshake, one request, one reply, close."""
    pk = []
    c, s = 1000, 5000
    def add(src, dst, sp, dp, flags, seq, ack, data=b""):
        p = IP(src=src, dst=dst) / TCP(sport=sp, dport=dp, flags=flags, seq=seq, ack=ack,
                                       window=65535)
        if data:
            p = p / Raw(load=data)
        p.time = t + len(pk) * 0.001
        pk.append(p)
    add(cli, srv, sport, dport, "S", c, 0)
    add(srv, cli, dport, sport, "SA", s, c + 1)
    add(cli, srv, sport, dport, "A", c + 1, s + 1)
    add(cli, srv, sport, dport, "PA", c + 1, s + 1, request)
    c += 1 + len(request)
    add(srv, cli, dport, sport, "A", s + 1, c)
    if response:
        add(srv, cli, dport, sport, "PA", s + 1, c, response)
        s += len(response)
    add(cli, srv, sport, dport, "A", c, s + 1)
    add(cli, srv, sport, dport, "FA", c, s + 1)
    add(srv, cli, dport, sport, "FA", s + 1, c + 1)
    add(cli, srv, sport, dport, "A", c + 1, s + 2)
    return pk


def http_request(method, uri, headers):
    """Text as UTF-8 bytes: a URI may carry raw non-ASCII characters."""
    lines = ["%s %s HTTP/1.1" % (method, uri)] + headers
    return ("\r\n".join(lines) + "\r\n\r\n").encode("utf-8")


HTTP_OK = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Type: text/plain\r\n\r\nok"


def dns_query(qname, ident):
    q = b"".join(bytes([len(l)]) + l.encode() for l in qname.rstrip(".").split("."))
    return struct.pack(">HHHHHH", ident, 0x0100, 1, 0, 0, 0) + q + b"\x00" + \
        struct.pack(">HH", 1, 1)


def client_hello(sni):
    """A TLS 1.2 ClientHello with fixed ciphers and extensions (stable JA3)."""
    ciphers = [0xc02b, 0xc02f, 0xc00a, 0x0035]
    exts = b""
    if sni != "-":
        name = sni.encode()
        entry = b"\x00" + struct.pack(">H", len(name)) + name
        exts += struct.pack(">HH", 0x0000, len(entry) + 2) + struct.pack(">H", len(entry)) + entry
    groups = struct.pack(">HHH", 4, 0x0017, 0x0018)
    exts += struct.pack(">HH", 0x000a, len(groups)) + groups
    exts += struct.pack(">HHBB", 0x000b, 2, 1, 0)
    body = struct.pack(">H", 0x0303) + bytes(range(32)) + b"\x00"
    body += struct.pack(">H", 2 * len(ciphers)) + b"".join(struct.pack(">H", c) for c in ciphers)
    body += b"\x01\x00" + struct.pack(">H", len(exts)) + exts
    hs = b"\x01" + struct.pack(">I", len(body))[1:] + body
    return b"\x16\x03\x01" + struct.pack(">H", len(hs)) + hs


def main():
    flows_path, pcap_path, map_path = sys.argv[1:4]
    packets, rows = [], []
    t = 1700000000.0
    with open(flows_path, encoding="utf-8") as f:
        lines = [l.rstrip("\n") for l in f if l.strip() and not l.startswith("#")]
    for i, line in enumerate(lines):
        name, kind, *args = line.split("\t")
        cli = "10.1.%d.%d" % (i // 200, i % 200 + 1)
        sport = 20000 + i
        t += 1
        if kind == "http":
            srv, dport = SERVERS["http"]
            packets += tcp_session(cli, sport, srv, dport,
                                   http_request(args[0], args[1], args[2:]), HTTP_OK, t)
        elif kind == "tls":
            srv, dport = SERVERS["tls"]
            packets += tcp_session(cli, sport, srv, dport, client_hello(args[0]), b"", t)
        elif kind == "dns":
            srv, dport = SERVERS["dns"]
            p = IP(src=cli, dst=srv) / UDP(sport=sport, dport=dport) / Raw(dns_query(args[0], i + 1))
            p.time = t
            packets.append(p)
        elif kind == "tftp":
            srv, dport = SERVERS["tftp"]
            req = struct.pack(">H", int(args[0])) + args[1].encode() + b"\x00octet\x00"
            p = IP(src=cli, dst=srv) / UDP(sport=sport, dport=dport) / Raw(req)
            p.time = t
            packets.append(p)
        elif kind == "conn":
            srv = "192.0.2.%d" % (i % 200 + 1)
            dport = int(args[1])
            if args[0] == "tcp":
                p = IP(src=cli, dst=srv) / TCP(sport=sport, dport=dport, flags="S", seq=1)
            else:
                p = IP(src=cli, dst=srv) / UDP(sport=sport, dport=dport) / Raw(b"ping")
            p.time = t
            packets.append(p)
        else:
            sys.exit("%s: line %d: unknown flow kind %r" % (flows_path, i + 1, kind))
        rows.append("%s\t%s\t%d" % (name, cli, sport))
    wrpcap(pcap_path, packets)
    with open(map_path, "w", encoding="utf-8") as f:
        f.write("\n".join(rows) + "\n")


if __name__ == "__main__":
    main()
