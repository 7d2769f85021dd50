"""Run the notebooks (the tests) once and build the docs website from what they printed: `python tools/docs.py`.

Every notebook is copied to _build/nbs and executed there by two worker processes (each imports the package and
TensorFlow once and runs a notebook at a time in a fresh namespace, as nbdev_test's process pool does), skipping the
cells nbdev_test skips (`#| eval: false`, and cells flagged with a test flag of settings.ini such as `#| slow` unless
`--flags slow` is given). A cell that raises fails the run: the notebook's error is printed and the exit code is 1,
as with nbdev_test. The executed copies keep their outputs, so each number and figure on the site comes from the
run of the same cells; nbdev then processes them (show_doc, directives, hidden cells) and the site is rendered from
the same _quarto.yml by Quarto where it is installed, otherwise by the pure-Python `smalldocs` package. The site gets
a stamp of the sources it was built from, so tests/test_docs.py checks this site instead of building another. Files a
notebook writes to $CLOUD_ANOMALY_REPORTS (the monitoring notebook's report) are published under _docs/reports/.

    python tools/docs.py                 # execute (quick set), process, render with whatever is available
    python tools/docs.py --smalldocs     # force the pure-Python renderer
    python tools/docs.py --flags slow    # also run the slow cells
"""
import argparse, configparser, hashlib, os, re, shutil, subprocess, sys, time
from pathlib import Path

root = Path(__file__).resolve().parent.parent
SKIP = re.compile(r'^#\|\s*eval:\s*false|nbdev_export\(', re.M)

def test_flags() -> set:
    "The test flags named in settings.ini (`tst_flags`): cells carrying one run only when it is asked for."
    cfg = configparser.ConfigParser(delimiters=['=']); cfg.read(root/'settings.ini')
    return set(cfg['DEFAULT'].get('tst_flags', '').split())

def skipped(source: str, unasked: set) -> bool:
    "True for a cell the test run leaves out: `#| eval: false`, the export cell, or one of the `unasked` test flags."
    if SKIP.search(source): return True
    return any(re.search(rf'^#\|\s*{f}\s*$', source, re.M) for f in unasked)

def execute(path: Path, flags: set) -> str:
    "Run the cells of the notebook at `path` in its folder (see `skipped`) and save the outputs in it."
    from execnb.nbio import read_nb, write_nb
    from execnb.shell import CaptureShell
    os.environ['IN_TEST'] = '1'
    os.chdir(path.parent)
    nb = read_nb(path)
    unasked = test_flags() - flags                             # settings.ini read once, not once per cell
    CaptureShell(path).run_all(nb, exc_stop=True, preproc=lambda c: c.cell_type != 'code' or skipped(c.source, unasked))
    write_nb(nb, path)
    return path.name

def source_stamp() -> str:
    "A hash of everything the site is built from: the notebooks, their data and the package."
    h = hashlib.sha256()
    for p in sorted([*(root/'nbs').rglob('*'), *(root/'cloud_anomaly').glob('*.py')]):
        if p.is_file(): h.update(str(p.relative_to(root)).encode()); h.update(p.read_bytes())
    return h.hexdigest()

# Notebooks run `workers` at a time, each on one core: TensorFlow and the BLAS would otherwise start a thread per core in
# every process, and two processes on two cores then take turns (measured here: the whole build 160 s with a thread per
# core, 146 s with one).
ONE_THREAD = {'TF_NUM_INTRAOP_THREADS': '1', 'TF_NUM_INTEROP_THREADS': '1', 'OMP_NUM_THREADS': '1', 'OPENBLAS_NUM_THREADS': '1',
              'MKL_NUM_THREADS': '1'}

def _worker_init(env: dict):
    "A notebook worker: one thread per library (see ONE_THREAD), its own stderr per notebook (see `_run_one`)."
    os.environ.update(env)

def _run_one(nb: str, flags: set) -> tuple[str, str|None, float]:
    "Execute one notebook in this worker and process it for the site as nbdev_proc_nbs would; returns (name, None or the error with the notebook's stderr, seconds)."
    import tempfile, traceback
    t0, here = time.perf_counter(), os.getcwd()
    log, saved = tempfile.TemporaryFile(), os.dup(2)
    sys.stderr.flush(); os.dup2(log.fileno(), 2)                            # library chatter (TensorFlow, Spark) kept apart
    import matplotlib, pandas as pd
    rc, fmt = matplotlib.rcParams.copy(), pd.get_option('display.float_format')   # what a notebook may change for the next
    try:
        execute(Path(nb), flags); err = None
        from nbdev.serve import _proc_file
        from nbdev.serve_drv import main as process
        job = _proc_file(Path(nb), root/'_proc', Path(nb).parent)           # nbdev's processing of the page, here while the other worker runs
        if job: process(job)
    except BaseException: err = traceback.format_exc()
    finally:
        sys.stderr.flush(); os.dup2(saved, 2); os.close(saved); os.chdir(here)
        matplotlib.rcParams.update(rc); pd.set_option('display.float_format', fmt)
        import matplotlib.pyplot as plt; plt.close('all')
    if err is not None:
        log.seek(0); err = log.read().decode(errors='replace')[-3000:] + '\n' + err[-4000:]
    log.close()
    return Path(nb).name, err, time.perf_counter() - t0

def run_notebooks(work: Path, flags: set, workers: int=2) -> list[str]:
    "Execute every notebook of `work`, the slowest first, in `workers` processes; returns the failures with their error output."
    from concurrent.futures import ProcessPoolExecutor
    import multiprocessing as mp
    slowest = ['06_pipeline', '06d_monitor', '07_cli', '03b_portfolio', '02_model', '03_detector', '06b_spark', 'index', '09_evaluation']   # measured in CI
    nbs = sorted(work.glob('*.ipynb'), key=lambda p: (slowest.index(p.stem) if p.stem in slowest else len(slowest), p.name))   # longest first: no long tail
    env = ONE_THREAD if workers > 1 else {}
    sys.path.insert(0, str(Path(__file__).parent)); import docs       # by its module name: IPython takes over `__main__` in a worker
    failed = []
    with ProcessPoolExecutor(workers, mp_context=mp.get_context('spawn'), initializer=docs._worker_init, initargs=(env,)) as ex:
        for name, err, secs in ex.map(docs._run_one, map(str, nbs), [set(flags)] * len(nbs)):
            print(f"{'ok    ' if err is None else 'FAILED'} {name} ({secs:.0f} s)", flush=True)
            if err is not None: failed.append(f"{name}:\n{err}")
    return failed

def build(force_smalldocs: bool=False, flags: set=frozenset(), workers: int=2) -> Path:
    "Execute, process and render the notebooks; returns the site folder (_docs). Exits with 1 when a notebook fails."
    src, work, proc, out = root/'nbs', root/'_build'/'nbs', root/'_proc', root/'_docs'
    stamp = source_stamp()
    shutil.rmtree(root/'_build', ignore_errors=True); shutil.rmtree(proc, ignore_errors=True)
    shutil.copytree(src, work)
    t0 = time.perf_counter()
    reports = root/'_build'/'reports'                      # files the notebooks make for the site (the monitoring report)
    os.environ['CLOUD_ANOMALY_REPORTS'] = str(reports)
    failed = run_notebooks(work, set(flags), workers)
    if failed:
        print('\n\n'.join(failed), file=sys.stderr)
        sys.exit(f"{len(failed)} notebook(s) failed")
    t1 = time.perf_counter(); print(f"notebooks ran in {t1 - t0:.0f} s", flush=True)
    from nbdev.serve import proc_nbs
    proc_nbs(path=str(work))                               # the rest: the workers processed each notebook after running it
    t2 = time.perf_counter(); print(f"processed by nbdev in {t2 - t1:.0f} s", flush=True)
    for p in (proc/'data').rglob('*.md'): p.unlink()        # the data files' READMEs and licences are not pages of the site
    shutil.rmtree(out, ignore_errors=True)
    if shutil.which('quarto') and not force_smalldocs:
        subprocess.run(['quarto', 'render', str(proc), '-o', str(out)], check=True)
    else:
        subprocess.run(['smalldocs', 'render', '--quiet', str(proc)], check=True)
        shutil.move(str(proc/'_docs'), str(out))
    if reports.is_dir(): shutil.copytree(reports, out/'reports')
    (out/'.source-stamp').write_text(stamp)
    return out

if __name__ == '__main__':
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('--smalldocs', action='store_true', help='render with smalldocs even where Quarto is installed')
    ap.add_argument('--flags', default='', help='space-separated test flags whose cells run too (e.g. slow)')
    ap.add_argument('--execute', help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.execute: execute(Path(a.execute).resolve(), set(a.flags.split())); sys.exit()
    t0 = time.perf_counter()
    site = build(a.smalldocs, set(a.flags.split()))
    pages = sorted(p.relative_to(site) for p in site.rglob('*.html'))
    print(f"all notebooks ran; built {len(pages)} pages in {site} ({time.perf_counter() - t0:.0f} s)")
