#!/usr/bin/python3
"""Watches Nova's cell database (not its API) for Doctor's profiler points of one host.

The bench's "Doctor side by side" times Doctor's inspector and nfvi-doctor the same way: from
what Nova has committed, polled every 10 ms, so that neither side's own report of when its call
returned counts, and the Nova API's single worker (busy with the resets) does not delay the look.

* T04: the first poll that sees the host's `services` row (binary nova-compute, deleted=0) with
  forced_down=1;
* T03: the first poll that sees every non-deleted instance of the host (at least the expected
  number) with vm_state='error'.

Each poll's time is taken when its first query is sent: with autocommit every SELECT reads a
fresh snapshot, so what it sees was committed before that time. Times are epoch milliseconds.

Controlled by lines on stdin, answered by JSON lines on stdout:

    arm <host> <expectedInstances> [timeoutMs]  -> {"event":"armed", ...state}, polling starts;
        later {"event":"result","t04":ms,"t03":ms,...} once both were seen (it disarms itself),
        or {"event":"timeout","t04":ms|null,"t03":ms|null,...}
    disarm                                      -> {"event":"disarmed"}
    state <host>                                -> {"event":"state","forcedDown":bool,"instances":n,"vmStates":{...}}
    quit

    /usr/bin/python3 nova-db-probe.py [--db mysql+pymysql://os:secret@127.0.0.1/nova] [--interval-ms 10]

Prints {"event":"ready"} once connected. Needs python3-pymysql (Debian's /usr/bin/python3).
"""

import argparse
import json
import sys
import threading
import time
from urllib.parse import unquote, urlparse

import pymysql

# infra/local/openstack/etc/nova/nova.conf [database] connection.
DEFAULT_DB = 'mysql+pymysql://os:secret@127.0.0.1/nova'

out_lock = threading.Lock()


def say(obj):
    with out_lock:
        sys.stdout.write(json.dumps(obj) + '\n')
        sys.stdout.flush()


def now_ms():
    return time.time() * 1000


def connect(url):
    u = urlparse(url)
    return pymysql.connect(
        host=u.hostname or '127.0.0.1',
        port=u.port or 3306,
        user=unquote(u.username or ''),
        password=unquote(u.password or ''),
        database=u.path.lstrip('/'),
        # Without it REPEATABLE READ would show every poll the snapshot of the first.
        autocommit=True,
    )


def read_state(conn, host):
    with conn.cursor() as cur:
        cur.execute(
            "SELECT forced_down FROM services WHERE `binary`='nova-compute' AND host=%s AND deleted=0",
            (host,),
        )
        service = cur.fetchone()
        cur.execute('SELECT vm_state, COUNT(*) FROM instances WHERE host=%s AND deleted=0 GROUP BY vm_state', (host,))
        states = {str(vm_state): int(n) for vm_state, n in cur.fetchall()}
    return {
        'service': service is not None,
        'forcedDown': bool(service and service[0]),
        'instances': sum(states.values()),
        'vmStates': states,
    }


def all_error(state, expected):
    return state['instances'] >= expected and state['vmStates'].get('error', 0) == state['instances']


class Probe(object):
    def __init__(self, url, interval_ms):
        self.url = url
        self.interval = interval_ms / 1000.0
        self.conn = connect(url)
        # The poller and the stdin reader share the connection.
        self.db_lock = threading.Lock()
        self.cond = threading.Condition()
        self.armed = None

    def state(self, host):
        return self.timed_state(host)[1]

    def timed_state(self, host):
        """The host's state and when its first query was sent (epoch ms)."""
        with self.db_lock:
            started = now_ms()
            try:
                return started, read_state(self.conn, host)
            except pymysql.err.OperationalError:
                # MariaDB closed an idle connection (wait_timeout): once more on a new one.
                self.conn = connect(self.url)
                started = now_ms()
                return started, read_state(self.conn, host)

    def arm(self, host, expected, timeout_ms):
        armed_at = now_ms()
        initial = self.state(host)
        with self.cond:
            self.armed = {
                'host': host,
                'expected': expected,
                'armedAt': armed_at,
                'deadline': armed_at + timeout_ms,
                't04': None,
                't03': None,
                'polls': 0,
            }
            self.cond.notify()
        say(dict(event='armed', host=host, expected=expected, armedAt=armed_at, **initial))

    def disarm(self):
        with self.cond:
            self.armed = None
        say({'event': 'disarmed'})

    def run(self):
        while True:
            with self.cond:
                while self.armed is None:
                    self.cond.wait()
                run = self.armed
            try:
                started, state = self.timed_state(run['host'])
            except Exception as e:  # a failed poll is reported, the next one tries again
                say({'event': 'error', 'error': str(e)})
                time.sleep(self.interval)
                continue
            with self.cond:
                if self.armed is not run:
                    continue  # disarmed (or armed again) while this poll ran
                run['polls'] += 1
                if run['t04'] is None and state['forcedDown']:
                    run['t04'] = started
                if run['t03'] is None and all_error(state, run['expected']):
                    run['t03'] = started
                done = run['t04'] is not None and run['t03'] is not None
                timed_out = not done and now_ms() > run['deadline']
                if done or timed_out:
                    self.armed = None
            if done or timed_out:
                say(
                    {
                        'event': 'result' if done else 'timeout',
                        'host': run['host'],
                        'armedAt': run['armedAt'],
                        't04': run['t04'],
                        't03': run['t03'],
                        'polls': run['polls'],
                        'last': state,
                    }
                )
                continue
            # Every interval from the previous poll's start, not interval plus the query time.
            time.sleep(max(0.0, self.interval - (now_ms() - started) / 1000.0))


def main():
    parser = argparse.ArgumentParser(description="Nova's database, polled for T04 and T03 of one host")
    parser.add_argument('--db', default=DEFAULT_DB)
    parser.add_argument('--interval-ms', type=float, default=10.0)
    args = parser.parse_args()
    probe = Probe(args.db, args.interval_ms)
    threading.Thread(target=probe.run, name='poller', daemon=True).start()
    say({'event': 'ready', 'intervalMs': args.interval_ms})
    for line in sys.stdin:
        words = line.split()
        if not words:
            continue
        try:
            if words[0] == 'arm' and len(words) >= 3:
                timeout_ms = float(words[3]) if len(words) > 3 else 120000.0
                probe.arm(words[1], int(words[2]), timeout_ms)
            elif words[0] == 'disarm':
                probe.disarm()
            elif words[0] == 'state' and len(words) == 2:
                say(dict(event='state', host=words[1], **probe.state(words[1])))
            elif words[0] == 'quit':
                break
            else:
                say({'event': 'error', 'error': 'unknown command: %s' % line.strip()})
        except Exception as e:
            say({'event': 'error', 'error': str(e)})


if __name__ == '__main__':
    main()
