"""Drive the course's notebooks in a real browser: JupyterLab from the project's .venv, headless
Chromium through Playwright's Python package. Used by tests/test_browser.py and
benchmarks/bench_widgets.py (--browser).

Nothing here touches the notebooks on disk: the server runs with autosave off, its config,
runtime, data, settings and workspace directories in a temporary directory, and every kernel it
started is shut down (sessions deleted over the REST API, then the server stopped by its PID).
"""
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome")
CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--disable-dev-shm-usage"]
# Console messages that say nothing about the course: the browser asking for things a headless,
# offline, freshly configured JupyterLab does not have. Everything else counts as an error.
BENIGN_CONSOLE = ("favicon", "/api/translations", "/lab/api/news", "/lab/api/extensions")


def chromium_path():
    """Debian's Chromium (or $NNLIB_CHROMIUM), or None."""
    env = os.environ.get("NNLIB_CHROMIUM")
    for candidate in ([env] if env else []) + list(CHROMIUM_CANDIDATES) + [shutil.which("chromium") or ""]:
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    return None


def unavailable():
    """Why the browser checks cannot run here, or None when they can."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return ("Playwright's Python package is not installed: run `python3 course.py test` "
                "(it installs the test extras) or `.venv/bin/pip install playwright`.")
    if chromium_path() is None:
        return ("no Chromium found (looked for " + ", ".join(CHROMIUM_CANDIDATES) + " and $NNLIB_CHROMIUM): "
                "on Debian/Ubuntu `sudo apt-get install chromium`.")
    return None


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _jupyter_python():
    """The project's .venv Python when it exists (the README's set-up), else this Python."""
    venv = REPO / ".venv" / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    return str(venv) if venv.exists() else sys.executable


class LabServer:
    """JupyterLab on 127.0.0.1, a free port and a random token, rooted at `root`."""

    def __init__(self, root=REPO, startup_timeout=60):
        self.root = Path(root)
        self.startup_timeout = startup_timeout
        self.proc = None
        self.tmp = None

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.stop()

    def start(self):
        self.tmp = Path(tempfile.mkdtemp(prefix="nnlib-lab-"))
        self.port, self.token = _free_port(), os.urandom(16).hex()
        self.url = f"http://127.0.0.1:{self.port}"
        config, settings = self.tmp / "config", self.tmp / "settings"
        (config / "labconfig").mkdir(parents=True)
        # The news/update toast would cover the page; the server must not ask PyPI about extensions.
        (config / "labconfig" / "page_config.json").write_text(json.dumps(
            {"disabledExtensions": {"@jupyterlab/apputils-extension:announcements": True}}))
        self._setting("@jupyterlab/docmanager-extension", "plugin", {"autosave": False})
        self._setting("@jupyterlab/apputils-extension", "notification",
                      {"fetchNews": "false", "checkForUpdates": False})
        # No "which kernel?" dialog: notebooks say python3, and that is this venv's Python.
        env = dict(os.environ, JUPYTER_CONFIG_DIR=str(config),
                   JUPYTER_RUNTIME_DIR=str(self.tmp / "runtime"), JUPYTER_DATA_DIR=str(self.tmp / "data"),
                   JUPYTERLAB_SETTINGS_DIR=str(settings), JUPYTERLAB_WORKSPACES_DIR=str(self.tmp / "ws"),
                   PYTHONHASHSEED="0", NNLIB_BROWSER_TEST="1")
        env.pop("JUPYTER_PATH", None)
        cmd = [_jupyter_python(), "-m", "jupyter", "lab", "--no-browser", "--ip=127.0.0.1",
               f"--port={self.port}", "--port-retries=0", f"--IdentityProvider.token={self.token}",
               f"--ServerApp.root_dir={self.root}", "--LabApp.extension_manager=readonly",
               "--LabApp.expose_app_in_browser=True", f"--LabApp.user_settings_dir={settings}",
               f"--LabApp.workspaces_dir={self.tmp / 'ws'}", "--ServerApp.open_browser=False"]
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            cmd.append("--allow-root")
        self.log_path = self.tmp / "server.log"
        self._log = open(self.log_path, "wb")
        self.proc = subprocess.Popen(cmd, env=env, stdout=self._log, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL, start_new_session=True)
        deadline = time.monotonic() + self.startup_timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"JupyterLab exited with code {self.proc.returncode}:\n{self.log()}")
            try:
                self.api("GET", "/api/status")
                return
            except (urllib.error.URLError, ConnectionError, OSError):
                time.sleep(0.3)
        self.stop()
        raise RuntimeError(f"JupyterLab did not answer within {self.startup_timeout} s:\n{self.log()}")

    def _setting(self, plugin_dir, name, value):
        path = self.tmp / "settings" / plugin_dir / f"{name}.jupyterlab-settings"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(value))

    def log(self, tail=4000):
        try:
            return self.log_path.read_text(errors="replace")[-tail:]
        except OSError:
            return ""

    def api(self, method, path, timeout=10):
        request = urllib.request.Request(self.url + path, method=method,
                                         headers={"Authorization": f"token {self.token}"})
        with urllib.request.urlopen(request, timeout=timeout) as response:
            body = response.read()
        return json.loads(body) if body else None

    def shutdown_kernels(self):
        """Delete every session (which shuts its kernel down), then any kernel left over."""
        for session in self.api("GET", "/api/sessions") or []:
            try:
                self.api("DELETE", f"/api/sessions/{session['id']}", timeout=30)
            except (urllib.error.URLError, OSError):
                pass
        for kernel in self.api("GET", "/api/kernels") or []:
            try:
                self.api("DELETE", f"/api/kernels/{kernel['id']}", timeout=30)
            except (urllib.error.URLError, OSError):
                pass

    def stop(self):
        try:
            if self.proc is not None and self.proc.poll() is None:
                try:
                    self.shutdown_kernels()
                except (urllib.error.URLError, OSError):
                    pass
                self.proc.send_signal(signal.SIGTERM)  # this PID only: the server we started
                try:
                    self.proc.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    self.proc.kill()
                    self.proc.wait(timeout=10)
        finally:
            if getattr(self, "_log", None):
                self._log.close()
            if self.tmp is not None:
                shutil.rmtree(self.tmp, ignore_errors=True)
                self.tmp = None


class Browser:
    """One headless Chromium (a persistent context in a temporary profile). Pages come from
    new_page(); each collects its console and page errors in `page.nnlib_console_errors`."""

    def __init__(self, width=1400, height=1000):
        self.size = {"width": width, "height": height}

    def __enter__(self):
        from playwright.sync_api import sync_playwright
        self.tmp = tempfile.mkdtemp(prefix="nnlib-chromium-")
        self._pw = sync_playwright().start()
        try:
            self.context = self._pw.chromium.launch_persistent_context(
                self.tmp, executable_path=chromium_path(), headless=True, args=CHROMIUM_FLAGS,
                viewport=self.size)
        except Exception:
            self._pw.stop()
            shutil.rmtree(self.tmp, ignore_errors=True)
            raise
        return self

    def new_page(self):
        page = self.context.new_page()
        errors = page.nnlib_console_errors = []

        def on_console(msg):
            if msg.type == "error":
                where = (msg.location or {}).get("url", "")
                if not any(b in msg.text or b in where for b in BENIGN_CONSOLE):
                    errors.append(f"console error: {msg.text[:500]} ({where})")

        page.on("console", on_console)
        page.on("pageerror", lambda exc: errors.append(f"page error: {str(exc)[:500]}"))
        page.on("dialog", lambda dialog: dialog.accept())  # "leave this page?" when it closes
        return page

    def close_page(self, page):
        try:
            page.close(run_before_unload=False)
        except Exception:
            pass

    def __exit__(self, *exc):
        try:
            self.context.close()
        finally:
            self._pw.stop()
            shutil.rmtree(self.tmp, ignore_errors=True)


# ---- in the page -------------------------------------------------------------------------------
# Idle: the kernel says idle and no cell shows the [*] prompt, for `quiet` ms in a row.
JS_IDLE = """() => {
  const app = window.jupyterapp;
  const w = app && app.shell.currentWidget;
  const ctx = w && w.sessionContext;
  const kernel = ctx && ctx.session && ctx.session.kernel;
  if (!kernel || kernel.status !== 'idle' || !w.content) return false;
  const busy = [...w.node.querySelectorAll('.jp-InputPrompt')].some(p => p.textContent.includes('*'));
  return !busy;
}"""


def wait_idle(page, timeout=120, quiet=0.4):
    deadline = time.monotonic() + timeout
    since = None
    while time.monotonic() < deadline:
        if page.evaluate(JS_IDLE):
            since = since or time.monotonic()
            if time.monotonic() - since >= quiet:
                return
        else:
            since = None
        page.wait_for_timeout(50)
    raise TimeoutError(f"the kernel was still busy after {timeout} s")


def open_notebook(page, server, relpath, timeout=60):
    """Open `relpath` (relative to the server's root) alone in the main area; wait for its kernel."""
    page.goto(f"{server.url}/lab/tree/{relpath}?reset&token={server.token}")
    page.wait_for_function("() => window.jupyterapp && window.jupyterapp.shell.currentWidget"
                           " && window.jupyterapp.shell.currentWidget.sessionContext", timeout=timeout * 1000)
    page.wait_for_function("""() => { const c = window.jupyterapp.shell.currentWidget.sessionContext;
        return c.isReady && c.session && c.session.kernel && c.session.kernel.status === 'idle'; }""",
                           timeout=timeout * 1000)
    page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=timeout * 1000)


def run_all(page, timeout=300):
    """Run every cell (the menu command Run > Run All Cells), then wait until the kernel is idle."""
    page.evaluate("() => { window.__nnlibRunAll = window.jupyterapp.commands.execute('runmenu:run-all'); }")
    page.wait_for_timeout(300)
    wait_idle(page, timeout)


JS_PAGE_PROBLEMS = """() => {
  const nb = window.jupyterapp.shell.currentWidget.node;
  const out = [];
  for (const el of nb.querySelectorAll('.jp-OutputArea-output')) {
    const t = el.textContent || '';
    if (t.includes('Error displaying widget')) out.push('widget error: ' + t.trim().slice(0, 300));
    const mime = el.getAttribute('data-mime-type') || '';
    if (mime === 'application/vnd.jupyter.stderr') out.push('stderr/error output: ' + t.trim().slice(0, 500));
  }
  for (const el of nb.querySelectorAll('.nnlib-error')) out.push('explorer error: ' + el.textContent.trim().slice(0, 500));
  for (const el of document.querySelectorAll('.jp-Dialog')) out.push('dialog: ' + el.textContent.trim().slice(0, 300));
  return out;
}"""


def page_problems(page):
    """Error outputs, stderr, 'Error displaying widget', explorer errors and open dialogs."""
    return page.evaluate(JS_PAGE_PROBLEMS)


# The controls of the current notebook, each with what tells us it took effect: its own readout,
# the explorer readout (.nnlib-readout) in the same output, and the image in the next output(s) of
# the same cell (where Explorer.show puts the picture).
JS_MARK_CONTROLS = """() => {
  const nb = window.jupyterapp.shell.currentWidget.node;
  const found = [];
  const controls = nb.querySelectorAll('.widget-slider, .widget-dropdown');
  controls.forEach((el, i) => {
    el.setAttribute('data-nnlib-control', String(i));
    const label = el.querySelector('.widget-label');
    found.push({index: i, kind: el.classList.contains('widget-dropdown') ? 'dropdown' : 'slider',
                description: label ? label.textContent.trim() : ''});
  });
  return found;
}"""

JS_CONTROL_STATE = """(i) => {
  const el = document.querySelector(`[data-nnlib-control="${i}"]`);
  if (!el) return null;
  const child = el.closest('.jp-OutputArea-child');
  const area = el.closest('.jp-OutputArea');
  const readout = child && child.querySelector('.nnlib-readout');
  // the picture: first image in a later output of this cell
  let img = null;
  if (child && area) {
    let seen = false;
    for (const c of area.querySelectorAll(':scope > .jp-OutputArea-child')) {
      if (c === child) { seen = true; continue; }
      if (seen) { img = c.querySelector('img'); if (img) break; }
    }
    if (!img) img = child.querySelector('img');
  }
  const handle = el.querySelector('.noUi-handle');
  const select = el.querySelector('select');
  const ro = el.querySelector('.widget-readout');
  // A slider's exact position from noUiSlider itself: its aria-valuenow/min/max attributes are
  // rounded to one decimal (toFixed(1)), so 0.8 -> 0.85 would look like no move at all.
  const target = el.querySelector('.noUi-target');
  const api = target && target.noUiSlider;
  const number = (x) => (x === null || x === undefined || x === '') ? null : Number(x);
  const exact = api ? {value: number(api.get(true)), min: number(api.options.range.min),
                       max: number(api.options.range.max)}
                    : handle ? {value: number(handle.getAttribute('aria-valuetext') || handle.getAttribute('aria-valuenow')),
                                min: number(handle.getAttribute('aria-valuemin')),
                                max: number(handle.getAttribute('aria-valuemax'))}
                    : null;
  return {
    value: exact ? exact.value : (select ? select.value : null),
    min: exact ? exact.min : null,
    max: exact ? exact.max : null,
    options: select ? [...select.options].map(o => o.value) : null,
    readout: ro ? (ro.value !== undefined && ro.tagName !== 'DIV' ? ro.value : ro.textContent) : null,
    explorer: readout ? readout.textContent.trim() : null,
    img: img ? img.getAttribute('src') : null,
    outputs: area ? area.textContent + [...area.querySelectorAll('img')].map(im => im.getAttribute('src')).join('|') : null,
  };
}"""


def control_state(page, index):
    return page.evaluate(JS_CONTROL_STATE, index)


def list_controls(page):
    return page.evaluate(JS_MARK_CONTROLS)


POKE_TIMEOUT = 20  # seconds to wait for a control's picture to change


def unexecuted_cells(page):
    """Code cells of the current notebook that have not run (prompt `[ ]:`)."""
    return page.evaluate("""() => [...window.jupyterapp.shell.currentWidget.node
        .querySelectorAll('.jp-CodeCell .jp-InputArea-prompt')]
        .filter(p => /^\\s*\\[\\s*\\]:?\\s*$/.test(p.textContent)).length""")


def drag_slider(page, control, fraction_from=0.0, fraction_to=1.0, steps=20):
    """Drag a slider's handle with the mouse along its track, releasing at the end; then
    wait until the kernel is idle."""
    el = page.locator(f'[data-nnlib-control="{control["index"]}"]')
    el.scroll_into_view_if_needed()
    track = el.locator(".noUi-target").first.bounding_box()
    handle = el.locator(".noUi-handle").first.bounding_box()
    y = handle["y"] + handle["height"] / 2
    page.mouse.move(handle["x"] + handle["width"] / 2, y)
    page.mouse.down()
    x0 = track["x"] + fraction_from * track["width"]
    x1 = track["x"] + fraction_to * track["width"] + (5 if fraction_to >= 1 else 0)
    page.mouse.move(x0, y, steps=3)
    page.mouse.move(x1, y, steps=steps)
    page.mouse.up()
    page.wait_for_timeout(300)
    wait_idle(page)
    page.wait_for_timeout(100)


def show_first_explorer(page):
    """Scroll so that the first explorer (or else the first control) is in view."""
    page.evaluate("""() => {
      const el = document.querySelector('.nnlib-readout') || document.querySelector('[data-nnlib-control]');
      if (el) el.scrollIntoView({block: 'start'});
    }""")
    page.wait_for_timeout(200)


def poke(page, control, timeout=POKE_TIMEOUT, key=None):
    """Move one control by one step and wait until the page settles. A slider gets `key` if given,
    else ArrowRight (ArrowLeft at its maximum); a drop-down gets its next option. Returns (before,
    after, seconds from the key press or the choice to the new picture, or None if none came)."""
    i = control["index"]
    before = control_state(page, i)
    el = page.locator(f'[data-nnlib-control="{i}"]')
    el.scroll_into_view_if_needed()
    # Both times are taken in the page: T0 when the control itself sees the key press or the new
    # choice (a capturing listener, so Playwright's round trip is not counted), T1 when any
    # picture in the control's cell changes its src.
    page.evaluate("""(i) => {
      window.__nnlibT0 = null; window.__nnlibT1 = null;
      const el = document.querySelector(`[data-nnlib-control="${i}"]`);
      const area = el.closest('.jp-OutputArea') || document.body;
      const srcs = () => [...area.querySelectorAll('img')].map(im => im.getAttribute('src')).join('|');
      const start = srcs();
      if (window.__nnlibObs) window.__nnlibObs.disconnect();
      window.__nnlibObs = new MutationObserver(() => {
        if (window.__nnlibT1 === null && srcs() !== start) window.__nnlibT1 = performance.now();
      });
      window.__nnlibObs.observe(area, {subtree: true, childList: true, attributes: true, attributeFilter: ['src']});
      window.__nnlibControl = el;
      if (!window.__nnlibStamp) {  // one capturing listener per page, for whichever control is being poked
        window.__nnlibStamp = (e) => {
          if (window.__nnlibT0 === null && window.__nnlibControl && window.__nnlibControl.contains(e.target))
            window.__nnlibT0 = performance.now();
        };
        for (const type of ['keydown', 'input', 'change']) document.addEventListener(type, window.__nnlibStamp, true);
      }
    }""", i)
    if control["kind"] == "slider":
        handle = el.locator(".noUi-handle").first
        handle.focus()
        if key is None:
            at_max = before["max"] is not None and before["value"] is not None and before["value"] >= before["max"]
            key = "ArrowLeft" if at_max else "ArrowRight"
        handle.press(key)
    else:
        options = before["options"] or []
        if len(options) < 2:
            return before, before, None
        new = options[(options.index(before["value"]) + 1) % len(options)] if before["value"] in options else options[0]
        el.locator("select").select_option(new)
    # wait for the picture to change (or give up), then for the kernel to finish
    try:
        page.wait_for_function("() => window.__nnlibT1 !== null", timeout=timeout * 1000, polling=20)
    except Exception:
        pass
    wait_idle(page, timeout=timeout)
    page.wait_for_timeout(100)
    after = control_state(page, i)
    seconds = page.evaluate("""() => (window.__nnlibT1 === null || window.__nnlibT0 === null) ? null
                                     : (window.__nnlibT1 - window.__nnlibT0) / 1000""")
    page.evaluate("() => { if (window.__nnlibObs) window.__nnlibObs.disconnect(); }")
    return before, after, seconds


def screenshot(page, path):
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(path))
