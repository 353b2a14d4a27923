#!/usr/bin/python3
"""Small client for the local OpenStack, used by openstack.sh (Python standard library only).

Subcommands:
  catalog                      service project, service users and the catalog (idempotent)
  wait-services [--neutron-warmup] --timeout S BINARY@HOST[=SINCE] ...
                               wait until each Nova service reports up with a heartbeat newer
                               than SINCE (epoch seconds); un-forces/enables fake hosts left
                               forced down or disabled; for nova-compute also waits for the
                               host's resource provider in Placement; --neutron-warmup first
                               sends Neutron the query it needs before any ports query
  drop-computes --keep H,H     delete the os-services records of the fake-host-K not kept
                               (openstack.sh stops their nova-compute first)
  neutron-warmup               GET /v2.0/networks (must be Neutron's first query after a start)
  fixtures --hosts H,H --image-file F --out FILE
                               projects, users, roles, quotas, image, flavor; writes env.json
  computes                     one line per nova-compute service: host, state, status
  token                        prints a project-scoped admin token
"""
import argparse
import datetime
import json
import os
import socket
import sys
import time
import urllib.error
import urllib.request

AUTH_URL = "http://127.0.0.1:5000/v3"
REGION = "RegionOne"
PASSWORD = "secret"
URLS = {
    "compute": "http://127.0.0.1:8774/v2.1",
    "placement": "http://127.0.0.1:8778",
    "image": "http://127.0.0.1:9292",
    "network": "http://127.0.0.1:9696",
}
SERVICES = [  # (type, name, description)
    ("compute", "nova", "OpenStack Compute"),
    ("placement", "placement", "Placement API"),
    ("image", "glance", "OpenStack Image"),
    ("network", "neutron", "OpenStack Networking"),
]
SERVICE_USERS = ["nova", "placement", "glance", "neutron"]
TENANTS = {"tenant-a": "user-a", "tenant-b": "user-b"}
QUOTAS = {"instances": 500, "cores": 1000, "ram": 512000}
IMAGE_NAME = "fake-image"
FLAVOR = {"name": "m1.fake", "vcpus": 1, "ram": 128, "disk": 1}
NOVA_MV = "2.53"


def log(msg):
    print(f"[openstack] {msg}", file=sys.stderr, flush=True)


class HttpError(Exception):
    def __init__(self, method, url, status, body):
        super().__init__(f"{method} {url} -> HTTP {status}: {body[:500]}")
        self.status = status


def http(method, url, body=None, headers=None, token=None, raw=None, timeout=30):
    hdrs = {"Accept": "application/json"}
    data = None
    if raw is not None:
        data = raw
        hdrs["Content-Type"] = "application/octet-stream"
    elif body is not None:
        data = json.dumps(body).encode()
        hdrs["Content-Type"] = "application/json"
    if token:
        hdrs["X-Auth-Token"] = token
    hdrs.update(headers or {})
    req = urllib.request.Request(url, data=data, headers=hdrs, method=method)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            text = resp.read().decode() or "null"
            return resp.status, json.loads(text) if text.strip()[:1] in "{[n" else text, resp.headers
    except urllib.error.HTTPError as err:
        raise HttpError(method, url, err.code, err.read().decode(errors="replace")) from None


def get_token(project="admin"):
    body = {"auth": {
        "identity": {"methods": ["password"], "password": {"user": {
            "name": "admin", "domain": {"name": "Default"}, "password": PASSWORD}}},
        "scope": {"project": {"name": project, "domain": {"name": "Default"}}}}}
    _, _, headers = http("POST", f"{AUTH_URL}/auth/tokens", body)
    return headers["X-Subject-Token"]


class Cloud:
    def __init__(self):
        self.token = get_token()
        self.cache = {}

    def call(self, method, url, body=None, mv=None, **kw):
        headers = kw.pop("headers", {})
        if mv:
            headers["OpenStack-API-Version"] = f"compute {mv}"
        return http(method, url, body, headers=headers, token=self.token, **kw)[1]

    def ks(self, method, path, body=None):
        return self.call(method, AUTH_URL + path, body)

    def nova(self, method, path, body=None, mv=NOVA_MV):
        return self.call(method, URLS["compute"] + path, body, mv=mv)

    # --- Keystone helpers (find or create); one listing per collection, kept for the run ---
    def listing(self, collection):
        if collection not in self.cache:
            self.cache[collection] = self.ks("GET", f"/{collection}")[collection]
        return self.cache[collection]

    def find_one(self, collection, **query):
        for item in self.listing(collection):
            if all(item.get(k) == v for k, v in query.items()):
                return item
        return None

    def ensure_project(self, name, description=""):
        proj = self.find_one("projects", name=name, domain_id="default")
        if proj:
            return proj["id"]
        log(f"creating project {name}")
        return self.ks("POST", "/projects", {"project": {
            "name": name, "domain_id": "default", "description": description, "enabled": True}})["project"]["id"]

    def ensure_user(self, name, default_project_id=None):
        user = self.find_one("users", name=name, domain_id="default")
        if user:
            return user["id"]
        log(f"creating user {name}")
        body = {"name": name, "domain_id": "default", "password": PASSWORD, "enabled": True}
        if default_project_id:
            body["default_project_id"] = default_project_id
        return self.ks("POST", "/users", {"user": body})["user"]["id"]

    def role_id(self, name):
        role = self.find_one("roles", name=name)
        if not role:
            raise SystemExit(f"role {name} not found in Keystone")
        return role["id"]

    def ensure_role(self, project_id, user_id, role_id, label):
        for a in self.listing("role_assignments"):
            if a.get("scope", {}).get("project", {}).get("id") == project_id \
                    and a.get("user", {}).get("id") == user_id and a["role"]["id"] == role_id:
                return
        log(f"granting {label}")
        self.ks("PUT", f"/projects/{project_id}/users/{user_id}/roles/{role_id}")


def cmd_catalog(_args):
    cloud = Cloud()
    service_project = cloud.ensure_project("service", "Service project")
    admin_role = cloud.role_id("admin")
    for name in SERVICE_USERS:
        uid = cloud.ensure_user(name)
        cloud.ensure_role(service_project, uid, admin_role, f"admin on service to {name}")
    for stype, name, description in SERVICES:
        services = [svc for svc in cloud.listing("services") if svc["type"] == stype]
        if services:
            sid = services[0]["id"]
        else:
            log(f"creating service {name} ({stype})")
            sid = cloud.ks("POST", "/services", {"service": {
                "type": stype, "name": name, "description": description, "enabled": True}})["service"]["id"]
        endpoints = [e for e in cloud.listing("endpoints") if e["service_id"] == sid]
        for interface in ("public", "internal", "admin"):
            found = [e for e in endpoints if e["interface"] == interface and e.get("region_id") == REGION]
            if not found:
                log(f"creating {interface} endpoint of {name}: {URLS[stype]}")
                cloud.ks("POST", "/endpoints", {"endpoint": {
                    "service_id": sid, "interface": interface, "region_id": REGION, "url": URLS[stype],
                    "enabled": True}})
            elif found[0]["url"] != URLS[stype]:
                log(f"fixing {interface} endpoint of {name}: {URLS[stype]}")
                cloud.ks("PATCH", f"/endpoints/{found[0]['id']}", {"endpoint": {"url": URLS[stype]}})
    log("catalog: service users and endpoints in place")


def transient(err):
    """Errors worth another try while services are starting or the machine is busy."""
    if isinstance(err, HttpError):
        return err.status >= 500 or err.status == 401  # 401: a token issued just before a restart
    return isinstance(err, (urllib.error.URLError, OSError))  # refused, reset, timed out


def parse_time(value):
    if not value:
        return None
    return datetime.datetime.fromisoformat(value.replace("Z", "")).replace(tzinfo=datetime.timezone.utc).timestamp()


def cmd_wait_services(args):
    wanted = []  # (binary, host, since)
    for spec in args.specs:
        name, _, since = spec.partition("=")
        binary, _, host = name.partition("@")
        wanted.append((binary, host or socket.gethostname(), float(since or 0)))
    deadline = time.time() + args.timeout
    cloud = None
    warmed = not args.neutron_warmup
    normalised = set()
    last_report = 0.0
    while True:
        try:
            cloud = cloud or Cloud()
            if not warmed:
                # Neutron (Zed) fails GET /v2.0/ports for good if that is a worker's first query.
                cloud.call("GET", f"{URLS['network']}/v2.0/networks")
                warmed = True
            pending = poll_services(cloud, wanted, normalised)
        except (HttpError, urllib.error.URLError, OSError) as err:
            if not transient(err):
                raise
            if isinstance(err, HttpError) and err.status == 401:
                cloud = None
            pending = [f"({type(err).__name__}: {err})"]
        if not pending:
            return 0
        now = time.time()
        if now > deadline:
            log("timed out waiting for: " + "; ".join(pending))
            return 1
        if now - last_report >= 10:
            log("waiting for: " + "; ".join(pending))
            last_report = now
        time.sleep(1)


def poll_services(cloud, wanted, normalised):
    """What is still missing, as readable strings (empty when all is ready)."""
    services = cloud.nova("GET", "/os-services")["services"]
    by_key = {(s["binary"], s["host"]): s for s in services}
    pending = []
    providers = None
    for binary, host, since in wanted:
        svc = by_key.get((binary, host))
        if svc is None:
            pending.append(f"{binary}@{host}: not registered")
            continue
        if (svc.get("forced_down") or svc["status"] != "enabled") and (binary, host) not in normalised \
                and binary == "nova-compute":
            # start brings the cloud back to its documented state: every fake host up and enabled.
            log(f"{host}: forced_down={svc.get('forced_down')} status={svc['status']}: "
                "un-forcing and enabling it")
            try:
                cloud.nova("PUT", f"/os-services/{svc['id']}", {"forced_down": False, "status": "enabled"})
                normalised.add((binary, host))
            except HttpError as err:
                # E.g. a host whose instances were evacuated: Nova un-forces it only once its
                # restarted compute has completed the evacuations' migration records. Try again.
                log(f"{host}: not reset yet, trying again: {err}")
            pending.append(f"{binary}@{host}: reset")
            continue
        seen = parse_time(svc.get("updated_at")) or 0
        if svc["state"] != "up" or seen < since:
            pending.append(f"{binary}@{host}: {svc['state']}, heartbeat "
                           f"{'none since start' if seen < since else svc.get('updated_at')}")
            continue
        if binary == "nova-compute":
            if providers is None:
                providers = {rp["name"] for rp in cloud.call(
                    "GET", f"{URLS['placement']}/resource_providers",
                    headers={"OpenStack-API-Version": "placement 1.0"})["resource_providers"]}
            if host not in providers:
                pending.append(f"{host}: no resource provider yet")
    return pending


def cmd_drop_computes(args):
    keep = set(filter(None, args.keep.split(",")))
    cloud = Cloud()
    for svc in cloud.nova("GET", "/os-services?binary=nova-compute")["services"]:
        host = svc["host"]
        # openstack.sh has stopped these computes already (a fresh heartbeat may still say "up").
        if host.startswith("fake-host-") and host not in keep:
            log(f"deleting the compute service record of {host} (no longer started)")
            try:
                cloud.nova("DELETE", f"/os-services/{svc['id']}")
            except HttpError as err:
                log(f"WARNING: could not delete {host}: {err}")
    return 0


def cmd_neutron_warmup(_args):
    token = get_token()
    http("GET", f"{URLS['network']}/v2.0/networks", token=token)
    return 0


def cmd_computes(_args):
    cloud = Cloud()
    for svc in sorted(cloud.nova("GET", "/os-services?binary=nova-compute")["services"], key=lambda s: s["host"]):
        forced = " forced_down" if svc.get("forced_down") else ""
        print(f"  compute {svc['host']:<16} {svc['state']:<5} {svc['status']}{forced}")
    return 0


def cmd_token(_args):
    print(get_token())
    return 0


def ensure_quota(cloud, project_id, label):
    current = cloud.nova("GET", f"/os-quota-sets/{project_id}")["quota_set"]
    if any(current.get(k) != v for k, v in QUOTAS.items()):
        log(f"raising the quotas of {label}: {QUOTAS}")
        cloud.nova("PUT", f"/os-quota-sets/{project_id}", {"quota_set": QUOTAS})


def ensure_image(cloud, image_file):
    base = URLS["image"] + "/v2/images"
    images = cloud.call("GET", f"{base}?name={IMAGE_NAME}")["images"]
    for image in images:
        if image["status"] == "active":
            return image["id"]
    for image in images:  # a half-made image (upload interrupted): start again
        log(f"deleting the unusable image {image['id']} ({image['status']})")
        cloud.call("DELETE", f"{base}/{image['id']}")
    log(f"creating image {IMAGE_NAME}")
    image = cloud.call("POST", base, {"name": IMAGE_NAME, "disk_format": "raw", "container_format": "bare",
                                       "visibility": "public"})
    with open(image_file, "rb") as fh:
        cloud.call("PUT", f"{base}/{image['id']}/file", raw=fh.read())
    return image["id"]


def ensure_flavor(cloud):
    for flavor in cloud.nova("GET", "/flavors/detail?is_public=None")["flavors"]:
        if flavor["name"] == FLAVOR["name"]:
            return flavor["id"]
    log(f"creating flavor {FLAVOR['name']}")
    return cloud.nova("POST", "/flavors", {"flavor": FLAVOR})["flavor"]["id"]


def cmd_fixtures(args):
    cloud = Cloud()
    admin_project = cloud.ensure_project("admin")
    admin_user = cloud.ensure_user("admin")
    admin_role, member_role = cloud.role_id("admin"), cloud.role_id("member")
    ensure_quota(cloud, admin_project, "admin")
    projects = {}
    for tenant, username in TENANTS.items():
        pid = cloud.ensure_project(tenant, f"nfvi-doctor test tenant {tenant}")
        uid = cloud.ensure_user(username, pid)
        cloud.ensure_role(pid, uid, member_role, f"member on {tenant} to {username}")
        cloud.ensure_role(pid, admin_user, admin_role, f"admin on {tenant} to admin")
        ensure_quota(cloud, pid, tenant)
        projects[tenant] = {"id": pid, "username": username, "password": PASSWORD}
    env = {
        "authUrl": AUTH_URL,
        "region": REGION,
        "admin": {"username": "admin", "password": PASSWORD, "projectName": "admin", "projectId": admin_project,
                  "userDomainName": "Default", "projectDomainName": "Default"},
        "projects": projects,
        "imageId": ensure_image(cloud, args.image_file),
        "flavorId": ensure_flavor(cloud),
        "computeHosts": [h for h in args.hosts.split(",") if h],
    }
    text = json.dumps(env, indent=2) + "\n"
    try:
        with open(args.out) as fh:
            if fh.read() == text:
                return 0
    except FileNotFoundError:
        pass
    tmp = args.out + ".tmp"
    with open(tmp, "w") as fh:
        fh.write(text)
    os.replace(tmp, args.out)
    log(f"wrote {args.out}")
    return 0


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="cmd", required=True)
    sub.add_parser("catalog").set_defaults(fn=cmd_catalog)
    p = sub.add_parser("wait-services")
    p.add_argument("--timeout", type=float, default=180)
    p.add_argument("--neutron-warmup", action="store_true")
    p.add_argument("specs", nargs="*")
    p.set_defaults(fn=cmd_wait_services)
    p = sub.add_parser("drop-computes")
    p.add_argument("--keep", required=True)
    p.set_defaults(fn=cmd_drop_computes)
    sub.add_parser("neutron-warmup").set_defaults(fn=cmd_neutron_warmup)
    p = sub.add_parser("fixtures")
    p.add_argument("--hosts", required=True)
    p.add_argument("--image-file", required=True)
    p.add_argument("--out", required=True)
    p.set_defaults(fn=cmd_fixtures)
    sub.add_parser("computes").set_defaults(fn=cmd_computes)
    sub.add_parser("token").set_defaults(fn=cmd_token)
    args = parser.parse_args()
    # Every command is idempotent: a transient failure (a busy or restarting service) is retried.
    for attempt in range(1, 4):
        try:
            return args.fn(args) or 0
        except (HttpError, urllib.error.URLError, OSError) as err:
            if attempt == 3 or not transient(err):
                log(f"ERROR: {args.cmd}: {type(err).__name__}: {err}")
                return 1
            log(f"{args.cmd}: {type(err).__name__}: {err}; trying again")
            time.sleep(3)
    return 1


if __name__ == "__main__":
    sys.exit(main())
