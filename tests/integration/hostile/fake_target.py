#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""fake_target.py: an iSCSI target on 127.0.0.1 that misbehaves on purpose.

One scenario per instance (SCENARIOS below): "good" logs in, answers
SendTargets and logs out like a correct target; every other one breaks
the protocol in one specific way at one specific point.  Each accepted
connection runs in its own thread, so a redirect loop or a second login
works.  Standard library only.

    python3 fake_target.py SCENARIO      # prints "PORT <n>", serves until killed
    python3 fake_target.py --list
"""
import os
import socket
import sys
import threading
import time

import iscsi_pdu as P

TARGET_IQN = 'iqn.2024-01.org.lunlink.test:hostile'
TSIH = 0x0042


class Conn:
    """One initiator connection: the socket, our StatSN, and helpers."""

    def __init__(self, target, sock):
        self.target = target
        self.sock = sock
        self.statsn = 0

    def recv(self):
        return P.read_request(self.sock)

    def send(self, data):
        self.sock.sendall(data)

    def next_statsn(self):
        self.statsn += 1
        return self.statsn - 1

    def rsp(self, req, pairs=(), **kw):
        """A Login Response carrying pairs (or raw data=...)."""
        data = kw.pop('data', None)
        if data is None:
            data = P.keys_to_bytes(pairs)
        self.send(P.login_rsp(req, data, statsn=self.next_statsn(), **kw))

    def wait_closed(self, limit=30.0):
        """Stays silent until the initiator hangs up (or limit seconds pass)."""
        self.sock.settimeout(limit)
        try:
            while self.sock.recv(4096):
                pass
        except OSError:
            pass


# ---- the parts of a correct login ----

DECLARATIONS = {'InitiatorName', 'InitiatorAlias', 'SessionType', 'TargetName'}


def operational_answers(keys, overrides):
    """Answer every offered key with a value the initiator must accept."""
    out = []
    for k, v in keys:
        if k in DECLARATIONS or k == 'MaxRecvDataSegmentLength' or k in overrides:
            continue
        out.append((k, 'None' if k in ('HeaderDigest', 'DataDigest') else v))
    if 'MaxRecvDataSegmentLength' not in overrides:
        out.append(('MaxRecvDataSegmentLength', '8192'))
    out += list(overrides.items())
    return out


def security_none(conn, req):
    """Answers AuthMethod=None; returns the first operational-stage request."""
    while req.csg == 0:
        conn.rsp(req, [('AuthMethod', 'None'), ('TargetPortalGroupTag', '1')],
                 transit=req.transit, nsg=1)
        req = conn.recv()
    return req


def operational(conn, req, overrides=None):
    """Answers the operational keys until the initiator may enter full feature phase."""
    overrides = overrides or {}
    while True:
        conn.rsp(req, operational_answers(req.keys, overrides), transit=req.transit,
                 nsg=3, tsih=TSIH)
        if req.transit:
            return
        req = conn.recv()


def full_feature(conn, targets=None):
    """SendTargets and Logout, as a correct target answers them."""
    port = conn.target.port
    targets = targets or [('TargetName', TARGET_IQN),
                          ('TargetAddress', '127.0.0.1:%d,1' % port)]
    while True:
        req = conn.recv()
        if req.opcode == P.OP_TEXT_REQ:
            conn.send(P.text_rsp(req, P.keys_to_bytes(targets), statsn=conn.next_statsn()))
        elif req.opcode == P.OP_LOGOUT_REQ:
            conn.send(P.logout_rsp(req, statsn=conn.next_statsn()))
            return


def good_login(conn, req, overrides=None):
    operational(conn, security_none(conn, req), overrides)


def chap_until_challenge(conn, req):
    """AuthMethod=CHAP; returns the request that carries the initiator's CHAP_A list."""
    conn.rsp(req, [('AuthMethod', 'CHAP')])
    return conn.recv()


# ---- scenarios: (connection, first request) -> None ----

def sc_good(conn, req):
    good_login(conn, req)
    full_feature(conn)


def sc_truncated(conn, req):
    """Header announces 1000 data bytes, 100 follow, then the target hangs up."""
    conn.rsp(req, data=b'A' * 100, dlen=1000)
    conn.sock.shutdown(socket.SHUT_RDWR)


def sc_oversized(conn, req):
    """DataSegmentLength 16 MiB - 1 (the 24-bit maximum), then silence."""
    conn.rsp(req, data=b'', dlen=0xffffff)
    conn.wait_closed()


def sc_data_longer_than_negotiated(conn, req):
    """A 64 KiB data segment while the login limit is 8192 bytes."""
    filler = P.keys_to_bytes([('X-org.lunlink.pad%d' % i, 'x' * 40) for i in range(1200)])
    conn.rsp(req, data=filler[:65536])
    conn.wait_closed()


def sc_unknown_opcode(conn, req):
    conn.rsp(req, [('AuthMethod', 'None')], opcode=0x3b)
    conn.wait_closed()


def sc_out_of_range(conn, req):
    good_login(conn, req, {'MaxRecvDataSegmentLength': '1'})
    full_feature(conn)


def sc_thousands_of_keys(conn, req):
    """4000 keys, cut into 8 KiB Login Responses with the C bit."""
    data = P.keys_to_bytes([('K%d' % i, '1') for i in range(4000)])
    pieces = [data[i:i + 8192] for i in range(0, len(data), 8192)]
    for n, piece in enumerate(pieces):
        conn.rsp(req, data=piece, cont=n + 1 < len(pieces))
        req = conn.recv()   # the initiator asks for the next piece with an empty request
    conn.wait_closed()


def sc_key_without_equals(conn, req):
    conn.rsp(req, data=b'AuthMethod\0TargetPortalGroupTag=1\0')
    conn.wait_closed()


def sc_redirect_loop(conn, req):
    """Status 0x0101 (moved temporarily) to ourselves, on every connection."""
    conn.target.note('redirect')
    conn.rsp(req, [('TargetAddress', '127.0.0.1:%d,1' % conn.target.port)], status=(1, 1))
    conn.wait_closed(5)


def sc_chap_reflect(conn, req):
    """Mutual CHAP: remember the initiator's challenge, redirect, then send it back."""
    t = conn.target
    req = chap_until_challenge(conn, req)
    if t.reflect is None:
        conn.rsp(req, [('CHAP_A', '5'), ('CHAP_I', '1'), ('CHAP_C', '0x' + os.urandom(16).hex())])
        req = conn.recv()
        t.reflect = (req.key('CHAP_I'), req.key('CHAP_C'))
        t.note('initiator challenge %s' % t.reflect[1])
        conn.rsp(req, [('TargetAddress', '127.0.0.1:%d,1' % t.port)], status=(1, 1))
    else:
        conn.rsp(req, [('CHAP_A', '5'), ('CHAP_I', t.reflect[0]), ('CHAP_C', t.reflect[1])])
    conn.wait_closed(5)


def sc_chap_alg_not_offered(conn, req):
    """The initiator offers CHAP_A=5 (MD5); we pick 6 (SHA1) anyway."""
    req = chap_until_challenge(conn, req)
    conn.target.note('initiator offered CHAP_A=%s' % req.key('CHAP_A'))
    conn.rsp(req, [('CHAP_A', '6'), ('CHAP_I', '1'), ('CHAP_C', '0x' + os.urandom(20).hex())])
    conn.wait_closed()


def sc_silent(conn, req):
    """Accepts the connection, reads the Login Request, never answers."""
    conn.wait_closed()


def sc_drip(conn, req):
    """A correct first answer, one byte every 0.5 s: activity must not extend the timeout."""
    data = P.login_rsp(req, P.keys_to_bytes([('AuthMethod', 'None')]), transit=req.transit,
                       nsg=1)
    try:
        for b in data:
            conn.send(bytes([b]))
            time.sleep(0.5)
    except OSError:
        pass
    conn.wait_closed()


def sc_garbage_after_login(conn, req):
    """A correct login, then an HTTP error page instead of the Text Response."""
    good_login(conn, req)
    conn.recv()
    conn.send(b'HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n')
    conn.wait_closed()


def sc_text_longer_than_negotiated(conn, req):
    """After login, a Text Response bigger than the MaxRecvDataSegmentLength we were told."""
    good_login(conn, req)
    treq = conn.recv()
    big = P.keys_to_bytes([('TargetName', TARGET_IQN + '%d' % i) for i in range(2000)])
    conn.send(P.text_rsp(treq, big[:300000]))
    conn.wait_closed()


def sc_hangup(conn, req):
    conn.sock.close()


SCENARIOS = {
    'good': (sc_good, 'a correct target'),
    'truncated': (sc_truncated, 'PDU header says 1000 data bytes, 100 sent, then close'),
    'oversized': (sc_oversized, 'DataSegmentLength 16 MiB - 1'),
    'data-longer-than-negotiated': (sc_data_longer_than_negotiated,
                                    '64 KiB login data segment (limit 8192)'),
    'unknown-opcode': (sc_unknown_opcode, 'answer with opcode 0x3b'),
    'out-of-range': (sc_out_of_range, 'MaxRecvDataSegmentLength=1'),
    'thousands-of-keys': (sc_thousands_of_keys, '4000 keys in continued Login Responses'),
    'key-without-equals': (sc_key_without_equals, '"AuthMethod" without "="'),
    'redirect-loop': (sc_redirect_loop, 'status 0x0101 to itself, forever'),
    'chap-reflect': (sc_chap_reflect, "mutual CHAP: our challenge sent back to us"),
    'chap-alg-not-offered': (sc_chap_alg_not_offered, 'CHAP_A=6 when we offered 5'),
    'silent': (sc_silent, 'accepts, never answers'),
    'drip': (sc_drip, 'answers one byte every 0.5 s'),
    'garbage-after-login': (sc_garbage_after_login, 'HTTP text instead of a Text Response'),
    'text-longer-than-negotiated': (sc_text_longer_than_negotiated,
                                    'Text Response larger than our MaxRecvDataSegmentLength'),
    'hangup': (sc_hangup, 'closes right after the Login Request'),
}


class FakeTarget:
    def __init__(self, scenario):
        if scenario not in SCENARIOS:
            raise ValueError('unknown scenario %s' % scenario)
        self.scenario = scenario
        self.handler = SCENARIOS[scenario][0]
        self.lsock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.lsock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.lsock.bind(('127.0.0.1', 0))
        self.lsock.listen(16)
        self.port = self.lsock.getsockname()[1]
        self.connections = 0
        self.reflect = None
        self.events = []
        self.errors = []
        self.lock = threading.Lock()
        self.thread = threading.Thread(target=self._accept, daemon=True)

    def note(self, what):
        with self.lock:
            self.events.append(what)

    def start(self):
        self.thread.start()
        return self

    def stop(self):
        try:
            self.lsock.close()
        except OSError:
            pass

    def _accept(self):
        while True:
            try:
                s, _ = self.lsock.accept()
            except OSError:
                return
            with self.lock:
                self.connections += 1
            threading.Thread(target=self._serve, args=(s,), daemon=True).start()

    def _serve(self, s):
        conn = Conn(self, s)
        try:
            self.handler(conn, conn.recv())
        except (ConnectionError, OSError, socket.timeout):
            pass   # the initiator gave up on us: that is the point
        except Exception as e:   # a bug in this script: report, do not hide
            with self.lock:
                self.errors.append('%s: %r' % (self.scenario, e))
        finally:
            try:
                s.close()
            except OSError:
                pass


def main(argv):
    if len(argv) != 2 or argv[1] not in SCENARIOS and argv[1] != '--list':
        sys.stderr.write('usage: fake_target.py SCENARIO | --list\n')
        return 2
    if argv[1] == '--list':
        for name, (_, what) in SCENARIOS.items():
            print('%-30s %s' % (name, what))
        return 0
    t = FakeTarget(argv[1]).start()
    print('PORT %d' % t.port, flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        t.stop()
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
