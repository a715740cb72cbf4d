"""The docs site without quarto: nbdev's processed notebooks, rendered by Sphinx (myst-nb, sphinx-book-theme).

    .venv/bin/python tools/docs_sphinx.py     # tools/docs.sh runs this when quarto is not on PATH

1. `nbdev.serve.proc_nbs` (nbdev's public API, the very step `nbdev-docs` runs before quarto) writes the
   processed notebooks to `_proc/`: `#| hide` cells gone, `show_doc` cells run, API names linked.
2. `feed` turns each into a notebook Sphinx can read, in `_sphinx/` (named after its page, as quarto names it:
   `03_linear.ipynb` -> `linear.ipynb` -> `linear.html`, so nbdev's links keep working):
   - the cell keys nbdev adds and nbformat's schema refuses (`has_sd`, ...) are removed;
   - the YAML front matter becomes the title and a subtitle written in Markdown (no raw backticks);
   - quarto's cell options become myst-nb's tags (`echo: false` -> `remove-input`, `output: false` ->
     `remove-output`, `include: false` drops the cell);
   - each `show_doc` output becomes a Sphinx Python-domain entry (`py:function`, `py:class`, `py:method`),
     so search lists it as an API entry; nbdev's links to `https://<doc host>/page.html#name` become
     cross-references (Sphinx styles them as links), other notebook links point at the pages;
   - epoch tables longer than 12 rows show their first and last epochs (the full table is one click away);
   - the home page gets the table of contents (the sidebar, in notebook order) and the links out.
   Notebooks are not executed: every page shows the outputs saved in the notebook.
3. `sphinx-build` writes the site to `_docs/` with the settings in tools/docs_sphinx/conf.py.
4. README.md is written from the processed `index.ipynb` as GitHub-flavoured Markdown (`readme`).
"""
import copy, functools, html, importlib, json, os, re, shutil, subprocess, sys, time
from pathlib import Path

import nbformat, yaml

ROOT = Path(__file__).resolve().parent.parent
CONF_DIR = Path(__file__).resolve().parent/'docs_sphinx'
SRC = ROOT/'_sphinx'  # Sphinx's source folder (git-ignored, rebuilt every time)
CELL_KEYS = dict(code={'cell_type', 'id', 'metadata', 'source', 'outputs', 'execution_count'},
                 markdown={'cell_type', 'id', 'metadata', 'source', 'attachments'},
                 raw={'cell_type', 'id', 'metadata', 'source', 'attachments'})
LINKS_OUT = [('Repository on GitHub', 'https://github.com/mnist-nb/mnist_nb'),
             ('Report an issue', 'https://github.com/mnist-nb/mnist_nb/issues'),
             ('fastbook chapter 4: MNIST basics', 'https://github.com/fastai/fastbook/blob/master/04_mnist_basics.ipynb'),
             ('Course lesson 3', 'https://course.fast.ai/Lessons/lesson3.html')]
MAX_EPOCH_ROWS = 12


def say(*a): print('[docs]', *a, flush=True)


def clean_cell(c):
    "Remove what nbformat's schema refuses: nbdev's marks (`has_sd`) and the runner's timings"
    for k in set(c) - CELL_KEYS[c['cell_type']]: del c[k]
    c['metadata'].pop('execution', None)
    return c


def front_matter(nb):
    "Pop the YAML front matter cell nbdev puts first; return it as a dict"
    for i, c in enumerate(nb.cells):
        m = re.match(r'\s*---\s*\n(.*?)\n---', c.source, flags=re.DOTALL) if c.cell_type == 'raw' else None
        if m:
            nb.cells.pop(i)
            return yaml.safe_load(m[1]) or {}
    return {}


_re_opt = re.compile(r'^#\|\s*([\w-]+)\s*(?::\s*(.*?))?\s*$')

def split_options(src):
    "Quarto cell options (`#| key: value` lines) opening `src`, and the rest of the source"
    lines, opts = src.splitlines(), {}
    while lines and (m := _re_opt.match(lines[0])):
        opts[m[1]] = (m[2] or 'true').strip('\'"')
        lines.pop(0)
    return opts, '\n'.join(lines)


class Links:
    "Rewrites nbdev's links: API links to Sphinx cross-references, notebook and page links to this site's pages"
    def __init__(self, doc_url, pages):
        from mnist_nb._modidx import d
        self.doc_url, self.pages = doc_url.rstrip('/') + '/', pages  # pages: notebook name -> page name
        self.objs = {}  # 'linear.html#mnist_loss' -> 'mnist_nb.linear.mnist_loss'
        for mod, syms in d['syms'].items():
            for full, (url, _) in syms.items(): self.objs[url.lower()] = full

    _re_link = re.compile(r'\[(`[^`\]]+`)\]\(([^)\s]+)\)')
    _re_any = re.compile(r'(\]\()([^)\s]+)(\))')

    def api(self, md, page=None):
        "``[`name`](https://host/page.html#name)`` -> ``{py:obj}`name <mnist_nb.mod.name>` ``, this page's name first"
        def f(m):
            url = m[2][len(self.doc_url):] if m[2].startswith(self.doc_url) else m[2]
            frag = url.partition('#')[2].lower()
            full = self.objs.get(f'{page}#{frag}') or self.objs.get(url.lower())
            return f'{{py:obj}}`{m[1][1:-1]} <{full}>`' if full else m[0]
        return self._re_link.sub(f, md)

    def page(self, url, absolute=False):
        "A link to a notebook (`03_linear.ipynb#x`) or to a page of the doc host, as a link to this site's page"
        path, sep, frag = url.partition('#')
        if path.startswith(self.doc_url): path = path[len(self.doc_url):]
        if '://' in path or path.startswith(('mailto:', '/')): return url
        name = Path(path).name
        if name in self.pages: path = str(Path(path).with_name(self.pages[name]))
        if absolute and path.endswith('.html'): path = self.doc_url + path
        return path + sep + frag

    def __call__(self, md, absolute=False, page=None):
        if not absolute: md = self.api(md, page)
        return self._re_any.sub(lambda m: m[1] + self.page(m[2], absolute) + m[3], md)


_re_sd = re.compile(r'^\s*(?:---\s*)?\[source\]\((?P<src>[^)]+)\)(?:\{[^}]*\})?\s*\n+#{2,6}\s+(?P<name>[\w.]+)\s*\n+'
                    r'```python\n(?P<sig>.*?)\n```\s*\n?(?P<rest>.*)$', re.DOTALL)

def _kind(module, name):
    "py domain directive for `name` in `module`: function, class, or method"
    if '.' in name: return 'method'
    try: obj = getattr(importlib.import_module(module), name)
    except Exception: return 'function'
    return 'class' if isinstance(obj, type) else 'function'


_re_param = re.compile(r'^\s*(?:(?P<ret>\)\s*->\s*)?([*\w]+)(?:\s*:\s*([^=#]+?))?(?:\s*=\s*([^#]+?))?)?\s*,?\s*:?\s*#\s+(.*)$')

def _param_row(r) -> str:
    "A Markdown table row for one docments line matched by `_re_param`"
    code = lambda t: f'`{t.strip()}`' if t and t.strip() else ''
    if r['ret']: return f"| **returns** | {code(r[2])} | | {r[5]} |\n"
    return f"| `{r[2]}` | {code(r[3])} | {code(r[4])} | {r[5].replace('|', chr(92) + '|')} |\n"


def show_doc_md(md, links, page, seen):
    "nbdev's `show_doc` Markdown as a Sphinx Python-domain entry (None if it does not look like one)"
    m = _re_sd.match(md)
    if not m: return None
    rows = [r for l in m['sig'].splitlines() if (r := _re_param.match(l))]  # docments: `name:type=default, # what it is`
    sig = ' '.join(re.sub(r'\s+#\s.*$', '', l).strip() for l in m['sig'].splitlines())  # ... shown in a table instead
    sig = re.sub(r'^(?:async\s+)?(?:def|class)\s+', '', sig).rstrip(':').replace('( ', '(').replace(' )', ')')
    name = m['name']
    if not sig.startswith(name.rsplit('.', 1)[-1]): return None
    mod = re.search(r'/blob/[^/]+/(.+?)\.py', m['src'])
    module = mod[1].replace('/', '.') if mod else None
    here = links.objs.get(f'{page}#{name.lower()}')  # a name of this page's own module wins (nbdev may link elsewhere)
    src = m['src']
    if here and here != f'{module}.{name}':
        module = here[:-len(name) - 1]
        src = f"{src.split('/blob/')[0]}/blob/{src.split('/blob/')[1].split('/')[0]}/{module.replace('.', '/')}.py"
    sig = name.rsplit('.', 1)[0] + '.' + sig if '.' in name else sig
    kind = _kind(module, name) if module else 'function'
    full = f'{module}.{name}' if module else name
    opts = (f':module: {module}\n' if module else '') + (':no-index:\n' if full in seen else '')
    seen.add(full)
    anchor = name.lower()
    pre = f'<a id="{anchor}"></a>\n\n' if anchor != full else ''  # nbdev's links (`#basicoptim`) keep working
    body = m['rest'].strip()
    if rows: body += '\n\n| | type | default | details |\n|---|---|---|---|\n' + ''.join(map(_param_row, rows))
    return f"{pre}::::{{py:{kind}}} {sig}\n{opts}\n{body}\n\n[source]({src})\n::::\n"


def epoch_table(h):
    "An HTML table with more than MAX_EPOCH_ROWS rows and an 'epoch' column: first and last rows, the rest folded"
    if 'epoch' not in h or h.count('<tr') - 1 <= MAX_EPOCH_ROWS: return None
    m = re.search(r'(<tbody>\s*)(.*?)(\s*</tbody>)', h, flags=re.DOTALL)
    if not m: return None
    rows = re.findall(r'<tr.*?</tr>', m[2], flags=re.DOTALL)
    if len(rows) <= MAX_EPOCH_ROWS: return None
    ncol = rows[0].count('<td') + rows[0].count('<th')
    gap = (f'<tr class="epochs-folded"><td colspan="{ncol}">⋯ {len(rows) - 6} more epochs '
           f'(the full table is below) ⋯</td></tr>')
    short = h[:m.start(2)] + '\n'.join(rows[:3] + [gap] + rows[-3:]) + h[m.end(2):]
    return (f'<div class="epoch-table">{short}<details><summary>all {len(rows)} epochs</summary>{h}</details></div>')


def feed_cells(nb, links, page, seen):
    "Quarto's cell options as myst-nb tags, show_doc outputs as API entries, links rewritten"
    cells, fix = [], functools.partial(links, page=page)
    for c in nb.cells:
        clean_cell(c)
        if c.cell_type == 'markdown':
            c.source = fix(c.source)
            if c.source.strip().startswith('<!-- WARNING: THIS FILE WAS AUTOGENERATED'): continue
        elif c.cell_type == 'code':
            opts, c.source = split_options(c.source)
            if opts.get('include') == 'false': continue
            tags = c.metadata.setdefault('tags', [])
            if opts.get('echo') == 'false' or not c.source.strip(): tags.append('remove-input')
            if opts.get('output') == 'false': c.outputs = []
            mds = [o for o in c.outputs if 'text/markdown' in o.get('data', {})]
            if opts.get('output') == 'asis' and mds and len(mds) == len(c.outputs):
                # `output: asis`: the Markdown is part of the page (quarto does the same)
                texts = [''.join(o['data']['text/markdown']) for o in mds]
                texts = [show_doc_md(t, links, page, seen) or t for t in texts]
                cells.append(nbformat.v4.new_markdown_cell(fix('\n\n'.join(texts)), id=c.get('id')))
                continue
            for o in c.outputs:
                d = o.get('data', {})
                if 'text/markdown' in d: d['text/markdown'] = fix(''.join(d['text/markdown']))
                if 'text/html' in d and (short := epoch_table(''.join(d['text/html']))): d['text/html'] = short
            if not c.source.strip() and not c.outputs: continue
        cells.append(c)
    nb.cells = cells
    return nb


def head_cell(fm):
    "The page's title, and its description as a Markdown subtitle"
    desc = ' '.join(str(fm.get('description', '')).split())
    return nbformat.v4.new_markdown_cell(f"# {fm['title']}\n" + (f"\n{{.description}}\n{desc}\n" if desc else ''))


def home_toc(pages):
    "The site's table of contents (the sidebar), in notebook order, and the links out"
    toc = '\n'.join(Path(p).stem for p in pages[1:])
    out = '\n'.join(f'{t} <{u}>' for t, u in LINKS_OUT)
    return nbformat.v4.new_markdown_cell(f"```{{toctree}}\n:hidden:\n:caption: The chapter\n\n{toc}\n```\n\n"
                                         f"```{{toctree}}\n:hidden:\n:caption: Elsewhere\n\n{out}\n```\n")


def process_notebooks():
    "nbdev's processing for the docs (`nbdev.serve.proc_nbs`): returns (config, _proc folder)"
    os.chdir(ROOT)
    from nbdev.config import get_config
    from nbdev.serve import proc_nbs
    cfg = get_config()
    return cfg, Path(proc_nbs(cfg.nbs_path, n_workers=min(2, os.cpu_count() or 1)))


def load(proc):
    "Processed notebooks, the home page first, then in file order: [(path, notebook, front matter)]"
    paths = sorted(proc.glob('*.ipynb'), key=lambda p: ('' if p.stem == 'index' else '1' + p.name))
    res = []
    for p in paths:
        nb = nbformat.read(p, as_version=4)
        for c in nb.cells: clean_cell(c)
        fm = front_matter(nb)
        fm.setdefault('title', p.stem)
        fm.setdefault('output-file', p.with_suffix('.html').name)
        res.append((p, nb, fm))
    return res


def feed(cfg, pages):
    "Write the Sphinx source folder: one cleaned notebook per page, conf.py's folder, static files"
    shutil.rmtree(SRC, ignore_errors=True)
    SRC.mkdir()
    names = {p.name: fm['output-file'] for p, _, fm in pages}
    links = Links(str(cfg.doc_host).rstrip('/') + str(cfg.doc_baseurl).rstrip('/'), names)
    order, seen = [], set()
    for p, nb, fm in pages:
        nb = feed_cells(nb, links, fm['output-file'], seen)
        nb.cells.insert(0, head_cell(fm))
        if p.stem == 'index': nb.cells.insert(1, home_toc([fm2['output-file'] for _, _, fm2 in pages]))
        lang = nb.metadata.get('kernelspec', {}).get('language', 'python')
        nb.metadata.setdefault('language_info', {'name': lang})
        nb.metadata.pop('jupytext', None)
        dest = SRC/Path(fm['output-file']).with_suffix('.ipynb').name
        nbformat.validate(nb)
        nbformat.write(nb, dest)
        order.append(dest.name)
    for f in CONF_DIR.iterdir():
        if f.is_dir(): shutil.copytree(f, SRC/f.name)
        elif f.name != '__pycache__': shutil.copy2(f, SRC/f.name)
    draw = Path(cfg.nbs_path)/'draw'  # the drawing page's script, styles and weights, next to the pages
    if draw.is_dir(): shutil.copytree(draw, SRC/'_extra'/'draw')
    else: (SRC/'_extra').mkdir()
    return order


def build(cfg):
    "sphinx-build the source folder into the docs folder"
    out, html = ROOT/cfg.doc_path, SRC/'.build'/'html'  # myst-nb keeps its output files next to html/
    cmd = [sys.executable, '-m', 'sphinx', '-b', 'html', '-q', '-j', str(min(2, os.cpu_count() or 1)),
           '-d', str(SRC/'.build'/'doctrees'), str(SRC), str(html)]
    env = dict(os.environ, MNIST_NB_DOC_URL=str(cfg.doc_host).rstrip('/') + str(cfg.doc_baseurl))
    r = subprocess.run(cmd, env=env, capture_output=True, text=True)
    warnings = [l for l in (r.stderr or '').splitlines() if l.strip()]
    for l in warnings: say('  sphinx:', l)
    if r.returncode: sys.exit(f'[docs] sphinx-build failed ({r.returncode})')
    shutil.rmtree(out, ignore_errors=True)
    shutil.move(html, out)
    (out/'.nojekyll').touch()
    return out, warnings


# -------- README.md ------------------------------------------------------------------------------------------
def html_tables_md(h):
    "The tables of an HTML output (fastprogress's epoch table, a DataFrame) as Markdown tables"
    cell = lambda c: html.unescape(re.sub(r'<[^>]+>', '', c)).strip().replace('|', '\\|')
    res = []
    for t in re.findall(r'<table.*?</table>', h, flags=re.DOTALL | re.IGNORECASE):
        rows = [[cell(c) for c in re.findall(r'<t[hd][^>]*>(.*?)</t[hd]>', r, flags=re.DOTALL)]
                for r in re.findall(r'<tr.*?</tr>', t, flags=re.DOTALL)]
        rows = [r for r in rows if r]
        if not rows: continue
        n = max(map(len, rows))
        rows = [r + [''] * (n - len(r)) for r in rows]
        if len(rows) - 1 > MAX_EPOCH_ROWS: rows = rows[:4] + [['⋯'] * n] + rows[-3:]
        res.append('\n'.join(['| ' + ' | '.join(rows[0]) + ' |', '|' + '---|' * n] + ['| ' + ' | '.join(r) + ' |' for r in rows[1:]]))
    return '\n\n'.join(res) or None


def md_output(o):
    "GitHub Markdown for one output: stream text and Markdown kept, HTML tables as Markdown, other HTML dropped"
    if o.output_type == 'stream': return f"```\n{''.join(o.text).rstrip()}\n```" if o.name == 'stdout' else None
    d = o.get('data', {})
    if 'text/html' in d: return html_tables_md(''.join(d['text/html']))  # progress bars and their <style> go
    if 'text/markdown' in d: return ''.join(d['text/markdown']).strip()
    if o.output_type == 'execute_result' and 'text/plain' in d: return f"```\n{''.join(d['text/plain']).rstrip()}\n```"
    return None


def readme(cfg, page, links):
    "README.md from the processed home page: GitHub-flavoured Markdown, links to the hosted pages"
    p, nb, fm = page
    parts = [f"# {fm['title']}"]
    if fm.get('description'): parts.append('> ' + ' '.join(str(fm['description']).split()))
    for c in nb.cells:
        if c.cell_type == 'markdown':
            if c.source.strip().startswith('<!--'): continue
            parts.append(links(c.source, absolute=True).strip())
        elif c.cell_type == 'code':
            opts, src = split_options(c.source)
            if opts.get('include') == 'false': continue
            if opts.get('echo') != 'false' and src.strip(): parts.append(f"```python\n{src.strip()}\n```")
            if opts.get('output') == 'false': continue
            parts += [links(t, absolute=True) for t in map(md_output, c.outputs) if t]
    text = '\n\n'.join(parts).strip() + '\n'
    (Path(cfg.config_path)/'README.md').write_text(text, encoding='utf-8')
    say(f'README.md written from {p.name}: {len(text.splitlines())} lines of GitHub Markdown')


def main():
    t0 = time.time()
    if '--reuse-proc' in sys.argv[1:]:  # restyling only: the notebooks nbdev processed last time
        os.chdir(ROOT)
        from nbdev.config import get_config
        cfg, proc = get_config(), ROOT/'_proc'
    else:
        cfg, proc = process_notebooks()
        say(f'nbdev processed the notebooks into {proc.relative_to(ROOT)}/ (nbdev.serve.proc_nbs) in {time.time() - t0:.0f} s')
    pages = load(proc)
    if not pages: sys.exit(f'[docs] no notebooks in {proc}')
    names = {p.name: fm['output-file'] for p, _, fm in pages}
    home = [pg for pg in pages if pg[0].name == cfg.readme_nb]
    if home: readme(cfg, copy.deepcopy(home[0]), Links(str(cfg.doc_host).rstrip('/') + str(cfg.doc_baseurl), names))
    order = feed(cfg, pages)
    say(f'{len(order)} notebooks cleaned for Sphinx in {SRC.relative_to(ROOT)}/')
    out, warnings = build(cfg)
    say(f'sphinx-build wrote {len(list(out.glob("*.html")))} pages to {out.relative_to(ROOT)}/ '
        f'with {len(warnings)} warning line(s)')


if __name__ == '__main__': main()
