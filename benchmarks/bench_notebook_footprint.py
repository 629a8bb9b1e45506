"""What one learner's kernel needs, notebook by notebook: a script, not a test.

    .venv/bin/python benchmarks/bench_notebook_footprint.py               # every notebook
    .venv/bin/python benchmarks/bench_notebook_footprint.py 01 07         # some of them

Each notebook is run top to bottom once in a fresh kernel (nbconvert's executor, the output
written to a temporary folder, the committed notebook untouched), and the kernel process is
sampled every 0.2 s: its peak resident memory (RSS) and its CPU seconds (user + system) when the
last cell has run. One line per notebook, e.g.

    FOOTPRINT nb=07 peak_rss_mb=205 cpu_s=9.8 wall_s=14.2

then the largest peak and the total CPU. The instructor guide's sizing ("Teaching on a
JupyterHub") takes its per-notebook figures from here and the server's from tests/test_hub.py.
One BLAS thread, as course.py and the hub's single-user environment set it.
"""
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(var, "1")

import psutil  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent


def footprint(path, out_dir):
    """(peak kernel RSS in bytes, kernel CPU seconds, wall seconds) of one top-to-bottom run."""
    env = dict(os.environ, PYTHONHASHSEED="0", NNLIB_EXECUTING="1")
    t0 = time.monotonic()
    proc = subprocess.Popen(
        [sys.executable, "-m", "jupyter", "nbconvert", "--to", "notebook", "--execute",
         "--ExecutePreprocessor.timeout=600", "--output-dir", str(out_dir), str(path)],
        cwd=path.parent, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    parent = psutil.Process(proc.pid)
    peak, cpu, done = 0, {}, threading.Event()

    def sample():
        nonlocal peak
        while not done.is_set():
            try:
                kernels = [p for p in parent.children(recursive=True)
                           if "ipykernel" in " ".join(p.cmdline())]
                rss = 0
                for k in kernels:
                    rss += k.memory_info().rss
                    t = k.cpu_times()
                    cpu[k.pid] = t.user + t.system
                peak = max(peak, rss)
            except psutil.Error:
                pass
            done.wait(0.2)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, stderr = proc.communicate(timeout=900)
    done.set()
    sampler.join()
    if proc.returncode != 0:
        sys.exit(f"{path.name} failed to execute:\n{stderr.decode()[-2000:]}")
    return peak, sum(cpu.values()), time.monotonic() - t0


def main(args):
    paths = sorted((ROOT / "notebooks").glob("[0-9]*.ipynb"))
    if args:
        paths = [p for p in paths if p.name[:2] in args]
    rows = []
    with tempfile.TemporaryDirectory() as out_dir:
        for path in paths:
            peak, cpu, wall = footprint(path, out_dir)
            rows.append({"nb": path.name[:2], "peak_rss_mb": round(peak / 2**20),
                         "cpu_s": round(cpu, 1), "wall_s": round(wall, 1)})
            print("FOOTPRINT " + " ".join(f"{k}={v}" for k, v in rows[-1].items()), flush=True)
    print(f"largest kernel: {max(r['peak_rss_mb'] for r in rows)} MB; all notebooks: "
          f"{sum(r['cpu_s'] for r in rows):.0f} CPU seconds "
          f"(load average {', '.join(f'{x:.1f}' for x in os.getloadavg())}, "
          f"{os.cpu_count()} cores)")
    print(json.dumps(rows))


if __name__ == "__main__":
    main(sys.argv[1:])
