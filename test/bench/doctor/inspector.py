#!/usr/bin/python3
"""OPNFV Doctor's sample inspector, as the bench's reference for "Doctor side by side".

A replica of opnfv/doctor doctor_tests/inspector/sample.py (SampleInspector and InspectorApp)
with its helpers (identity_auth.get_identity_auth/get_session, os_clients.nova_client,
common.utils.run_async), kept to what a compute.host.down event does:

* a keystoneauth1 password session from the OS_* environment, as get_identity_auth reads it;
* NUMBER_OF_CLIENTS = the instance count novaclients sharing that one session, at Doctor's
  default nova_version '2.34' (os_clients.OPTS), so force_down is one
  PUT /os-services/force-down {host, binary, forced_down} (novaclient's 2.11-2.52 form);
* the servers of all tenants listed once (servers.list(search_opts={'all_tenants': True})),
  by 'OS-EXT-SRV-ATTR:host';
* PUT /events: for each compute.host.down event (whatever its status: Doctor reads none),
  force_down in one thread and every reset_state(server, 'error') of the host's servers in a
  thread of its own (zip of clients and servers: one client per server), all started at once
  and joined before the answer "OK";
* Flask's development server with threads, as app.run serves it.

Not kept: the neutron data-plane status (off by default in Doctor) and the maintenance route.
Added for the bench: POST /events/reinit re-creates the session, the clients and the server list
as a new SampleInspector and start() would (Doctor builds one per test run); the answer says how
many servers it found per host. Run with Debian's /usr/bin/python3 (python3-novaclient).

    OS_AUTH_URL=... OS_USERNAME=admin OS_PASSWORD=... OS_PROJECT_NAME=admin \
        /usr/bin/python3 inspector.py --port 0 --instance-count 20

Prints one JSON line on stdout once it listens: {"ready": true, "port": N, "servers": {...}}.
"""

import argparse
import collections
import json
import logging
import os
import sys
import threading
import time
from functools import wraps

from flask import Flask, request
from keystoneauth1 import loading, session
import novaclient.client as novaclient
from werkzeug.serving import make_server

# Doctor's default (doctor_tests/os_clients.py, cfg.StrOpt('nova_version', default='2.34')).
NOVA_VERSION = '2.34'

log = logging.getLogger('doctor.inspector')


def run_async(func):
    """doctor_tests/common/utils.py run_async: the call in a new thread, the thread returned."""

    @wraps(func)
    def async_func(*args, **kwargs):
        thread = threading.Thread(target=func, args=args, kwargs=kwargs)
        thread.start()
        return thread

    return async_func


def get_identity_auth(username=None, password=None, project=None):
    """doctor_tests/identity_auth.py, unchanged in what it reads."""
    auth_url = os.environ['OS_AUTH_URL']
    username = username or os.environ['OS_USERNAME']
    password = password or os.environ['OS_PASSWORD']
    user_domain_name = os.environ.get('OS_USER_DOMAIN_NAME') or 'Default'
    user_domain_id = os.environ.get('OS_USER_DOMAIN_ID') or 'default'
    project_name = project or os.environ.get('OS_PROJECT_NAME') or os.environ.get('OS_TENANT_NAME')
    project_domain_name = os.environ.get('OS_PROJECT_DOMAIN_NAME') or 'Default'
    project_domain_id = os.environ.get('OS_PROJECT_DOMAIN_ID') or 'default'
    loader = loading.get_plugin_loader('password')
    return loader.load_from_options(
        auth_url=auth_url,
        username=username,
        password=password,
        user_domain_name=user_domain_name,
        user_domain_id=user_domain_id,
        project_name=project_name,
        tenant_name=project_name,
        project_domain_name=project_domain_name,
        project_domain_id=project_domain_id,
    )


def get_session(auth=None):
    return session.Session(auth=auth or get_identity_auth())


def nova_client(version, sess):
    return novaclient.Client(version=version, session=sess)


class SampleInspector(object):
    event_type = 'compute.host.down'

    def __init__(self, instance_count, project=None):
        self.instance_count = instance_count
        self.project = project
        self.servers = collections.defaultdict(list)
        self.hostnames = list()
        self.host_down_time = None
        self.vm_down_time = None
        self.novaclients = list()
        self._init_novaclients()
        # Normally we use this client for non redundant API calls
        self.nova = self.novaclients[0]

    def _init_novaclients(self):
        self.NUMBER_OF_CLIENTS = self.instance_count
        auth = get_identity_auth(project=self.project)
        sess = get_session(auth=auth)
        for _ in range(self.NUMBER_OF_CLIENTS):
            self.novaclients.append(nova_client(NOVA_VERSION, sess))

    def _init_servers_list(self):
        self.servers.clear()
        opts = {'all_tenants': True}
        servers = self.nova.servers.list(search_opts=opts)
        for server in servers:
            try:
                host = server.__dict__.get('OS-EXT-SRV-ATTR:host')
                self.servers[host].append(server)
                log.debug('get hostname=%s from server=%s' % (host, server))
            except Exception as e:
                log.info('can not get hostname from server=%s, error=%s' % (server, e))

    def start(self):
        log.info('sample inspector start......')
        self._init_servers_list()

    def handle_events(self, events):
        for event in events:
            hostname = event['details']['hostname']
            event_type = event['type']
            if event_type == self.event_type:
                self.hostnames.append(hostname)
                thr1 = self._disable_compute_host(hostname)
                thr2 = self._vms_reset_state('error', hostname)
                thr1.join()
                thr2.join()

    @run_async
    def _disable_compute_host(self, hostname):
        self.nova.services.force_down(hostname, 'nova-compute', True)
        hostdown_time = time.time()
        self.host_down_time = hostdown_time
        log.info('doctor mark host(%s) down at %s' % (hostname, hostdown_time))

    @run_async
    def _vms_reset_state(self, state, hostname):
        @run_async
        def _vm_reset_state(nova, server, state):
            nova.servers.reset_state(server, state)
            vmdown_time = time.time()
            self.vm_down_time = vmdown_time
            log.info('doctor mark vm(%s) error at %s' % (server, vmdown_time))

        thrs = []
        for nova, server in zip(self.novaclients, self.servers[hostname]):
            t = _vm_reset_state(nova, server, state)
            thrs.append(t)
        for t in thrs:
            t.join()


def main():
    parser = argparse.ArgumentParser(description="OPNFV Doctor's sample inspector (replica)")
    parser.add_argument('--host', default='127.0.0.1')
    parser.add_argument('--port', type=int, default=12345, help='0: any free port (reported on the ready line)')
    parser.add_argument('--instance-count', type=int, required=True, help="Doctor's conf.instance_count")
    parser.add_argument('--project', default=None, help="Doctor's conf.doctor_project (default: OS_PROJECT_NAME)")
    args = parser.parse_args()
    logging.basicConfig(
        stream=sys.stderr, level=logging.INFO, format='%(asctime)s %(threadName)s %(levelname)s %(name)s %(message)s'
    )

    holder = {'inspector': SampleInspector(args.instance_count, args.project)}
    holder['inspector'].start()
    # One reinit or event at a time: a reinit swaps the inspector a request may be using.
    lock = threading.Lock()
    app = Flask('inspector')

    def servers_by_host():
        return {host or '': len(servers) for host, servers in holder['inspector'].servers.items()}

    @app.route('/events', methods=['PUT'])
    def event_posted():
        log.info('event posted in sample inspector at %s' % time.time())
        log.info('sample inspector received data = %s' % request.data)
        events = json.loads(request.data.decode('utf8'))
        with lock:
            holder['inspector'].handle_events(events)
        return 'OK'

    @app.route('/events/reinit', methods=['POST'])
    def reinit():
        body = request.get_json(silent=True) or {}
        count = int(body.get('instance_count') or holder['inspector'].instance_count)
        with lock:
            inspector = SampleInspector(count, args.project)
            inspector.start()
            holder['inspector'] = inspector
        return {'instance_count': count, 'servers': servers_by_host()}

    @app.route('/events/shutdown', methods=['POST'])
    def shutdown():
        threading.Thread(target=server.shutdown).start()
        return 'inspector app shutting down...'

    # What Flask's app.run does (werkzeug's run_simple, threaded), with the port known before
    # the ready line.
    server = make_server(args.host, args.port, app, threaded=True)
    print(json.dumps({'ready': True, 'port': server.server_port, 'servers': servers_by_host()}), flush=True)
    server.serve_forever()


if __name__ == '__main__':
    main()
