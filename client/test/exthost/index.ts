// extensionTestsPath entry: runs the mocha suites inside the (code-server) extension host, against the extension
// loaded as a development extension from the unpacked .vsix (scripts/e2e-vscode.sh).
import * as path from 'path';
import Mocha from 'mocha';

/** Called by the workbench; rejecting makes it exit with code 1. */
export function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'bdd', timeout: 60_000, color: false, reporter: 'spec' });
  mocha.addFile(path.join(__dirname, 'commands.test.js'));
  return new Promise((resolve, reject) => mocha.run((failures) => (failures ? reject(new Error(`${failures} test(s) failed`)) : resolve())));
}
