"""Write README.md from nbs/index.ipynb (nbdev_readme needs Quarto, which not every machine has).

    python tools/make_readme.py          # write README.md
    python tools/make_readme.py --check  # exit 1 when README.md is out of date
"""
import json, re, sys
from pathlib import Path

root = Path(__file__).resolve().parent.parent

def render(nb_path: Path) -> str:
    "Markdown cells as they are, code cells as Python blocks; hidden cells and `#|` directives left out."
    out = []
    for c in json.loads(nb_path.read_text(encoding='utf-8'))['cells']:
        src = ''.join(c['source'])
        if c['cell_type'] == 'markdown':
            out.append(re.sub(r'\]\((images/|\w+\.ipynb)', r'](nbs/\1', src))
        elif c['cell_type'] == 'code':
            lines = src.splitlines()
            if any(re.match(r'#\|\s*(hide|exporti?\b|eval:\s*false)', l) for l in lines): continue
            code = '\n'.join(l for l in lines if not l.startswith('#|')).strip()
            if code: out.append(f"```python\n{code}\n```")
    return '<!-- generated from nbs/index.ipynb by tools/make_readme.py: edit the notebook -->\n\n' + '\n\n'.join(out) + '\n'

if __name__ == '__main__':
    text, readme = render(root / 'nbs' / 'index.ipynb'), root / 'README.md'
    if '--check' in sys.argv:
        if not readme.exists() or readme.read_text(encoding='utf-8') != text:
            sys.exit("README.md is out of date: run python tools/make_readme.py")
    else: readme.write_text(text, encoding='utf-8')
