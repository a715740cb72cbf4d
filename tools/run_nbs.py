"""Execute the notebooks in `nbs/` in place, in a real Jupyter kernel, so their saved outputs (progress bars,
fastai's tables, plots) are exactly what a reader sees in Jupyter. Used by tools/run.sh.

    python tools/run_nbs.py            # every notebook, in order
    python tools/run_nbs.py 03 05      # only those whose file name contains one of these
"""
import sys, time
from pathlib import Path
import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError
import subprocess

def run_nb(path, timeout=1800):
    "Execute the notebook at `path` top to bottom and write it back with its new outputs"
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, timeout=timeout, kernel_name='python3', resources={'metadata': {'path': str(path.parent)}})
    client.execute(stderr=subprocess.DEVNULL)  # the kernel's own log lines (its transport notice) are not the notebook's
    nbformat.write(nb, path)

def main(args):
    nbs = sorted(p for p in Path('nbs').glob('*.ipynb') if not p.name.startswith('_'))
    if args: nbs = [p for p in nbs if any(a in p.name for a in args)]
    if not nbs: sys.exit(f"no notebook in nbs/ matches {args}")
    failed = []
    for p in nbs:
        t0 = time.time()
        print(f"[run] {p.name} ...", end=' ', flush=True)
        try: run_nb(p)
        except CellExecutionError as e:
            failed.append(p.name)
            print(f"FAILED after {time.time()-t0:.0f} s\n{e}")
            continue
        print(f"{time.time()-t0:.0f} s", flush=True)
    if failed: sys.exit(f"[run] these notebooks failed (their outputs were not saved): {', '.join(failed)}")

if __name__ == '__main__': main(sys.argv[1:])
