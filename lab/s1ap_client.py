#!/usr/bin/env python3
"""Minimal framed-S1AP-over-TCP eNodeB for lab tests.

Sends one S1 Setup Request (TS 36.413, ASN.1 aligned PER, built by hand
below) to the MME, preceded by a 4-byte big-endian length, waits for one
framed reply and prints it. Exit 0 if it is an S1 Setup Response, 1 if it is
an S1 Setup Failure, 2 on anything else (timeout, closed, garbage).

Usage: s1ap_client.py HOST PORT MCC MNC TAC [ENB_ID] [--hex-out FILE]
"""
import socket
import struct
import sys


class Bits:
    """Bit writer for the few APER fields that are not octet-aligned."""

    def __init__(self):
        self.bits = []

    def put(self, value, width):
        self.bits += [(value >> (width - 1 - i)) & 1 for i in range(width)]

    def align(self):
        while len(self.bits) % 8:
            self.bits.append(0)

    def octets(self, data):
        self.align()
        for b in data:
            self.put(b, 8)

    def tobytes(self):
        self.align()
        return bytes(int("".join(map(str, self.bits[i:i + 8])), 2)
                     for i in range(0, len(self.bits), 8))


def plmn(mcc, mnc):
    """PLMNidentity (TS 36.413 9.2.3.8 / TS 24.008): BCD digits, F filler."""
    d = [int(c) for c in mcc]
    m = [int(c) for c in mnc]
    mnc3 = m[2] if len(m) == 3 else 0xF
    return bytes([(d[1] << 4) | d[0], (mnc3 << 4) | d[2], (m[1] << 4) | m[0]])


def open_type(value):
    """Open type value: length determinant (octet-aligned) + octets."""
    assert len(value) < 128
    return bytes([len(value)]) + value


def ie(ie_id, criticality, value):
    """ProtocolIE-Field: id INTEGER(0..65535), criticality ENUMERATED
    {reject, ignore, notify} (2 bits, then aligned), value open type."""
    return struct.pack(">HB", ie_id, criticality << 6) + open_type(value)


def s1_setup_request(mcc, mnc, tac, enb_id):
    p = plmn(mcc, mnc)
    # Global-ENB-ID ::= SEQUENCE { pLMNidentity, eNB-ID, iE-Extensions OPT, ... }
    #   ext bit 0, iE-Extensions absent 0; PLMN (3 fixed octets, aligned);
    #   ENB-ID CHOICE ext 0, macroENB-ID (index 0); BIT STRING SIZE(20) aligned.
    g = Bits()
    g.put(0, 1); g.put(0, 1)
    g.octets(p)
    g.put(0, 1); g.put(0, 1)
    g.align(); g.put(enb_id & 0xFFFFF, 20)
    global_enb_id = g.tobytes()
    # SupportedTAs ::= SEQUENCE (SIZE(1..256)) OF SupportedTAs-Item
    #   count-1 in one aligned octet;
    #   item: ext 0, iE-Extensions absent 0, TAC (2 fixed octets: NOT aligned),
    #   broadcastPLMNs SEQUENCE (SIZE(1..6)) count-1 in 3 bits, PLMN aligned.
    t = Bits()
    t.put(0, 8)
    t.put(0, 1); t.put(0, 1)
    t.put(tac, 16)
    t.put(0, 3)
    t.octets(p)
    supported_tas = t.tobytes()
    # PagingDRX ::= ENUMERATED {v32, v64, v128, v256, ...}: ext 0, v128 = 2
    drx = Bits(); drx.put(0, 1); drx.put(2, 2)
    ies = [ie(59, 0, global_enb_id),      # id-Global-ENB-ID, reject
           ie(64, 0, supported_tas),      # id-SupportedTAs, reject
           ie(137, 1, drx.tobytes())]     # id-DefaultPagingDRX, ignore
    # S1SetupRequest ::= SEQUENCE { protocolIEs, ... }: ext bit 0, then
    # ProtocolIE-Container SIZE(0..65535): count in 16 aligned bits.
    body = b"\x00" + struct.pack(">H", len(ies)) + b"".join(ies)
    # S1AP-PDU CHOICE ext 0, initiatingMessage (index 0); procedureCode 17
    # (id-S1Setup); criticality reject; value open type.
    return b"\x00" + bytes([17]) + b"\x00" + open_type(body)


def recv_exact(sock, n):
    buf = b""
    while len(buf) < n:
        chunk = sock.recv(n - len(buf))
        if not chunk:
            raise EOFError("connection closed after %d of %d bytes" % (len(buf), n))
        buf += chunk
    return buf


def main(argv):
    args = [a for a in argv[1:] if not a.startswith("--")]
    hex_out = None
    if "--hex-out" in argv:
        hex_out = argv[argv.index("--hex-out") + 1]
        args.remove(hex_out)
    host, port, mcc, mnc, tac = args[0], int(args[1]), args[2], args[3], int(args[4])
    enb_id = int(args[5], 0) if len(args) > 5 else 0x1A
    req = s1_setup_request(mcc, mnc, tac, enb_id)
    print("S1SetupRequest  (%d bytes): %s" % (len(req), req.hex(" ")))
    with socket.create_connection((host, port), timeout=10) as s:
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        s.sendall(struct.pack(">I", len(req)) + req)
        try:
            (length,) = struct.unpack(">I", recv_exact(s, 4))
            resp = recv_exact(s, length)
        except (EOFError, socket.timeout) as e:
            print("no reply: %s" % e)
            return 2
    kind = {0x20: "SuccessfulOutcome", 0x40: "UnsuccessfulOutcome"}.get(resp[0], "?")
    print("reply %s proc %d (%d bytes): %s" % (kind, resp[1], len(resp), resp.hex(" ")))
    if hex_out:
        with open(hex_out, "w") as f:
            f.write("# request\n%s\n# response\n%s\n" % (req.hex(), resp.hex()))
    if resp[1] == 17 and resp[0] == 0x20:
        print("S1 Setup Response received")
        return 0
    if resp[1] == 17 and resp[0] == 0x40:
        print("S1 Setup Failure received")
        return 1
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
