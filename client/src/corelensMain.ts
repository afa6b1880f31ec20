// Entry of the bundled `dist/corelens.js`: one file that is both the language server (`lsp --node-ipc`) and the
// CLI the commands run (relocate, layout, header, minimize, merge), so the .vsix ships one copy of the libraries.
import { runProcess } from '../../server/src/cli/main';

runProcess(process.argv.slice(2));
