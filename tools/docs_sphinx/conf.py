# Sphinx settings of the docs site (tools/docs_sphinx.py copies this folder next to the cleaned notebooks).
# Jupyter Book 1's stack: myst-nb reads the notebooks (never executing them), sphinx-book-theme lays the pages out.
import os

project = 'mnist_nb'
html_title = 'mnist_nb'
author = 'mnist_nb contributors'
copyright = '2026, mnist_nb contributors'
repo = 'https://github.com/mnist-nb/mnist_nb'

extensions = ['myst_nb', 'sphinx_copybutton']
root_doc = 'index'
exclude_patterns = ['.build', '_extra', '**.ipynb_checkpoints']

# myst-nb: render the saved outputs; Markdown outputs (show_doc, tables) as MyST, which has tables
nb_execution_mode = 'off'
nb_render_markdown_format = 'myst'
nb_merge_streams = True
nb_output_stderr = 'show'
myst_enable_extensions = ['attrs_block', 'attrs_inline', 'colon_fence', 'dollarmath', 'html_image']
myst_all_links_external = True   # links are already pages (`linear.html#x`) or web addresses; API links are roles
myst_heading_anchors = 3

# the API entries: `mnist_loss(...)`, not `mnist_nb.linear.mnist_loss(...)`
add_module_names = False
python_display_short_literal_types = True

html_theme = 'sphinx_book_theme'
html_theme_options = dict(
    repository_url=repo, repository_branch='main', path_to_docs='nbs',
    use_repository_button=True, use_issues_button=True, use_download_button=False,
    use_fullscreen_button=False, home_page_in_toc=True, show_toc_level=2,
    show_navbar_depth=1, navigation_with_keys=False,
    extra_footer=('Every page is a notebook of <a href="https://github.com/mnist-nb/mnist_nb">mnist_nb</a>, '
                  'rendered with its saved outputs.'),
)
html_context = {'default_mode': 'auto'}  # light or dark as the reader's system is; the toggle switches
html_static_path = ['_static']
html_css_files = ['mnist_nb.css']
html_js_files = ['mnist_nb.js']
html_extra_path = ['_extra']   # draw/: the drawing page's script, styles and weights, next to the pages
html_copy_source = False
html_show_sourcelink = False
html_baseurl = os.environ.get('MNIST_NB_DOC_URL', '')
copybutton_exclude = '.linenos, .gp, .go'
suppress_warnings = ['mystnb.unknown_mime_type', 'myst.header']
