#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""IPC security of iscsid: who may talk to it, and what bad messages do.

Starts a private iscsid (root) on a temp socket and checks, as TAP:
- a non-root process cannot use the socket (file mode 0600: EACCES), and
  when the file mode is opened up, iscsid itself refuses it by SO_PEERCRED
  with exit code 13, and stays up;
- malformed, oversized, truncated and unknown messages get an error reply
  (or a closed connection) and never harm iscsid or other clients, also
  while a client stalls in the middle of a message.
Usage: test_ipc_security.py ISCSID
"""
import os
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'hostile'))
import ipc_client  # noqa: E402

NOBODY = 65534
n_checks = 0
n_failed = 0


def check(ok, what, detail=''):
    global n_checks, n_failed
    n_checks += 1
    if ok:
        print(f'ok {n_checks} - {what}')
    else:
        n_failed += 1
        print(f'not ok {n_checks} - {what}')
        if detail:
            print('# ' + str(detail).replace('\n', '\n# '))


def raw(sock_path, data, timeout=5.0, close_write=False):
    """Sends bytes; returns (reply header tuple or None, payload attrs, closed)."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
        s.settimeout(timeout)
        s.connect(sock_path)
        s.sendall(data)
        if close_write:
            s.shutdown(socket.SHUT_WR)
        try:
            hdr = b''
            while len(hdr) < 16:
                chunk = s.recv(16 - len(hdr))
                if not chunk:
                    return None, [], True
                hdr += chunk
            magic, ver, typ, mid, length = struct.unpack('>IHHII', hdr)
            payload = b''
            while len(payload) < length:
                chunk = s.recv(length - len(payload))
                if not chunk:
                    break
                payload += chunk
            attrs, off = [], 0
            while off + 4 <= len(payload):
                tag, al = struct.unpack('>HH', payload[off:off + 4])
                v = payload[off + 4:off + 4 + al]
                off += 4 + al
                attrs.append((tag, struct.unpack('>I', v)[0] if tag in (1, 6, 10) else v.decode()))
            s.settimeout(0.5)
            try:
                closed = s.recv(1) == b''
            except socket.timeout:
                closed = False
            return (magic, ver, typ, mid, length), attrs, closed
        except socket.timeout:
            return None, [], False


def status_of(attrs):
    for t, v in attrs:
        if t == ipc_client.A_STATUS:
            return v
    return None


def as_nobody(fn):
    """Runs fn() in a child with uid/gid nobody; returns its exit status."""
    pid = os.fork()
    if pid == 0:
        try:
            os.setgroups([])
            os.setgid(NOBODY)
            os.setuid(NOBODY)
            os._exit(fn())
        except BaseException as e:  # noqa: BLE001 - report anything
            print(f'# child: {e!r}')
            os._exit(99)
    _, st = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(st)


def main():
    iscsid = sys.argv[1]
    tmp = tempfile.mkdtemp(prefix='lunlink-ipcsec.')
    os.chmod(tmp, 0o755)
    sock = os.path.join(tmp, 'iscsid.sock')
    env = dict(os.environ, ISCSID_SOCKET=sock, ISCSI_CONFIG_DIR=os.path.join(tmp, 'etc'))
    log = open(os.path.join(tmp, 'iscsid.log'), 'w')
    proc = subprocess.Popen([iscsid, '-f', '-d', '3'], env=env, stdout=log, stderr=log,
                            start_new_session=True)
    try:
        for _ in range(100):
            if os.path.exists(sock):
                break
            time.sleep(0.05)
        alive = lambda: proc.poll() is None and ipc_client.ping(sock, 2.0) == 0  # noqa: E731
        check(alive(), 'iscsid answers PING from root')
        check(os.stat(sock).st_mode & 0o777 == 0o600, 'control socket is mode 0600')

        def nobody_connect():
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            try:
                s.connect(sock)
                return 0
            except PermissionError:
                return 13
        check(as_nobody(nobody_connect) == 13, 'a non-root user cannot connect (EACCES)')

        os.chmod(sock, 0o666)

        def nobody_ping():
            hdr, attrs, _ = raw(sock, ipc_client.encode(ipc_client.PING, []))
            return status_of(attrs) if hdr else 98

        rc = as_nobody(nobody_ping)
        check(rc == 13,
              'with the file opened up, iscsid refuses a non-root peer (SO_PEERCRED): status 13',
              f'child exit {rc}')

        def nobody_stop():
            hdr, attrs, _ = raw(sock, ipc_client.encode(6, []))  # IPC_STOP
            return status_of(attrs) if hdr else 98
        check(as_nobody(nobody_stop) == 13, 'a non-root STOP request is refused')
        os.chmod(sock, 0o600)
        check(alive(), 'iscsid is still up after the refused requests')

        # A client that stalls in the middle of a header must not block others.
        staller = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        staller.connect(sock)
        staller.sendall(b'LLNK\x00')
        t0 = time.monotonic()
        check(alive() and time.monotonic() - t0 < 2, 'a stalled half-sent message does not block PING')

        hdr, attrs, closed = raw(sock, b'XXXX' + bytes(12))
        check(hdr is not None and status_of(attrs) == 18 and closed,
              'bad magic: error reply (18) and the connection is closed', attrs)
        bad_ver = struct.pack('>IHHII', ipc_client.MAGIC, 9, 1, 1, 0)
        hdr, attrs, closed = raw(sock, bad_ver)
        msg = dict(attrs).get(ipc_client.A_MESSAGE, '')
        check(status_of(attrs) == 18 and 'version' in msg, 'wrong version: error naming the version', attrs)
        huge = struct.pack('>IHHII', ipc_client.MAGIC, 1, 1, 1, 0x7fffffff)
        hdr, attrs, closed = raw(sock, huge)
        check(status_of(attrs) == 18 and closed, 'oversized length: refused before reading it', attrs)
        overflow = struct.pack('>IHHII', ipc_client.MAGIC, 1, 3, 7, 4) + struct.pack('>HH', 3, 500)
        hdr, attrs, closed = raw(sock, overflow)
        check(status_of(attrs) == 16 and hdr and hdr[3] == 7,
              'attribute longer than the message: error reply (16) with the request id', attrs)
        nul = ipc_client.encode(3, [(ipc_client.A_KV, b'node.name=a\x00b')])
        hdr, attrs, closed = raw(sock, nul)
        check(status_of(attrs) == 16, 'string with NUL: error reply (16)', attrs)
        hdr, attrs, closed = raw(sock, ipc_client.encode(999, []))
        check(status_of(attrs) == 16 and not closed, 'unknown request type: error reply (16), connection kept',
              (hdr, attrs, closed))
        hdr, attrs, closed = raw(sock, ipc_client.encode(3, [(ipc_client.A_KV, b'node.name=iqn.2020-01.x:y'),
                                                          (ipc_client.A_KV, b'node.session.cmds_max=lots')]))
        check(status_of(attrs) not in (None, 0), 'login request with a bad record value: error reply',
              (hdr, attrs, closed))
        hdr, attrs, closed = raw(sock, struct.pack('>IHHII', ipc_client.MAGIC, 1, 1, 1, 100) + b'abc',
                                 timeout=1.0, close_write=True)
        check(proc.poll() is None, 'truncated message then hang-up: iscsid survives')

        clients = []
        for _ in range(200):
            c = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            c.connect(sock)
            c.sendall(os.urandom(64))
            clients.append(c)
        for c in clients:
            c.close()
        check(alive(), '200 clients sending random bytes: iscsid still serves PING')
        staller.close()
        check(alive(), 'iscsid is up at the end')
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()
        if n_failed:
            print('# iscsid log:')
            with open(os.path.join(tmp, 'iscsid.log')) as f:
                for line in f.read().splitlines()[-30:]:
                    print('# ' + line)
        subprocess.run(['rm', '-rf', tmp], check=False)
    print(f'1..{n_checks}')
    return 1 if n_failed or n_checks == 0 else 0


if __name__ == '__main__':
    sys.exit(main())
