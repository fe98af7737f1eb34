#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""asyncproxy.py: a TCP proxy in front of an iSCSI target that can slip a
target's Asynchronous Message (RFC 7143 11.9) into a connection, for the VM
tests.

    asyncproxy.py PORT UPSTREAM DIR      e.g. 3262 3260 /tmp/aproxy

Listens on 127.0.0.1:PORT and joins every connection to 127.0.0.1:UPSTREAM,
copying both ways PDU by PDU (no digests: lunlink's default).  Writing
"EVENT PARAM1 PARAM2 PARAM3" to DIR/cmd makes it send an Async Message with
that AsyncEvent to the initiator of the newest connection, between two of
the target's PDUs; it then removes the file.  The message carries the
StatSN of the target's last response (so the initiator's ExpStatSN and the
target's numbering stay as they are) and its last ExpCmdSN/MaxCmdSN.

DIR/log gets "listening PORT", then per connection N:
    conn N                          accepted and joined
    inject N event=E statsn=S       the Async Message went out
    logout N reason=R               the initiator sent a Logout Request
    logout-rsp N response=R         the target answered it
    closed N by initiator|target    one side hung up
"""
import os
import socket
import struct
import sys
import threading
import time

from loglisten import LoggedListener

BHS_LEN = 48
OP_LOGOUT_REQ, OP_LOGOUT_RSP, OP_DATA_IN, OP_ASYNC = 0x06, 0x26, 0x25, 0x32
# Target PDUs whose StatSN is a status the initiator acknowledges.
STATSN_OPS = {0x20, 0x21, 0x22, 0x23, 0x24, 0x26, 0x3f}
DATA_IN_S_BIT = 0x01


def read_pdu(sock):
    """One whole PDU (BHS, AHS, padded data), or None at the end of the stream."""
    buf = b''
    need = BHS_LEN
    while len(buf) < need:
        chunk = sock.recv(need - len(buf))
        if not chunk:
            return None
        buf += chunk
        if len(buf) == BHS_LEN and need == BHS_LEN:
            dlen = int.from_bytes(buf[5:8], 'big')
            need = BHS_LEN + buf[4] * 4 + dlen + (-dlen % 4)
    return buf


class Conn:
    def __init__(self, proxy, n, ini, tgt):
        self.proxy, self.n, self.ini, self.tgt = proxy, n, ini, tgt
        self.lock = threading.Lock()     # one PDU at a time towards the initiator
        self.statsn = self.expcmdsn = self.maxcmdsn = 0

    def to_target(self):
        while True:
            pdu = read_pdu(self.ini)
            if pdu is None:
                self.proxy.note('closed %d by initiator' % self.n)
                break
            if pdu[0] & 0x3f == OP_LOGOUT_REQ:
                self.proxy.note('logout %d reason=%d' % (self.n, pdu[1] & 0x7f))
            self.tgt.sendall(pdu)
        self.tgt.shutdown(socket.SHUT_WR)

    def to_initiator(self):
        while True:
            pdu = read_pdu(self.tgt)
            if pdu is None:
                self.proxy.note('closed %d by target' % self.n)
                break
            op = pdu[0] & 0x3f
            with self.lock:
                if op in STATSN_OPS or (op == OP_DATA_IN and pdu[1] & DATA_IN_S_BIT):
                    self.statsn = struct.unpack('>I', pdu[24:28])[0]
                self.expcmdsn, self.maxcmdsn = struct.unpack('>II', pdu[28:36])
                self.ini.sendall(pdu)
            if op == OP_LOGOUT_RSP:
                self.proxy.note('logout-rsp %d response=%d' % (self.n, pdu[2]))
        self.ini.shutdown(socket.SHUT_WR)

    def inject(self, event, p1, p2, p3):
        with self.lock:
            tail = struct.pack('>IIIIBBHHH', 0, self.statsn, self.expcmdsn, self.maxcmdsn,
                               event, 0, p1, p2, p3) + bytes(4)
            head = bytes([OP_ASYNC, 0x80, 0, 0, 0, 0, 0, 0]) + bytes(8) + b'\xff' * 4
            self.ini.sendall(head + tail)
            self.proxy.note('inject %d event=%d statsn=%d' % (self.n, event, self.statsn))


class Proxy(LoggedListener):
    def __init__(self, port, upstream, d):
        self.upstream, self.dir = upstream, d
        self.newest = None
        super().__init__(port, os.path.join(d, 'log'))

    def accept_forever(self):
        while True:
            ini, _ = self.lsock.accept()
            tgt = socket.create_connection(('127.0.0.1', self.upstream))
            with self.lock:
                self.count += 1
                c = Conn(self, self.count, ini, tgt)
                self.newest = c
            self.note('conn %d' % c.n)
            for f in (c.to_target, c.to_initiator):
                threading.Thread(target=self.guard, args=(f,), daemon=True).start()

    def guard(self, f):
        try:
            f()
        except OSError:
            pass   # the other side went first: its thread says so

    def commands(self):
        cmd = os.path.join(self.dir, 'cmd')
        while True:
            time.sleep(0.02)
            try:
                with open(cmd) as f:
                    words = [int(w) for w in f.read().split()]
            except (OSError, ValueError):
                continue
            if len(words) != 4 or self.newest is None:
                continue
            os.unlink(cmd)
            try:
                self.newest.inject(*words)
            except OSError as e:
                self.note('inject-failed %d %s' % (self.newest.n, e))


def main(argv):
    if len(argv) != 4:
        sys.stderr.write('usage: asyncproxy.py PORT UPSTREAM DIR\n')
        return 2
    p = Proxy(int(argv[1]), int(argv[2]), argv[3])
    threading.Thread(target=p.commands, daemon=True).start()
    p.accept_forever()
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
