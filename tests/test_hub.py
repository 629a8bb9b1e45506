"""The course on a real JupyterHub, as a class uses it: five learners click the nbgitpuller links.

A JupyterHub from PyPI with configurable-http-proxy from npm (pinned in tools/hub/, installed there
with `npm ci` the first time), listening on 127.0.0.1 only; the dummy authenticator; the simple
local process spawner (single-user servers as this user, root in CI, with --allow-root; homes in a
temporary folder); nbgitpuller in the single-user servers. The course repository the links point
at is a local git repository made from this repository's HEAD, so no traffic leaves 127.0.0.1.

Five learners at once: each starts a server, follows the nbgitpuller link of notebook 01 (the hub's
user-redirect, nbgitpuller's page, then the pull that page runs) and runs notebooks 01 and 07 to
the end in a kernel of their own server (REST to start the session, the kernel's websocket to run
every code cell, the way JupyterLab does). Then one learner edits notebook 01, the instructor
commits a fix to notebook 02 upstream, the learner clicks the link again: the fix arrives and the
edit is still there.

Measured, and written to artifacts/hub.json: wall time, and per learner the peak memory (RSS of the
server plus its kernels, sampled every 0.5 s) and the CPU seconds. Everything the test starts is
stopped, also on failure (every wait is bounded). Skipped, saying why, only where npm is missing.
"""
import asyncio
import html
import http.cookies
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import unquote, urlencode, urljoin, urlparse

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
import links  # noqa: E402

KIT = ROOT / "tools" / "hub"
PROXY = KIT / "node_modules" / ".bin" / "configurable-http-proxy"
# five by default; COURSE_HUB_LEARNERS=1 measures one learner alone (the sizing's baseline)
LEARNERS = [f"learner{i}" for i in range(1, int(os.environ.get("COURSE_HUB_LEARNERS", "5")) + 1)]
RUN = ["01", "07"]                     # the notebooks each learner runs to the end
REPO_NAME = "backprop-course"
BRANCH = "main"
START_TIMEOUT = 600                    # s: five servers starting at once on a busy 2-core machine
CELL_TIMEOUT = 600                     # s: one cell, five kernels sharing the cores
TEST_TIMEOUT = 1800                    # s: the whole class, an upper bound for every wait
ARTIFACT = ROOT / "artifacts" / "hub.json"

try:
    import jupyterhub  # noqa: F401
    import nbgitpuller  # noqa: F401
    import psutil
    import tornado.escape
    import tornado.httpclient
    import tornado.websocket
    MISSING = None
except ImportError as exc:                                     # the test extra is not installed
    MISSING = exc


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def git(*args, cwd):
    env = dict(os.environ, GIT_AUTHOR_NAME="Instructor", GIT_AUTHOR_EMAIL="instructor@example.org",
               GIT_COMMITTER_NAME="Instructor", GIT_COMMITTER_EMAIL="instructor@example.org")
    return subprocess.run(["git", *args], cwd=cwd, env=env, check=True, capture_output=True,
                          text=True, timeout=120).stdout


def ensure_proxy():
    """configurable-http-proxy from npm, pinned by tools/hub/package-lock.json (npm ci, once)."""
    npm = shutil.which("npm")
    if npm is None:
        pytest.skip("npm is not installed: configurable-http-proxy, JupyterHub's proxy, comes from "
                    "npm (install Node.js, which includes npm, to run the hub test)")
    lock = KIT / "package-lock.json"
    stamp = KIT / "node_modules" / ".course-lock"
    if not PROXY.exists() or not stamp.exists() or stamp.read_text() != lock.read_text():
        result = subprocess.run([npm, "ci", "--no-audit", "--no-fund"], cwd=KIT,
                                capture_output=True, text=True, timeout=600)
        assert result.returncode == 0, f"npm ci in tools/hub failed:\n{result.stderr[-2000:]}"
        stamp.write_text(lock.read_text())
    return PROXY


# ---------------------------------------------------------------------------- measuring

class Sampler(threading.Thread):
    """Every 0.5 s: the RSS and CPU time of each learner's server and kernels, and every process
    the hub started (so that all of them can be stopped at the end)."""

    def __init__(self, hub_pid):
        super().__init__(daemon=True)
        self.hub = psutil.Process(hub_pid)
        self.seen = {}            # pid -> psutil.Process (with its create time: safe to kill)
        self.owner = {}           # pid -> learner
        self.peak_rss = {}        # learner -> bytes (server plus kernels, at the same moment)
        self.peak_part = {}       # (learner, "server" or "kernels") -> bytes
        self.kind = {}            # pid -> "server" or "kernels"
        self.cpu = {}             # (learner, pid) -> CPU seconds, the last value seen
        self.stop_event = threading.Event()
        self.lock = threading.Lock()

    def _owner(self, proc):
        if proc.pid not in self.owner:
            try:
                user = proc.environ().get("JUPYTERHUB_USER")
            except (psutil.Error, OSError):
                user = None
            if user is None:
                return None        # the proxy, or a process without the variable (yet)
            self.owner[proc.pid] = user
            try:
                server = any("jupyterhub-singleuser" in a for a in proc.cmdline())
            except (psutil.Error, OSError):
                server = False
            self.kind[proc.pid] = "server" if server else "kernels"
        return self.owner[proc.pid]

    def sample(self):
        with self.lock:
            try:
                procs = self.hub.children(recursive=True)
            except psutil.Error:
                return
            rss, part = {}, {}
            for proc in procs:
                self.seen.setdefault(proc.pid, proc)
                user = self._owner(proc)
                if user is None:
                    continue
                try:
                    mem = proc.memory_info().rss
                    t = proc.cpu_times()
                except psutil.Error:
                    continue
                rss[user] = rss.get(user, 0) + mem
                key = (user, self.kind[proc.pid])
                part[key] = part.get(key, 0) + mem
                self.cpu[(user, proc.pid)] = t.user + t.system
            for user, total in rss.items():
                self.peak_rss[user] = max(self.peak_rss.get(user, 0), total)
            for key, total in part.items():
                self.peak_part[key] = max(self.peak_part.get(key, 0), total)

    def run(self):
        while not self.stop_event.wait(0.5):
            self.sample()

    def cpu_seconds(self, user):
        return sum(v for (u, _), v in self.cpu.items() if u == user)

    def kill_all(self):
        """Stop every process the hub started that is still running (TERM, then KILL)."""
        self.stop_event.set()
        self.sample()
        alive = []
        for proc in self.seen.values():
            try:
                if proc.is_running():
                    proc.terminate()
                    alive.append(proc)
            except psutil.Error:
                pass
        _, still = psutil.wait_procs(alive, timeout=15)
        for proc in still:
            try:
                proc.kill()
            except psutil.Error:
                pass
        psutil.wait_procs(still, timeout=15)


# ---------------------------------------------------------------------------- the hub

HUB_CONFIG = """\
c = get_config()  # noqa
c.JupyterHub.ip = "127.0.0.1"
c.JupyterHub.port = {port}
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = {hub_port}
c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:{api_port}"
c.ConfigurableHTTPProxy.command = [{proxy!r}]
c.ConfigurableHTTPProxy.pid_file = {pid_file!r}
c.JupyterHub.db_url = "sqlite:///{db}"
c.JupyterHub.cookie_secret_file = {secret!r}
c.JupyterHub.cleanup_servers = True
c.JupyterHub.authenticator_class = "dummy"
c.Authenticator.allow_all = True
c.JupyterHub.spawner_class = "jupyterhub.spawner.SimpleLocalProcessSpawner"
c.SimpleLocalProcessSpawner.home_dir_template = {homes!r} + "/{{username}}"
c.Spawner.cmd = [{singleuser!r}]
c.Spawner.args = {args!r}
c.Spawner.default_url = "/lab"
c.Spawner.start_timeout = {start_timeout}
c.Spawner.http_timeout = {start_timeout}
c.Spawner.environment = {environment!r}
c.JupyterHub.services = [{{"name": "course-test", "api_token": {token!r}}}]
c.JupyterHub.load_roles = [{{"name": "course-test", "services": ["course-test"],
                             "scopes": ["admin:users", "admin:servers", "tokens"]}}]
"""


class Hub:
    def __init__(self, tmp, proxy):
        self.tmp = tmp
        self.port, self.hub_port, self.api_port = free_port(), free_port(), free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.token = secrets.token_hex(16)
        self.homes = tmp / "homes"
        self.homes.mkdir()
        singleuser = Path(sys.executable).parent / "jupyterhub-singleuser"
        assert singleuser.exists(), f"{singleuser} is missing: install the test extra (jupyterhub)"
        environment = {v: "1" for v in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS",
                                        "MKL_NUM_THREADS")}
        environment["PYTHONHASHSEED"] = "0"
        args = ["--allow-root"] if hasattr(os, "geteuid") and os.geteuid() == 0 else []
        config = HUB_CONFIG.format(
            port=self.port, hub_port=self.hub_port, api_port=self.api_port, proxy=str(proxy),
            pid_file=str(tmp / "proxy.pid"), db=tmp / "jupyterhub.sqlite",
            secret=str(tmp / "cookie_secret"), homes=str(self.homes), singleuser=str(singleuser),
            args=args, start_timeout=START_TIMEOUT, environment=environment, token=self.token)
        (tmp / "jupyterhub_config.py").write_text(config)
        self.log = open(tmp / "jupyterhub.log", "wb")
        env = dict(os.environ, CONFIGPROXY_AUTH_TOKEN=secrets.token_hex(16))
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "jupyterhub", "-f", str(tmp / "jupyterhub_config.py")],
            cwd=tmp, env=env, stdout=self.log, stderr=subprocess.STDOUT)

    def log_tail(self, n=4000):
        self.log.flush()
        return (self.tmp / "jupyterhub.log").read_text(errors="replace")[-n:]

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)      # the hub stops the servers and the proxy
            try:
                self.proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=30)
        self.log.close()


# ---------------------------------------------------------------------------- HTTP and kernels

class Client:
    """HTTP to the hub as the test's admin service (a token), or as one learner: a browser's
    cookies for the pages (login, the link, nbgitpuller), the learner's token for the REST API."""

    def __init__(self, hub, token):
        self.hub, self.token = hub, token
        self.http = tornado.httpclient.AsyncHTTPClient()
        self.cookies = {}

    def _keep_cookies(self, response):
        for header in response.headers.get_list("Set-Cookie"):
            for name, morsel in http.cookies.SimpleCookie(header).items():
                if morsel["max-age"] == "0" or (morsel["expires"] and "1970" in morsel["expires"]):
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value

    async def request(self, path_or_url, method="GET", body=None, timeout=120, ok=(200,),
                      form=None):
        url = path_or_url if path_or_url.startswith("http") else self.hub.url + path_or_url
        headers = {"Authorization": f"token {self.token}"} if self.token else {}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if form is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            body = urlencode(form)
        elif body is not None:
            body = json.dumps(body)
        response = await self.http.fetch(
            url, method=method, headers=headers, body=body, allow_nonstandard_methods=True,
            follow_redirects=False, raise_error=False, request_timeout=timeout,
            connect_timeout=30)
        self._keep_cookies(response)
        if response.code not in ok:
            raise AssertionError(f"{method} {url}: HTTP {response.code} "
                                 f"{(response.body or b'')[:500]!r}\nhub log:\n{self.hub.log_tail()}")
        return response

    async def json(self, path, method="GET", body=None, ok=(200,), timeout=120):
        response = await self.request(path, method, body, ok=ok, timeout=timeout)
        return json.loads(response.body) if response.body else None

    async def login(self, user):
        """The hub's login form, as a learner fills it in (the dummy authenticator: any password)."""
        page = (await self.request("/hub/login")).body.decode()
        xsrf = re.search(r'name="_xsrf"\s+value="([^"]+)"', page)
        form = {"username": user, "password": "class-password"}
        if xsrf:
            form["_xsrf"] = html.unescape(xsrf[1])
        await self.request("/hub/login", "POST", form=form, ok=(302, 303))

    async def follow(self, url, hops=12):
        """GET a link the way a browser does, following redirects (the token goes along)."""
        for _ in range(hops):
            response = await self.request(url, ok=(200, 301, 302, 303, 307))
            if response.code == 200:
                return url, response
            url = urljoin(url, response.headers["Location"])
        raise AssertionError(f"more than {hops} redirects from {url}")


async def run_notebook(client, user, path, sampler):
    """Run every code cell of `path` (in the learner's home) in a new kernel of their server,
    through the REST API and the kernel's websocket. Returns (seconds, stderr texts)."""
    base = f"/user/{user}/api"
    nb = json.loads((await client.request(f"{base}/contents/{path}?type=notebook&content=1")).body)["content"]
    session = await client.json(f"{base}/sessions", "POST", ok=(200, 201), body={
        "path": path, "type": "notebook", "name": Path(path).name, "kernel": {"name": "python3"}})
    kernel = session["kernel"]["id"]
    ws_url = (client.hub.url.replace("http://", "ws://") + f"{base}/kernels/{kernel}/channels"
              f"?session_id={secrets.token_hex(8)}")
    request = tornado.httpclient.HTTPRequest(
        ws_url, headers={"Authorization": f"token {client.token}"}, connect_timeout=60,
        request_timeout=60)
    ws = await tornado.websocket.websocket_connect(request)
    stderr, started = [], time.monotonic()
    try:
        for i, cell in enumerate(nb["cells"]):
            if cell["cell_type"] != "code":
                continue
            source = cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])
            msg_id = secrets.token_hex(8)
            ws.write_message(json.dumps({
                "header": {"msg_id": msg_id, "msg_type": "execute_request", "username": user,
                           "session": secrets.token_hex(8), "version": "5.3", "date": ""},
                "parent_header": {}, "metadata": {}, "channel": "shell", "buffers": [],
                "content": {"code": source, "silent": False, "store_history": True,
                            "user_expressions": {}, "allow_stdin": False, "stop_on_error": True}}))
            replied = idle = False
            deadline = time.monotonic() + CELL_TIMEOUT
            while not (replied and idle):
                left = deadline - time.monotonic()
                assert left > 0, f"{user}: {path} cell {i} did not finish in {CELL_TIMEOUT} s"
                raw = await asyncio.wait_for(ws.read_message(), timeout=left)
                assert raw is not None, f"{user}: the kernel's websocket closed during {path} cell {i}"
                if isinstance(raw, bytes):
                    continue                        # binary frames (widget buffers): not ours
                msg = json.loads(raw)
                if msg.get("parent_header", {}).get("msg_id") != msg_id:
                    continue
                kind, content = msg["header"]["msg_type"], msg["content"]
                if kind == "error" or (kind == "execute_reply" and content["status"] == "error"):
                    if "raises-exception" not in cell.get("metadata", {}).get("tags", []):
                        raise AssertionError(
                            f"{user}: {path} cell {i} raised {content.get('ename')}: "
                            f"{content.get('evalue')}\n" + "\n".join(content.get("traceback", []))[-3000:])
                elif kind == "stream" and content["name"] == "stderr":
                    stderr.append(content["text"])
                elif kind == "execute_reply":
                    replied = True
                elif kind == "status" and content["execution_state"] == "idle":
                    idle = True
        seconds = time.monotonic() - started
    finally:
        ws.close()
        sampler.sample()                            # the kernel's CPU time, before it stops
        await client.request(f"{base}/sessions/{session['id']}", "DELETE", ok=(204,))
    return seconds, stderr


async def pull(client, user, link):
    """Click an nbgitpuller link: the hub sends the learner to their server's git-pull page, whose
    script opens an event stream on git-pull/api (the pull itself), then opens `path`."""
    url, page = await client.follow(link)
    assert urlparse(url).path == f"/user/{user}/git-pull", url
    attrs = {k: unquote(html.unescape(v)) for k, v in
             re.findall(r'data-([a-z-]+)="([^"]*)"', page.body.decode())}
    params = {k: attrs[k] for k in ("repo", "branch", "targetpath") if k in attrs}
    api = (f"/user/{user}/git-pull/api?" +
           "&".join(f"{k}={tornado.escape.url_escape(v)}" for k, v in params.items()))
    stream = (await client.request(api, timeout=600)).body.decode()
    events = [json.loads(line[len("data: "):]) for line in stream.splitlines()
              if line.startswith("data: ")]
    phases = [e.get("phase") for e in events]
    assert phases and phases[-1] == "finished" and "error" not in phases, \
        f"{user}: nbgitpuller did not finish: {events[-3:]}"
    opened = f"/user/{user}/{attrs['path'].lstrip('/')}"
    response = await client.request(opened)            # JupyterLab on the notebook
    assert b"JupyterLab" in response.body or b"jupyter" in response.body.lower(), opened
    return attrs["path"]


async def notebook_json(client, user, path):
    body = (await client.request(f"/user/{user}/api/contents/{path}?type=notebook&content=1")).body
    return json.loads(body)["content"]


async def wait_ready(admin, user):
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        model = await admin.json(f"/hub/api/users/{user}")
        server = (model.get("servers") or {}).get("")
        if server and server.get("ready"):
            return
        await asyncio.sleep(1)
    raise AssertionError(f"{user}'s server did not start in {START_TIMEOUT} s\n"
                         f"hub log:\n{admin.hub.log_tail()}")


async def learner(admin, hub, user, links_by_nb, sampler):
    token = (await admin.json(f"/hub/api/users/{user}/tokens", "POST", ok=(200, 201),
                              body={"note": "hub test", "expires_in": TEST_TIMEOUT}))["token"]
    me = Client(hub, token)
    await me.login(user)
    t0 = time.monotonic()
    await admin.request(f"/hub/api/users/{user}/server", "POST", ok=(201, 202))
    await wait_ready(admin, user)
    started = time.monotonic() - t0
    opened = await pull(me, user, links_by_nb["01"])
    pulled = time.monotonic() - t0 - started
    assert opened.endswith("notebooks/" + links_by_nb["names"]["01"]), opened
    runs = {}
    for nb in RUN:
        path = f"{REPO_NAME}/notebooks/{links_by_nb['names'][nb]}"
        runs[nb] = await run_notebook(me, user, path, sampler)
    return me, {"server_start_s": round(started, 1), "pull_s": round(pulled, 1),
                "notebooks_s": {nb: round(s, 1) for nb, (s, _) in runs.items()},
                "stderr": {nb: e for nb, (_, e) in runs.items() if e}}


async def the_class(hub, upstream, sampler):
    admin = Client(hub, hub.token)
    deadline = time.monotonic() + 180
    while True:                                       # the hub's API answers through the proxy
        try:
            await admin.json("/hub/api/")
            break
        except (AssertionError, OSError, tornado.httpclient.HTTPClientError):
            assert time.monotonic() < deadline and hub.proc.poll() is None, \
                f"the hub did not start\n{hub.log_tail()}"
            await asyncio.sleep(1)
    await admin.json("/hub/api/users", "POST", ok=(201,), body={"usernames": LEARNERS})
    names = {p.name[:2]: p.name for p in links.notebook_paths(ROOT)}
    link_of = {nb: links.nbgitpuller_url(hub.url, upstream.as_uri(), BRANCH, REPO_NAME,
                                         f"notebooks/{names[nb]}") for nb in names}
    link_of["names"] = names
    t0 = time.monotonic()
    results = await asyncio.wait_for(
        asyncio.gather(*(learner(admin, hub, u, link_of, sampler) for u in LEARNERS)),
        timeout=TEST_TIMEOUT)
    wall = time.monotonic() - t0
    clients = {u: c for u, (c, _) in zip(LEARNERS, results)}
    report = {u: r for u, (_, r) in zip(LEARNERS, results)}

    # The merge: a learner's edit, an instructor's fix upstream, the same link clicked again.
    user, me = LEARNERS[0], clients[LEARNERS[0]]
    nb01 = f"{REPO_NAME}/notebooks/{names['01']}"
    mine = await notebook_json(me, user, nb01)
    note = "My own note: a is the activation, z the weighted sum before the sigmoid."
    mine["cells"].append({"cell_type": "markdown", "metadata": {}, "source": note, "id": "mynote"})
    await me.request(f"/user/{user}/api/contents/{nb01}", "PUT", ok=(200, 201),
                     body={"type": "notebook", "format": "json", "content": mine})
    fix_path = upstream / "notebooks" / names["02"]
    fixed = json.loads(fix_path.read_text(encoding="utf-8"))
    fix = "Instructor's fix: a typo corrected in the summary."
    fixed["cells"].append({"cell_type": "markdown", "id": "instructor-fix", "metadata": {},
                           "source": [fix]})
    fix_path.write_text(json.dumps(fixed, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    git("commit", "-q", "-am", "Notebook 02: a fix", cwd=upstream)
    await pull(me, user, link_of["01"])
    after_01 = await notebook_json(me, user, nb01)
    after_02 = await notebook_json(me, user, f"{REPO_NAME}/notebooks/{names['02']}")
    assert any(note in "".join(c["source"]) for c in after_01["cells"]), \
        "the learner's edit of notebook 01 was lost by the second pull"
    assert any(fix in "".join(c["source"]) for c in after_02["cells"]), \
        "the instructor's fix of notebook 02 did not reach the learner"
    clone = hub.homes / user / REPO_NAME
    assert "Notebook 02: a fix" in git("log", "--format=%s", cwd=clone)
    for other in LEARNERS[1:]:                          # the others' clones are untouched
        theirs = hub.homes / other / REPO_NAME / "notebooks" / names["02"]
        assert fix not in theirs.read_text(encoding="utf-8")
    for u in LEARNERS:
        await admin.request(f"/hub/api/users/{u}/server", "DELETE", ok=(202, 204))
    return wall, report


@pytest.mark.skipif(MISSING is not None, reason=f"the test tools are not installed ({MISSING}): "
                    "python3 course.py test installs them")
def test_five_learners_on_a_jupyterhub(tmp_path):
    proxy = ensure_proxy()
    upstream = tmp_path / "upstream" / REPO_NAME
    upstream.parent.mkdir()
    git("clone", "-q", "--no-hardlinks", str(ROOT), str(upstream), cwd=tmp_path)
    git("checkout", "-q", "-B", BRANCH, cwd=upstream)
    t_start = time.monotonic()
    hub = Hub(tmp_path, proxy)
    sampler = Sampler(hub.proc.pid)
    sampler.start()
    try:
        wall, report = asyncio.run(asyncio.wait_for(the_class(hub, upstream, sampler),
                                                    timeout=TEST_TIMEOUT + 300))
    finally:
        sampler.sample()
        hub.stop()
        sampler.kill_all()
    left = [p.pid for p in sampler.seen.values() if p.is_running()]
    assert not left, f"processes left running: {left}"
    for user in LEARNERS:
        report[user]["peak_rss_mb"] = round(sampler.peak_rss.get(user, 0) / 2**20)
        for kind in ("server", "kernels"):
            report[user][f"peak_{kind}_mb"] = round(sampler.peak_part.get((user, kind), 0) / 2**20)
        report[user]["cpu_s"] = round(sampler.cpu_seconds(user), 1)
    result = {"learners": len(LEARNERS), "notebooks": RUN, "class_wall_s": round(wall, 1),
              "test_wall_s": round(time.monotonic() - t_start, 1), "cpu_count": os.cpu_count(),
              "load_average_after": [round(x, 2) for x in os.getloadavg()], "per_learner": report}
    ARTIFACT.parent.mkdir(exist_ok=True)
    ARTIFACT.write_text(json.dumps(result, indent=1) + "\n")
    print(json.dumps(result, indent=1))
    for user in LEARNERS:
        assert report[user]["peak_rss_mb"] > 50, f"{user}: no memory measured: {report[user]}"
        assert report[user]["cpu_s"] > 1, f"{user}: no CPU time measured: {report[user]}"


# ---------------------------------------------------------------------------- root

def test_course_lab_allows_root_only_as_root(monkeypatch, capsys):
    """`python3 course.py lab` as root (containers, Codespaces) starts JupyterLab with
    --allow-root, saying so in one line; as anyone else the arguments are left alone."""
    import runpy
    ns = runpy.run_path(str(ROOT / "course.py"), run_name="not_main")
    calls = []
    lab = ns["lab"]
    lab.__globals__["ensure_venv"] = lambda extras="": None
    monkeypatch.setattr(os, "execv", lambda path, argv: calls.append(argv))
    monkeypatch.setattr(os, "chdir", lambda path: None)
    monkeypatch.setattr(os, "geteuid", lambda: 0)
    lab(["--no-browser"])
    assert calls[-1][1:] == ["lab", "--allow-root", "--no-browser"]
    assert "--allow-root" in capsys.readouterr().out
    lab(["--allow-root"])
    assert calls[-1][1:] == ["lab", "--allow-root"]                 # not twice
    monkeypatch.setattr(os, "geteuid", lambda: 1000)
    lab(["--no-browser"])
    assert calls[-1][1:] == ["lab", "--no-browser"]
    assert capsys.readouterr().out == ""
