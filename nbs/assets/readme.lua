-- README.md (nbdev-readme renders index.ipynb to GitHub Markdown): what GitHub shows well.
--   - the page's description, as a quote under the title (the gfm template has no place for it);
--   - HTML outputs (fastprogress's epoch tables, DataFrames) as Markdown tables; their <style> blocks dropped,
--     since GitHub shows CSS as text and HTML tables as raw markup in a code block.
-- Only for gfm output: the site keeps its HTML.
if not quarto.doc.is_format('gfm') then return {} end

local function html_blocks(text)
  text = text:gsub('<style.->.-</style>', '')
  if text:match('^%s*$') then return {} end
  if text:match('<table') then
    return pandoc.read(text, 'html').blocks:walk({Div = function(d) return d.content end})
  end
  return nil
end

return {
  {
    RawBlock = function(b) if b.format:match('html') then return html_blocks(b.text) end end,
    CodeBlock = function(b) if b.classes:includes('html') then return html_blocks(b.text) end end,
  },
  {
    Pandoc = function(doc)
      local desc = doc.meta.description
      if desc then doc.blocks:insert(1, pandoc.BlockQuote({pandoc.Para(pandoc.utils.blocks_to_inlines(
        pandoc.read(pandoc.utils.stringify(desc), 'markdown').blocks))})) end
      return doc
    end,
  },
}
