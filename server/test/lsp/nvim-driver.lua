-- Headless Neovim (0.7+) as an independent LSP client for corelens: start the server over stdio, open a BPF program,
-- wait for the CO-RE diagnostic, hover a field, edit, see diagnostics re-published, shut down. Exit code 0/1.
-- Env: SERVER_CMD (space-separated), FILE (the .bpf.c), HOVER_LINE / HOVER_COL (0-based), EXPECT_DIAG, EXPECT_HOVER.
local function out(s) io.stdout:write(s .. '\n') end
local function fail(msg) out('FAIL: ' .. msg); vim.cmd('cquit 1') end
local cmd = vim.split(os.getenv('SERVER_CMD'), ' ', { trimempty = true })
local file = os.getenv('FILE')

local client_id = vim.lsp.start_client({
  name = 'corelens', cmd = cmd, root_dir = vim.fn.fnamemodify(file, ':h'),
  handlers = { ['window/logMessage'] = function() end, ['window/showMessage'] = function() end },
})
if not client_id then fail('start_client returned nil') end

vim.cmd('edit ' .. vim.fn.fnameescape(file))
local bufnr = vim.api.nvim_get_current_buf()
out('filetype=' .. vim.bo.filetype)
vim.lsp.buf_attach_client(bufnr, client_id)

local function has_diag(pattern)
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    if d.message:find(pattern, 1, true) then return d end
  end
  return nil
end

local want = os.getenv('EXPECT_DIAG')
if not vim.wait(60000, function() return has_diag(want) ~= nil end, 20) then fail('no diagnostic containing ' .. want) end
local d = has_diag(want)
out(string.format('DIAG %d:%d sev=%d src=%s %s', d.lnum, d.col, d.severity, tostring(d.source), d.message))

vim.api.nvim_win_set_cursor(0, { tonumber(os.getenv('HOVER_LINE')) + 1, tonumber(os.getenv('HOVER_COL')) })
local resp = vim.lsp.buf_request_sync(bufnr, 'textDocument/hover', vim.lsp.util.make_position_params(), 10000)
if not resp or vim.tbl_isempty(resp) then fail('no hover response') end
local text = ''
for _, r in pairs(resp) do
  if r.err then fail('hover error: ' .. vim.inspect(r.err)) end
  text = table.concat(vim.lsp.util.convert_input_to_markdown_lines(r.result.contents), '\n')
end
out('HOVER ' .. text:gsub('\n', ' / '))
if not text:find(os.getenv('EXPECT_HOVER'), 1, true) then fail('hover lacks ' .. os.getenv('EXPECT_HOVER')) end

-- Delete the failing line: the server must re-publish without the error.
vim.api.nvim_buf_set_lines(bufnr, d.lnum, d.lnum + 1, false, { '' })
if not vim.wait(20000, function() return has_diag(want) == nil end, 20) then fail('diagnostic still there after the edit') end
out('after edit: cleared')

vim.lsp.stop_client(client_id)
vim.wait(3000, function() return vim.lsp.get_client_by_id(client_id) == nil end, 20)
out('PASS')
vim.cmd('qa!')
