-- "Open in Colab" under the title of every numbered notebook's page (00_data.ipynb, 03_linear.ipynb, ...):
-- its notebook in the repository, opened by Google Colab. HTML pages only (not the Markdown copies or README).
-- The link's base comes from `colab-url` in nbs/_quarto.yml.
local function colab_link(meta)
  if not quarto.doc.is_format('html') or quarto.doc.is_format('gfm') then return nil end
  local name = pandoc.path.filename(quarto.doc.input_file or '')
  if not name:match('^%d%d_[%w_]+%.ipynb$') then return nil end
  local base = meta['colab-url'] and pandoc.utils.stringify(meta['colab-url'])
  if not base or base == '' then return nil end
  if base:sub(-1) ~= '/' then base = base .. '/' end
  return pandoc.RawBlock('html',
    '<p class="colab-link"><a href="' .. base .. name .. '" title="Run this notebook in Google Colab">' ..
    '<i class="bi bi-play-circle" aria-hidden="true"></i> Open in Colab</a></p>')
end

function Pandoc(doc)
  local link = colab_link(doc.meta)
  if link then doc.blocks:insert(1, link) end
  return doc
end
