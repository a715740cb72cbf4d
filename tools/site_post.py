"""quarto's post-render step (nbs/_quarto.yml: `post-render`), run in `_proc/` with the pages it wrote listed in
QUARTO_PROJECT_OUTPUT_FILES, so that the site reads offline and search finds the API. For each HTML page:
  - the <script> tags quarto adds for Jupyter widgets (require.js and jQuery from cdnjs) go: no page has a widget;
  - nbdev's links to the site's own address (`https://<host>/linear.html#mnist_loss`) become in-site links;
  - PyTorch's short names in inline code, `nn.Linear` and `F.relu`, link to PyTorch's docs, as nbdev links
    `torch.nn.Linear` (nbdev-pytorch's index knows only the full names).
Then search.json gets one entry per public name of the library (its `_modidx.py`) that has a section on its page:
quarto indexes level-2 sections only, and nbdev's `show_doc` entries are level 3.
"""
import ast, html, json, os, re, sys
from html.parser import HTMLParser
from pathlib import Path
from nbdev.doclinks import NbdevLookup

ROOT = Path(__file__).resolve().parent.parent

WIDGET_TAGS = re.compile(
    r'<script src="https://cdnjs\.cloudflare\.com/ajax/libs/(?:require\.js|jquery)/[^"]+"[^>]*></script>\s*'
    r'|<script type="application/javascript">define\(\'jquery\', \[\],'
    r'function\(\) \{return window\.jQuery;\}\)</script>\s*')


def site_url(project):
    "The site's own address from nbdev.yml's `site-url` (nbdev writes it from pyproject.toml), ending in /"
    f = Path(project)/'nbdev.yml'
    m = re.search(r'^\s*site-url:\s*"?([^"\s]+)"?\s*$', f.read_text(encoding='utf-8'), re.M) if f.exists() else None
    return m[1].rstrip('/') + '/' if m else None


def output_files(project):
    "The HTML pages quarto just wrote (absolute paths)"
    listed = os.environ.get('QUARTO_USE_FILE_FOR_PROJECT_OUTPUT_FILES')
    names = Path(listed).read_text() if listed else os.environ.get('QUARTO_PROJECT_OUTPUT_FILES', '')
    files = [Path(project)/n for n in names.splitlines() if n.strip()]
    if not files and os.environ.get('QUARTO_PROJECT_OUTPUT_DIR'):
        files = list((Path(project)/os.environ['QUARTO_PROJECT_OUTPUT_DIR']).glob('*.html'))
    return [f for f in files if f.suffix == '.html' and f.is_file()]


TORCH_SHORT = re.compile(r'(?<!">)(?<!<pre>)<code>((?:nn|F)\.\w+)(\(\))?</code>')

def torch_links(html, lookup):
    "`html` with each `nn.X` and `F.x` in inline code, not yet a link, linked to PyTorch's docs of `torch.nn.X`"
    def link(m):
        url = lookup[re.sub(r'^(?:F|nn)\.', lambda p: 'torch.nn.functional.' if p[0] == 'F.' else 'torch.nn.', m[1])]
        return f'<a href="{url if isinstance(url, str) else url[0]}">{m[0]}</a>' if url else m[0]
    return TORCH_SHORT.sub(link, html)


def fix_page(html, own, pages, lookup):
    "`html` without the widget tags, with PyTorch's short names linked, its links to `own` site's `pages` relative"
    html = torch_links(WIDGET_TAGS.sub('', html), lookup)
    if own:
        def rel(m):
            page = m[2].split('#', 1)[0]
            return m[1] + m[2] if page in pages else m[0]
        html = re.sub(r'(href=")' + re.escape(own) + r'([\w.-]+\.html(?:#[^"]*)?)(?=")', rel, html)
    return html


def api_anchors():
    "{page: {anchor: name}} for the library's public names, from its `_modidx.py` (nbdev's index of them)"
    lib = re.search(r'^name\s*=\s*"([^"]+)"', (ROOT/'pyproject.toml').read_text(), re.M)[1]   # [project]'s name
    tree = ast.parse((ROOT/lib/'_modidx.py').read_text(encoding='utf-8'))
    d = next(ast.literal_eval(n.value) for n in tree.body if isinstance(n, ast.Assign) and n.targets[0].id == 'd')
    res = {}
    for syms in d['syms'].values():
        for full, (url, _) in syms.items():
            page, _, anchor = url.partition('#')
            name = full.split('.', 2)[-1]   # `mnist_nb.linear.mnist_loss` -> `mnist_loss`, methods keep their class
            if anchor and not any(p.startswith('_') for p in name.split('.')): res.setdefault(page, {})[anchor] = name
    return res


class SectionText(HTMLParser):
    "The text of the <section>s of a page whose ids are in `ids`"
    def __init__(self, ids):
        super().__init__(); self.ids, self.open, self.text = ids, [], {}
    def handle_starttag(self, tag, attrs):
        if tag != 'section': return
        i = dict(attrs).get('id')
        self.open.append(i if i in self.ids else None)
        if i in self.ids: self.text[i] = []
    def handle_endtag(self, tag):
        if tag == 'section' and self.open: self.open.pop()
    def handle_data(self, data):
        for i in self.open:
            if i: self.text[i].append(data)


def add_api_entries(search_json, pages, anchors):
    "Add an entry to quarto's `search_json` for each API entry that has a section on its page"
    if not search_json.exists(): return 0
    docs = json.loads(search_json.read_text(encoding='utf-8'))
    have = {e['objectID'] for e in docs}
    titles = {e['href'].split('#')[0]: e['title'] for e in docs}
    n = 0
    for page, names in anchors.items():
        f = pages.get(page)
        if not f: continue
        parser = SectionText(set(names)); parser.feed(f.read_text(encoding='utf-8'))
        for anchor, words in parser.text.items():
            href = f'{page}#{anchor}'
            if href in have: continue
            text = ' '.join(''.join(words).split())
            docs.append(dict(objectID=href, href=href, title=titles.get(page, page), section=names[anchor],
                             text=html.escape(text, quote=False), crumbs=[titles.get(page, page)]))
            n += 1
    search_json.write_text(json.dumps(docs, indent=2), encoding='utf-8')
    return n


def main(project='.'):
    files = output_files(project)
    own = site_url(project)
    pages = {f.name for f in files} | {f.name for d in {f.parent for f in files} for f in d.glob('*.html')}
    n, lookup = 0, NbdevLookup()
    for f in files:
        old = f.read_text(encoding='utf-8')
        new = fix_page(old, own, pages, lookup)
        if new != old: f.write_text(new, encoding='utf-8'); n += 1
    out = Path(project)/os.environ.get('QUARTO_PROJECT_OUTPUT_DIR', '.')
    api = add_api_entries(out/'search.json', {f.name: f for f in files}, api_anchors()) if files else 0
    print(f'[site_post] {n} of {len(files)} pages made to read offline (no widget CDN tags, links within the site, '
          f'PyTorch names linked); '
          f'{api} API entries added to the search index')


if __name__ == '__main__': main(sys.argv[1] if len(sys.argv) > 1 else '.')
