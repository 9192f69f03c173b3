"""The alpha explorer works in a real JupyterLab 4, driven in headless Chromium.

Run with ``make test-browser`` (it installs Debian's chromium when missing and
sets ``COURSE_BROWSER_TEST=1``). The test

1. copies notebook 10 into a scratch folder, without outputs and with the course
   kernel named in it;
2. starts JupyterLab from this Python environment on a free localhost port
   with a random token, in its own process group, with scratch config,
   runtime and settings folders (nothing in the user's home is touched);
3. opens the notebook in headless Chromium (Playwright for Python driving
   ``/usr/bin/chromium``; no Playwright browser is downloaded), runs
   *Run > Run All Cells* from the menu and waits for every cell to finish;
4. checks that the explorer's slider and figure rendered, drags the slider,
   and checks that the alpha read-out and the figure's pixels changed;
5. saves screenshots to ``benchmarks/screenshots/`` (git-ignored).

Whatever happens, the fixtures close the browser, ask the server to shut
down (which stops its kernels), kill what is left of the processes they
started, by id, and the test asserts the port is free again.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOK = ROOT / "notebooks" / "10_pitfalls_and_troubleshooting.ipynb"
SCREENSHOTS = ROOT / "benchmarks" / "screenshots"
CHROMIUM = Path("/usr/bin/chromium")
COURSE_KERNEL = "regularization-course"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SERVER_START_TIMEOUT = 180  # seconds; a loaded 2-core machine is slow to import JupyterLab
RUN_ALL_TIMEOUT = 420  # seconds for every cell of notebook 10 (about 10 s on an idle laptop)
REDRAW_TIMEOUT = 60  # seconds for the kernel to redraw the figure after the slider moves

# Environment of the server (inherited by its kernels), as in course_utils.instructor.execute.
KERNEL_ENV = {
    "PYTHONHASHSEED": "0",
    "TF_CPP_MIN_LOG_LEVEL": "3",
    "TF_ENABLE_ONEDNN_OPTS": "0",
    "KERAS_BACKEND": "tensorflow",
    "PYDEVD_DISABLE_FILE_VALIDATION": "1",
}


# ----------------------------------------------------------------------------- helpers
def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _port_is_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def _children(pid: int) -> list[int]:
    """Ids of the live processes whose parent is ``pid`` (Linux /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # The command name is in parentheses and may contain spaces; ppid follows it.
        fields = stat.rsplit(")", 1)[-1].split()
        if len(fields) > 1 and int(fields[1]) == pid:
            found.append(int(entry.name))
    return found


def _alive(pid: int) -> bool:
    try:
        state = (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[-1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"


def _kill(pids, sig) -> None:
    for pid in pids:
        try:
            os.kill(pid, sig)
        except ProcessLookupError:
            pass


def _request(url: str, *, method: str = "GET", timeout: float = 5.0) -> int:
    request = urllib.request.Request(url, method=method, data=b"" if method == "POST" else None)
    with urllib.request.urlopen(request, timeout=timeout) as response:
        return response.status


class LabServer:
    """A JupyterLab server started by the test; :meth:`stop` always leaves nothing running."""

    def __init__(self, workdir: Path):
        self.workdir = workdir
        self.port = _free_port()
        self.token = secrets.token_hex(16)
        self.log_path = workdir / "jupyterlab.log"
        self.process: subprocess.Popen | None = None
        self.kernel_pids: set[int] = set()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def url(self, path: str) -> str:
        return f"{self.base_url}/{path.lstrip('/')}?token={self.token}"

    def start(self) -> None:
        config = self.workdir / "jupyter"
        env = dict(os.environ)
        env.update(KERNEL_ENV)
        env.update(
            {
                "JUPYTER_CONFIG_DIR": str(config / "config"),
                "JUPYTER_RUNTIME_DIR": str(config / "runtime"),
                "IPYTHONDIR": str(config / "ipython"),
                "JUPYTER_PLATFORM_DIRS": "1",
                "MPLCONFIGDIR": str(config / "matplotlib"),
            }
        )
        env.pop("MPLBACKEND", None)
        # Render every cell (no windowing), so that every prompt is in the page.
        tracker = config / "lab-settings" / "@jupyterlab" / "notebook-extension"
        tracker.mkdir(parents=True, exist_ok=True)
        (tracker / "tracker.jupyterlab-settings").write_text(json.dumps({"windowingMode": "none"}))
        # No "get notified about Jupyter news?" pop-up over the notebook.
        labconfig = config / "config" / "labconfig"
        labconfig.mkdir(parents=True, exist_ok=True)
        (labconfig / "page_config.json").write_text(
            json.dumps(
                {"disabledExtensions": {"@jupyterlab/apputils-extension:announcements": True}}
            )
        )
        command = [
            sys.executable,
            "-m",
            "jupyterlab",
            "--no-browser",
            "--ip=127.0.0.1",
            f"--port={self.port}",
            "--ServerApp.port_retries=0",
            f"--IdentityProvider.token={self.token}",
            f"--ServerApp.root_dir={self.workdir / 'course'}",
            f"--LabApp.user_settings_dir={config / 'lab-settings'}",
            f"--LabApp.workspaces_dir={config / 'lab-workspaces'}",
            "--LabApp.news_url=",
            "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
            "--LabApp.extension_manager=readonly",  # no PyPI look-ups from the test
            "--ServerApp.terminals_enabled=False",
            f"--MappingKernelManager.default_kernel_name={COURSE_KERNEL}",
        ]
        if os.geteuid() == 0:  # CI containers run as root
            command.append("--allow-root")
        log = open(self.log_path, "wb")  # noqa: SIM115 - closed in stop()
        self._log = log
        self.process = subprocess.Popen(
            command,
            cwd=self.workdir,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, killed as a whole in stop()
        )
        deadline = time.monotonic() + SERVER_START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"JupyterLab exited early:\n{self.log_tail()}")
            try:
                if _request(self.url("api/status")) == 200:
                    return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(0.5)
        raise RuntimeError(
            f"JupyterLab did not answer within {SERVER_START_TIMEOUT} s:\n{self.log_tail()}"
        )

    def remember_kernels(self) -> None:
        """Record the ids of the kernel processes the server started (its children)."""
        if self.process is not None:
            self.kernel_pids.update(_children(self.process.pid))

    def log_tail(self, n: int = 40) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-n:])
        except OSError:
            return "(no log)"

    def stop(self) -> None:
        if self.process is None:
            return
        self.remember_kernels()
        if self.process.poll() is None:
            try:  # the clean way: the server shuts down its kernels, then exits
                _request(self.url("api/shutdown"), method="POST")
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                pass
        if self.process.poll() is None:
            try:
                os.killpg(self.process.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                try:
                    os.killpg(self.process.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                self.process.wait(timeout=15)
        # Kernels run in their own sessions: end any the server left behind, by id.
        leftover = [pid for pid in self.kernel_pids if _alive(pid)]
        _kill(leftover, signal.SIGTERM)
        deadline = time.monotonic() + 10
        while leftover and time.monotonic() < deadline:
            time.sleep(0.2)
            leftover = [pid for pid in leftover if _alive(pid)]
        _kill(leftover, signal.SIGKILL)
        self._log.close()


# ----------------------------------------------------------------------------- fixtures
@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    if not NOTEBOOK.is_file():
        pytest.fail(f"{NOTEBOOK.relative_to(ROOT)} is missing.")
    workdir = tmp_path_factory.mktemp("jupyterlab")
    course = workdir / "course" / "notebooks"
    course.mkdir(parents=True)
    nb = json.loads(NOTEBOOK.read_text(encoding="utf-8"))
    for cell in nb["cells"]:  # start from a clean notebook: every prompt is empty until run
        if cell["cell_type"] == "code":
            cell["outputs"], cell["execution_count"] = [], None
    nb["metadata"]["kernelspec"] = {
        "name": COURSE_KERNEL,
        "display_name": "Python 3 (regularization course)",
        "language": "python",
    }
    (course / NOTEBOOK.name).write_text(json.dumps(nb, indent=1), encoding="utf-8")
    server = LabServer(workdir)
    try:
        server.start()
        yield server
    finally:
        server.stop()
        assert _port_is_free(server.port), f"port {server.port} still in use after shutdown"
        assert not [pid for pid in server.kernel_pids if _alive(pid)], "a kernel survived"


@pytest.fixture(scope="module")
def browser_page(tmp_path_factory):
    if not CHROMIUM.exists():
        pytest.fail(
            "/usr/bin/chromium is missing: run `make test-browser` as root, "
            "or apt-get install chromium."
        )
    from playwright.sync_api import sync_playwright

    profile = tmp_path_factory.mktemp("chromium-profile")
    playwright = sync_playwright().start()
    context = None
    try:
        context = playwright.chromium.launch_persistent_context(
            str(profile),
            executable_path=str(CHROMIUM),
            headless=True,
            args=CHROMIUM_ARGS,
            viewport={"width": 1400, "height": 1000},
        )
        page = context.pages[0] if context.pages else context.new_page()
        yield page
    finally:
        if context is not None:
            context.close()
        playwright.stop()
        shutil.rmtree(profile, ignore_errors=True)


# ----------------------------------------------------------------------------- the test
KERNEL_IDLE = """
() => [...document.querySelectorAll('.jp-StatusBar-TextItem')]
        .some(item => /regularization course\\) \\| Idle/.test(item.textContent))
"""
ANY_CELL_STARTED = """
() => [...document.querySelectorAll('.jp-Notebook .jp-CodeCell .jp-InputPrompt')]
        .some(p => /\\[(\\*|\\d+)\\]/.test(p.textContent))
"""


def _run_all_cells(page) -> None:
    """Run > Run All Cells from the menu bar, once the course kernel is idle."""
    page.wait_for_function(KERNEL_IDLE, timeout=180_000, polling=500)
    for _attempt in range(3):  # a click while the menu is still building can be lost
        page.locator(".lm-MenuBar-item", has_text="Run").first.click()
        item = page.locator(".lm-Menu-item:visible", has_text="Run All Cells").first
        item.wait_for()
        item.click()
        try:
            page.wait_for_function(ANY_CELL_STARTED, timeout=20_000, polling=250)
            return
        except PlaywrightTimeoutError:
            page.keyboard.press("Escape")
    raise AssertionError("Run > Run All Cells did not start the notebook")


ALL_CELLS_DONE = """
() => {
  const prompts = [...document.querySelectorAll('.jp-Notebook .jp-CodeCell .jp-InputPrompt')];
  if (prompts.length === 0) return false;
  return prompts.every(p => /\\[\\d+\\]/.test(p.textContent)) &&
         !prompts.some(p => p.textContent.includes('*'));
}
"""


def _wait_for_new_image(page, image, old_src: str) -> str:
    page.wait_for_function(
        "([el, old]) => el.src && el.src !== old && el.complete && el.naturalWidth > 0",
        arg=[image.element_handle(), old_src],
        timeout=REDRAW_TIMEOUT * 1000,
    )
    return image.get_attribute("src")


def test_alpha_explorer_slider_redraws_the_figure(lab, browser_page):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    (SCREENSHOTS / "explorer_failure.png").unlink(missing_ok=True)
    try:
        _drive_the_explorer(lab, browser_page)
    except Exception:
        browser_page.screenshot(path=str(SCREENSHOTS / "explorer_failure.png"))
        print(f"JupyterLab log (tail):\n{lab.log_tail()}")
        raise


def _drive_the_explorer(lab, page):
    page.goto(lab.url(f"lab/tree/notebooks/{NOTEBOOK.name}") + "&reset")
    page.locator(".jp-NotebookPanel .jp-Notebook").first.wait_for(timeout=120_000)
    # The toolbar names the kernel the notebook asked for: the course kernel.
    page.locator(".jp-NotebookPanel-toolbar .jp-Toolbar-kernelName").first.wait_for()
    kernel_name = page.locator(".jp-NotebookPanel-toolbar .jp-Toolbar-kernelName").first
    page.wait_for_function(
        "el => el.textContent.includes('regularization course')",
        arg=kernel_name.element_handle(),
        timeout=120_000,
    )

    _run_all_cells(page)
    page.wait_for_function(ALL_CELLS_DONE, timeout=RUN_ALL_TIMEOUT * 1000, polling=1000)
    lab.remember_kernels()
    errors = page.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']")
    assert not page.locator(".jp-Cell .jp-OutputArea-output:has-text('Traceback')").count()

    explorer = page.locator(".course-explorer").first
    explorer.scroll_into_view_if_needed()
    image = explorer.locator("img.widget-image").first
    image.wait_for(timeout=REDRAW_TIMEOUT * 1000)
    page.wait_for_function(
        "el => el.complete && el.naturalWidth > 0", arg=image.element_handle(), timeout=60_000
    )
    slider = explorer.locator(".widget-slider").first
    handle = slider.locator(".noUi-handle").first
    readout = slider.locator(".widget-readout").first
    handle.wait_for()
    assert float(readout.inner_text()) == pytest.approx(1e-3, rel=1e-2)

    before_src = image.get_attribute("src")
    before_pixels = image.screenshot()
    page.screenshot(path=str(SCREENSHOTS / "explorer_before.png"))

    # Drag the handle to the right: alpha grows (log scale), so the fit flattens.
    box = handle.bounding_box()
    track = slider.locator(".noUi-target").first.bounding_box()
    start_x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    end_x = min(track["x"] + track["width"] * 0.9, start_x + 250)
    page.mouse.move(start_x, y)
    page.mouse.down()
    page.mouse.move(end_x, y, steps=12)
    page.mouse.up()

    after_src = _wait_for_new_image(page, image, before_src)
    assert after_src != before_src
    new_alpha = float(readout.inner_text())
    assert new_alpha > 1e-2, f"the slider did not move far enough (alpha = {new_alpha})"
    page.wait_for_timeout(300)  # let the new image paint
    after_pixels = image.screenshot()
    assert after_pixels != before_pixels, "the figure's pixels did not change"
    image.screenshot(path=str(SCREENSHOTS / "explorer_figure_after.png"))
    page.screenshot(path=str(SCREENSHOTS / "explorer_after.png"))

    # The keyboard works too: one step left on the focused handle redraws again.
    handle.focus()
    page.keyboard.press("ArrowLeft")
    _wait_for_new_image(page, image, after_src)
    assert float(readout.inner_text()) < new_alpha
    assert errors.count() == 0, errors.first.inner_text()
