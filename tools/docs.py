"""Build the docs website from the notebooks: `python tools/docs.py` writes it to _docs/.

Every page shows what its cells print and draw *now*: the notebooks are copied to _build/nbs and executed there
(cells marked `#| eval: false` are skipped, as in nbdev_test), so each number and figure on the site comes from a
run of the same cells the tests run. Then nbdev processes them (show_doc, directives, hidden cells: nbdev_proc_nbs)
and the site is rendered from the same _quarto.yml: by Quarto where it is installed (users' machines, GitHub
Actions), otherwise by the pure-Python `smalldocs` package.

    python tools/docs.py               # execute, process, render with whatever is available
    python tools/docs.py --smalldocs   # force the pure-Python renderer
"""
import os, re, shutil, subprocess, sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

root = Path(__file__).resolve().parent.parent
SLOW = {'09_evaluation', '03b_portfolio', '06_pipeline', '06b_spark', '06d_monitor', '07_cli'}
SKIP = re.compile(r'^#\|\s*eval:\s*false|nbdev_export\(', re.M)

def execute(path: Path) -> str:
    "Run every cell of the notebook at `path` (but `#| eval: false` ones) in its folder and save the outputs in it."
    from execnb.nbio import read_nb, write_nb
    from execnb.shell import CaptureShell
    os.environ['IN_TEST'] = '1'
    os.chdir(path.parent)
    nb = read_nb(path)
    CaptureShell(path).run_all(nb, exc_stop=True, preproc=lambda c: c.cell_type != 'code' or bool(SKIP.search(c.source)))
    write_nb(nb, path)
    return path.name

def build(force_smalldocs: bool=False, workers: int=2) -> Path:
    "Execute, process and render the notebooks; returns the site folder (_docs)."
    src, work, proc, out = root/'nbs', root/'_build'/'nbs', root/'_proc', root/'_docs'
    shutil.rmtree(root/'_build', ignore_errors=True); shutil.rmtree(proc, ignore_errors=True)
    shutil.copytree(src, work)
    run = lambda nb: subprocess.run([sys.executable, __file__, '--execute', str(nb)], check=True, capture_output=True, text=True)
    nbs = sorted(work.glob('*.ipynb'), key=lambda p: (p.stem not in SLOW, p.name))   # the slow ones first: no long tail
    with ThreadPoolExecutor(workers) as ex:   # one process per notebook, as nbdev_test does
        for nb, r in zip(nbs, ex.map(run, nbs)): print('executed', nb.name, flush=True)
    from nbdev.serve import proc_nbs
    proc_nbs(path=str(work), force=True)
    shutil.rmtree(out, ignore_errors=True)
    if shutil.which('quarto') and not force_smalldocs:
        subprocess.run(['quarto', 'render', str(proc), '-o', str(out)], check=True)
    else:
        subprocess.run(['smalldocs', 'render', '--quiet', str(proc)], check=True)
        shutil.move(str(proc/'_docs'), str(out))
    return out

if __name__ == '__main__':
    if sys.argv[1:2] == ['--execute']: execute(Path(sys.argv[2]).resolve()); sys.exit()
    site = build('--smalldocs' in sys.argv)
    pages = sorted(p.relative_to(site) for p in site.rglob('*.html'))
    print(f"built {len(pages)} pages in {site}: {', '.join(map(str, pages))}")
