"""The docs site without quarto: nbdev's own notebook processing, then nbconvert.

`nbdev-docs` = refresh `_quarto.yml`, build the module index, the sidebar, process the notebooks into `_proc/`
(`nbdev.serve.proc_nbs`: directives, `#| hide` cells dropped, `show_doc` cells executed), then `quarto render`.
This script runs the same steps up to `_proc/` through nbdev's Python API (the CLI commands call
`_ensure_quarto()`, which tries to download quarto), and hands the processed notebooks to nbconvert
instead of quarto: `HTMLExporter` with the template in tools/docs_template (JupyterLab's `lab` template plus a
navigation block) writes `_docs/*.html`, and `MarkdownExporter` writes README.md from the processed index
notebook. What is left here is only the glue quarto does for nbdev's processed notebooks: the YAML front
matter becomes the page title, the remaining quarto cell options (`#| echo: false`, `#| output: false`,
`#| include: false`) are applied, links to notebooks point at their pages.

Run by tools/docs.sh when `quarto` is not on PATH:  .venv/bin/python tools/docs_nbconvert.py
(`--reuse-proc` skips nbdev's processing and renders the notebooks already in `_proc/`: for restyling.)
"""
import copy, os, re, shutil, sys
from pathlib import Path

import nbformat, yaml
from nbdev.config import nbpath2html

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE_DIR = Path(__file__).resolve().parent/'docs_template'
CELL_KEYS = dict(code={'cell_type', 'id', 'metadata', 'source', 'outputs', 'execution_count'},
                 markdown={'cell_type', 'id', 'metadata', 'source', 'attachments'},
                 raw={'cell_type', 'id', 'metadata', 'source', 'attachments'})
SKIP_COPY = {'_quarto.yml', 'nbdev.yml', 'sidebar.yml', '_brand.yml'}


def say(*a): print('[docs]', *a, flush=True)


def process_notebooks(n_workers=None):
    "nbdev's preprocessing of `nbdev-docs`, without its quarto check: returns (config, _proc folder)"
    os.chdir(ROOT)
    from nbdev.config import get_config
    from nbdev.quarto import refresh_quarto_yml, nbdev_sidebar
    import nbdev.doclinks
    from nbdev.serve import proc_nbs
    cfg = get_config()
    refresh_quarto_yml()
    nbdev.doclinks._build_modidx()
    nbdev_sidebar.__wrapped__(path=cfg.nbs_path)
    if n_workers is None: n_workers = min(4, os.cpu_count() or 1)
    return cfg, Path(proc_nbs(cfg.nbs_path, n_workers=n_workers))


_re_qopt = re.compile(r'^#\|\s*([\w-]+)\s*:\s*(.*?)\s*$')

def split_options(src):
    "Quarto cell options (`#| key: value` lines) opening `src`, and the rest of the source"
    lines, opts = src.splitlines(), {}
    while lines and (m := _re_qopt.match(lines[0])):
        opts[m[1]] = m[2].strip('\'"')
        lines.pop(0)
    return opts, '\n'.join(lines)


def front_matter(nb):
    "Pop the YAML front matter cell nbdev's `FrontmatterProc` puts first; return it as a dict"
    for i, c in enumerate(nb.cells):
        if c.cell_type == 'raw' and c.source.lstrip().startswith('---'):
            m = re.match(r'\s*---\s*\n(.*?)\n---', c.source, flags=re.DOTALL)
            if m:
                nb.cells.pop(i)
                return yaml.safe_load(m[1]) or {}
    return {}


_re_attr_link = re.compile(r'^[ \t]*\[([^\]\n]+)\]\(([^)\s]+)\)\{([^}\n]*)\}[ \t]*$', flags=re.MULTILINE)
_re_md_link = re.compile(r'(\]\()([^)\s]+)(\))')

def _attr_links(md):
    "Pandoc's `[text](url){attrs}` on a line of its own (show_doc's source link) as an HTML block"
    def f(m):
        attrs = ''.join(f' {k}="{v}"' for k, v in re.findall(r'([\w-]+)="([^"]*)"', m[3]) if k != 'style')
        return f'<div class="source-link"><a href="{m[2]}"{attrs}>{m[1]}</a></div>'
    return _re_attr_link.sub(f, md)


def apply_options(nb, fix_md):
    "What quarto does with the options nbdev leaves in processed cells; `fix_md(text)` rewrites markdown"
    cells = []
    for c in nb.cells:
        if c.cell_type == 'code':
            opts, c.source = split_options(c.source)
            if opts.get('include') == 'false': continue
            if opts.get('echo') == 'false' or not c.source.strip():
                c.metadata.setdefault('transient', {})['remove_source'] = True
            if opts.get('output') == 'false': c.outputs = []
            if not c.source.strip() and not c.outputs: continue
            for o in c.outputs:
                if 'text/markdown' in o.get('data', {}):
                    md = o.data['text/markdown']
                    o.data['text/markdown'] = fix_md(''.join(md) if isinstance(md, list) else md)
        elif c.cell_type == 'markdown':
            c.source = fix_md(c.source)
        cells.append(c)
    nb.cells = cells
    return nb


def link_fixer(pages, base):
    "Links to notebooks (`00_data.ipynb`) go to their pages; with `base`, relative page links are made absolute"
    def fix_url(url):
        path, sep, frag = url.partition('#')
        name = Path(path).name
        if '://' not in path and name.endswith('.ipynb'):
            path = str(Path(path).with_name(pages.get(name) or nbpath2html(Path(name)).name))
        if base and '://' not in path and path.endswith('.html') and not path.startswith('/'): path = base + path
        return path + sep + frag
    return lambda md: _re_md_link.sub(lambda m: m[1] + fix_url(m[2]) + m[3], md)


_re_heading_id = re.compile(r'(<h[1-6][^>]*\sid=")([^"]+)(")')
_re_local_frag = re.compile(r'(href="(?![a-z]+://)[^"#]*#)([^"]+)(")')

def lower_ids(html):
    "Heading ids and local link fragments in lower case, as quarto writes them, so nbdev's links (`#basicoptim`) resolve"
    html = _re_heading_id.sub(lambda m: m[1] + m[2].lower() + m[3], html)
    return _re_local_frag.sub(lambda m: m[1] + m[2].lower() + m[3], html)


def load_pages(proc):
    "Processed notebooks in `proc`, index first, then by file name: [(path, nb, front matter)]"
    paths = sorted(proc.glob('*.ipynb'), key=lambda p: ('' if p.stem == 'index' else '1' + p.name))
    res = []
    for p in paths:
        nb = nbformat.read(p, as_version=4)
        for c in nb.cells:  # nbdev's processors leave their own marks (e.g. `has_sd`) that nbformat's schema refuses
            for k in set(c) - CELL_KEYS[c.cell_type]: del c[k]
            c.metadata.pop('execution', None)  # the runner's timings, which the schema wants as strings
        fm = front_matter(nb)
        lang = nb.metadata.get('kernelspec', {}).get('language', 'python')
        nb.metadata.setdefault('language_info', {'name': lang})  # nbdev-clean drops it; code blocks want their language
        fm.setdefault('title', p.stem)
        fm.setdefault('output-file', p.with_suffix('.html').name)
        res.append((p, nb, fm))
    return res


def build_site(cfg, proc, pages):
    "Render every processed notebook to `_docs/` with the navigation template"
    from nbconvert import HTMLExporter
    doc_path = Path(cfg.doc_path)
    site_title = cfg.get('title', cfg.lib_name)
    nav = [dict(href=fm['output-file'], title=fm['title']) for _, _, fm in pages]
    page_names = {p.name: fm['output-file'] for p, _, fm in pages}
    fix_md = link_fixer(page_names, '')
    doc_url = str(cfg.get('doc_url', '') or '')
    local = (lambda s: s.replace(doc_url, '')) if doc_url else (lambda s: s)  # nbdev's API links -> this site
    shutil.rmtree(doc_path, ignore_errors=True)
    doc_path.mkdir(parents=True)
    # everything else proc_nbs copied (pictures, styles.css, data files) goes next to the pages
    for f in proc.rglob('*'):
        rel = f.relative_to(proc)
        if f.is_file() and f.suffix != '.ipynb' and f.name not in SKIP_COPY and not any(s.startswith('.') for s in rel.parts):
            (doc_path/rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(f, doc_path/rel)
    exporter = HTMLExporter(template_name='docs_template', extra_template_basedirs=[str(TEMPLATE_DIR.parent)],
                            exclude_input_prompt=True, exclude_output_prompt=True, embed_images=True)
    css = (TEMPLATE_DIR/'site.css').read_text()
    for p, nb, fm in pages:
        nb = apply_options(nb, lambda s: _attr_links(fix_md(local(s))))
        nb.metadata['title'] = fm['title'] if fm['title'] == site_title else f"{fm['title']} – {site_title}"
        res = dict(metadata=dict(name=p.stem, path=str(proc)), site_css=css, site_title=site_title,
                   page_title=fm['title'], page_description=fm.get('description', ''),
                   site_nav=[dict(n, current=n['href'] == fm['output-file']) for n in nav],
                   renderer='nbconvert (quarto is not installed)')
        html, _ = exporter.from_notebook_node(nb, resources=res)
        (doc_path/fm['output-file']).write_text(lower_ids(html), encoding='utf-8')
        say(f"  {p.name:28} -> {doc_path.name}/{fm['output-file']}")
    (doc_path/'.nojekyll').touch()
    return doc_path


def build_readme(cfg, pages):
    "README.md from the processed index notebook with nbconvert's MarkdownExporter"
    from nbconvert import MarkdownExporter
    idx = [(p, nb, fm) for p, nb, fm in pages if p.name == cfg.readme_nb]
    if not idx: return say(f"no {cfg.readme_nb} in {cfg.nbs_path}: README.md not written")
    p, nb, fm = idx[0]
    nb = copy.deepcopy(nb)
    doc_url = str(cfg.get('doc_url', '') or '')
    # the README is read on GitHub and PyPI: relative doc links go to the hosted site, as nbdev's readme_filter does
    page_names = {q.name: fm2['output-file'] for q, _, fm2 in pages}
    nb = apply_options(nb, lambda s: _attr_links(link_fixer(page_names, doc_url)(s)))
    head = f"# {fm['title']}\n\n" + (f"> {fm['description']}\n" if fm.get('description') else '')
    nb.cells.insert(0, nbformat.v4.new_markdown_cell(head))
    files_dir = Path(cfg.readme_nb).stem + '_files'
    body, res = MarkdownExporter().from_notebook_node(nb, resources=dict(output_files_dir=files_dir))
    readme = Path(cfg.config_path)/'README.md'
    shutil.rmtree(readme.parent/files_dir, ignore_errors=True)
    for name, data in (res.get('outputs') or {}).items():
        (readme.parent/name).parent.mkdir(parents=True, exist_ok=True)
        (readme.parent/name).write_bytes(data)
    readme.write_text(body.strip() + '\n', encoding='utf-8')
    n = len(res.get('outputs') or {})
    say(f"README.md written from {cfg.nbs_path.name}/{cfg.readme_nb} by nbconvert's MarkdownExporter"
        + (f", {n} output image(s) in {files_dir}/" if n else ', no output images'))


def main():
    if '--reuse-proc' in sys.argv[1:]:  # restyling only: render the notebooks processed by the last run again
        os.chdir(ROOT)
        from nbdev.config import get_config
        cfg, proc = get_config(), ROOT/'_proc'
        say(f"reusing the processed notebooks in {proc.relative_to(ROOT)}/")
    else:
        cfg, proc = process_notebooks()
        say(f"nbdev processed the notebooks into {proc.relative_to(ROOT)}/ (nbdev.serve.proc_nbs)")
    pages = load_pages(proc)
    if not pages: sys.exit(f"[docs] no notebooks in {proc}")
    build_readme(cfg, copy.deepcopy(pages))
    doc_path = build_site(cfg, proc, pages)
    say(f"{len(pages)} pages written to {doc_path.relative_to(ROOT)}/ by nbconvert (HTMLExporter, template tools/docs_template)")


if __name__ == '__main__': main()
