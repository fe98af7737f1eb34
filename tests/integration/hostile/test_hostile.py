#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""test_hostile.py: SendTargets discovery through iscsid against targets
that misbehave on purpose (fake_target.py), one scenario at a time.

For every scenario the discovery must fail within a bounded time, with a
message naming the target portal and what was wrong (key words below),
with the expected open-iscsi exit code; afterwards iscsid must still be
running and answer a PING.  At the end a correct target must still be
discovered, also while a silent target holds another discovery open, and
iscsid must stop cleanly with no sanitizer report in its log.

    test_hostile.py --iscsid build/iscsid/iscsid [--iscsiadm build/iscsiadm/iscsiadm]
                    [--results RESULTS.md] [--only NAME,...] [--keep]

Without --iscsiadm the requests go through ipc_client.py instead (the
message is then iscsid's reply, as iscsiadm would print it).  Needs root
(iscsid serves only uid 0); fails otherwise (never skips).  Output is TAP.
"""
import argparse
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

sys.dont_write_bytecode = True   # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fake_target  # noqa: E402
import ipc_client  # noqa: E402

LOGIN_TIMEOUT = 5
INITIATOR = 'iqn.2016-04.com.open-iscsi:hostile01'
BASE_CONF = ['discovery.sendtargets.timeo.login_timeout = %d' % LOGIN_TIMEOUT]
CHAP_MUTUAL = ['discovery.sendtargets.auth.authmethod = CHAP',
               'discovery.sendtargets.auth.username = alice',
               'discovery.sendtargets.auth.password = alicesecret12',
               'discovery.sendtargets.auth.username_in = tgt',
               'discovery.sendtargets.auth.password_in = tgtsecret1234']
CHAP_ONE_WAY = CHAP_MUTUAL[:3]

# open-iscsi exit codes (libiscsi-core/errors.h)
TRANS, LOGIN, TRANS_TIMEOUT, PDU_TIMEOUT, FATAL_LOGIN, AUTH = 4, 5, 8, 11, 19, 24
QUICK = 3.0                          # seconds a refusal may take
TIMED = LOGIN_TIMEOUT + 3.0          # a timeout, plus slack

# scenario: (exit codes accepted, key words the message must hold, time limit, config)
CASES = {
    'truncated': ({TRANS}, ['closed the connection', 'middle of a Login Response'], QUICK, []),
    'oversized': ({LOGIN}, ['bad PDU', '16777215-byte data segment', '8192'], QUICK, []),
    'data-longer-than-negotiated': ({LOGIN}, ['bad PDU', '65536-byte data segment', '8192'],
                                    QUICK, []),
    'unknown-opcode': ({LOGIN}, ['opcode 0x3b'], QUICK, []),
    'out-of-range': ({LOGIN}, ['MaxRecvDataSegmentLength=1', 'outside'], QUICK, []),
    'thousands-of-keys': ({LOGIN}, ['more than 512 keys'], QUICK, []),
    'key-without-equals': ({LOGIN}, ["no '='"], QUICK, []),
    'redirect-loop': ({FATAL_LOGIN}, ['redirected more than'], QUICK, []),
    'chap-reflect': ({AUTH}, ['CHAP_C', 'reflection'], QUICK, CHAP_MUTUAL),
    'chap-alg-not-offered': ({AUTH}, ['CHAP_A=6', 'did not offer'], QUICK, CHAP_ONE_WAY),
    'silent': ({PDU_TIMEOUT, TRANS_TIMEOUT}, ['timed out', '%d s' % LOGIN_TIMEOUT], TIMED, []),
    'drip': ({PDU_TIMEOUT, TRANS_TIMEOUT}, ['timed out', '%d s' % LOGIN_TIMEOUT], TIMED, []),
    'garbage-after-login': ({TRANS}, ['bad PDU', 'TEXT'], QUICK, []),
    'text-longer-than-negotiated': ({TRANS}, ['bad PDU', '32768'], QUICK, []),
    'hangup': ({TRANS}, ['closed the connection', 'LOGIN'], QUICK, []),
}


class Tap:
    def __init__(self):
        self.n = 0
        self.failed = 0

    def check(self, ok, what, detail=''):
        self.n += 1
        if not ok:
            self.failed += 1
        print('%sok %d - %s' % ('' if ok else 'not ', self.n, what), flush=True)
        if not ok and detail:
            for line in str(detail).splitlines():
                print('#   ' + line)
        return ok


class Env:
    """A private iscsid and the configuration directories of each case."""

    def __init__(self, args):
        self.args = args
        self.dir = tempfile.mkdtemp(prefix='lunlink-hostile-')
        self.sock = os.path.join(self.dir, 'iscsid.sock')
        self.log = os.path.join(self.dir, 'iscsid.log')
        self.proc = None

    def config_dir(self, name, extra):
        d = os.path.join(self.dir, 'etc-' + name)
        os.makedirs(d, exist_ok=True)
        with open(os.path.join(d, 'initiatorname.iscsi'), 'w') as f:
            f.write('InitiatorName=%s\n' % INITIATOR)
        with open(os.path.join(d, 'iscsid.conf'), 'w') as f:
            f.write('\n'.join(BASE_CONF + extra) + '\n')
        return d

    def start(self):
        env = dict(os.environ, ISCSID_SOCKET=self.sock,
                   ISCSI_CONFIG_DIR=self.config_dir('iscsid', []))
        self.logf = open(self.log, 'w')
        self.proc = subprocess.Popen([self.args.iscsid, '-f', '-d', '3'], env=env,
                                     stdout=self.logf, stderr=subprocess.STDOUT)
        deadline = time.time() + 10
        while time.time() < deadline:
            try:
                if ipc_client.ping(self.sock, 1.0) == 0:
                    return True
            except OSError:
                time.sleep(0.1)
        return False

    def alive(self):
        try:
            return self.proc.poll() is None and ipc_client.ping(self.sock, 2.0) == 0
        except (OSError, ValueError):
            return False

    def stop(self):
        """SIGTERM; returns iscsid's exit status (None if it had to be killed)."""
        if not self.proc:
            return None
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
                return None
        self.logf.close()
        return self.proc.returncode

    def discover(self, name, port, extra=(), background=False):
        """One discovery as the user runs it; returns (exit code, message, stdout, seconds)."""
        cfg = self.config_dir(name, list(extra))
        if self.args.iscsiadm:
            env = dict(os.environ, ISCSID_SOCKET=self.sock, ISCSI_CONFIG_DIR=cfg)
            cmd = [self.args.iscsiadm, '-m', 'discovery', '-t', 'st', '-p',
                   '127.0.0.1:%d' % port]
            if background:
                return subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE,
                                        stderr=subprocess.PIPE, text=True)
            t0 = time.time()
            p = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=120)
            return p.returncode, p.stderr.strip(), p.stdout.strip(), time.time() - t0
        kv = ['discovery.sendtargets.timeo.login_timeout=%d' % LOGIN_TIMEOUT]
        kv += [l.replace(' = ', '=') for l in extra]
        kv.append('iface.initiatorname=%s' % INITIATOR)
        t0 = time.time()
        status, msg, attrs = ipc_client.discover(self.sock, '127.0.0.1', port, kv)
        out = '\n'.join(v for t, v in attrs if t in (ipc_client.A_TARGET, ipc_client.A_PORTAL))
        return status, msg, out, time.time() - t0


def run_case(env, tap, name, rows):
    codes, words, limit, extra = CASES[name]
    target = fake_target.FakeTarget(name).start()
    try:
        rc, msg, out, secs = env.discover(name, target.port, extra)
    finally:
        target.stop()
    portal = '127.0.0.1:%d' % target.port
    first = msg.splitlines()[0] if msg else ''
    rows.append((name, fake_target.SCENARIOS[name][1], msg.replace(str(target.port), 'PORT'),
                 rc, secs))
    ok = tap.check(rc in codes, '%s: exit code %d is one of %s' % (name, rc, sorted(codes)), msg)
    tap.check(secs <= limit, '%s: failed in %.1f s (limit %.0f s)' % (name, secs, limit))
    tap.check(portal in first, '%s: message names the portal %s' % (name, portal), msg)
    missing = [w for w in words if w.lower() not in msg.lower()]
    tap.check(not missing, '%s: message says what was wrong %s' % (name, words),
              'missing %s in: %s' % (missing, msg))
    tap.check(not target.errors, '%s: the fake target ran its script' % name, target.errors)
    if name in ('chap-reflect', 'redirect-loop'):
        tap.check(target.connections >= 2, '%s: the initiator followed the redirect (%d connections)'
                  % (name, target.connections))
    tap.check(env.alive(), '%s: iscsid still runs and answers PING' % name)
    return ok


def run_good(env, tap, rows, label):
    target = fake_target.FakeTarget('good').start()
    try:
        rc, msg, out, secs = env.discover('good', target.port)
    finally:
        target.stop()
    if rows is not None:
        rows.append(('good', fake_target.SCENARIOS['good'][1],
                     (out or msg).replace(str(target.port), 'PORT'), rc, secs))
    return tap.check(rc == 0 and fake_target.TARGET_IQN in out,
                     '%s: discovery of a correct target succeeds (%.1f s)' % (label, secs),
                     'exit %s: %s %s' % (rc, msg, out))


def run_concurrent(env, tap):
    """A silent target must not hold up the discovery of a correct one."""
    if not env.args.iscsiadm:
        return
    silent = fake_target.FakeTarget('silent').start()
    bg = env.discover('silent-bg', silent.port, background=True)
    time.sleep(0.5)
    run_good(env, tap, None, 'while a silent target is being discovered')
    try:
        bg.communicate(timeout=TIMED + 5)
    except subprocess.TimeoutExpired:
        bg.kill()
        bg.communicate()
    silent.stop()
    tap.check(bg.returncode in (PDU_TIMEOUT, TRANS_TIMEOUT),
              'the silent discovery still ends with a timeout (exit %s)' % bg.returncode)


def write_results(path, rows, env):
    client = 'iscsiadm -m discovery -t st -p 127.0.0.1:PORT' if env.args.iscsiadm \
        else 'ipc_client.py DISCOVER'
    with open(path, 'w') as f:
        f.write('# Hostile targets: what the user sees\n\n')
        f.write('Generated by `tests/integration/hostile/test_hostile.py --results` on %s.\n'
                % time.strftime('%Y-%m-%d'))
        f.write('Each row is one SendTargets discovery (`%s`) through iscsid against\n'
                'fake_target.py running that scenario, with\n'
                '`discovery.sendtargets.timeo.login_timeout = %d`.  After every row iscsid\n'
                'was still running and answered PING.\n\n' % (client, LOGIN_TIMEOUT))
        f.write('| scenario | what the target does | message the user sees | exit code | time |\n')
        f.write('|---|---|---|---|---|\n')
        for name, what, msg, rc, secs in rows:
            msg = msg.replace('|', '\\|').replace('\n', '<br>')
            f.write('| %s | %s | %s | %s | %.1f s |\n' % (name, what, msg, rc, secs))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--iscsid', required=True)
    ap.add_argument('--iscsiadm')
    ap.add_argument('--results')
    ap.add_argument('--only')
    ap.add_argument('--keep', action='store_true', help='keep the temp dir and iscsid log')
    args = ap.parse_args()
    if os.geteuid() != 0:
        print('Bail out! must run as root: iscsid serves only uid 0')
        return 1
    if args.iscsiadm and not os.access(args.iscsiadm, os.X_OK):
        args.iscsiadm = None
    names = args.only.split(',') if args.only else list(CASES)
    tap, env, rows = Tap(), Env(args), []
    try:
        if not tap.check(env.start(), 'iscsid starts and answers PING'):
            return 1
        if not run_good(env, tap, rows, 'before the hostile targets'):
            return 1
        for name in names:
            run_case(env, tap, name, rows)
        run_good(env, tap, None, 'after every hostile target')
        run_concurrent(env, tap)
    finally:
        status = env.stop()
        with open(env.log) as f:
            log = f.read()
        tap.check(status == 0, 'iscsid stops cleanly on SIGTERM (exit %s)' % status, log[-2000:])
        bad = [l for l in log.splitlines() if 'Sanitizer' in l or 'runtime error' in l]
        tap.check(not bad, 'no sanitizer report in the iscsid log', '\n'.join(bad[:20]))
        if args.keep or tap.failed:
            print('# iscsid log and configuration kept in %s' % env.dir)
        else:
            shutil.rmtree(env.dir, ignore_errors=True)
    print('1..%d' % tap.n)
    if args.results:
        write_results(args.results, rows, env)
    return 1 if tap.failed else 0


if __name__ == '__main__':
    sys.exit(main())
