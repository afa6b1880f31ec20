// Entry of the bundled `dist/corelens.js`: one file that is both the language server (`lsp --node-ipc`) and the
// CLI the commands run (relocate, layout, header, minimize, merge), so the .vsix ships one copy of the libraries.
import { main } from '../../server/src/cli/main';

void main(process.argv.slice(2)).then((code) => { process.exitCode = code; });
