// `corelens/status` (request and notification): what the VS Code status bar shows, from a real server process.

import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { kernelPath } from '../support/paths';
import { tempDir } from '../support/tmp';
import { TestClient, startClient } from '../support/lspClient';
import { STATUS_METHOD, ServerStatus } from '../../src/status';

describe('corelens/status over stdio', function () {
  this.timeout(60_000);
  let client: TestClient;
  let pushed: Promise<ServerStatus>;

  before(async () => {
    const root = tempDir('corelens-status-');
    fs.writeFileSync(path.join(root, 'corelens.json'), JSON.stringify({
      targets: [{ name: '6.1-amd64', path: kernelPath('6.1-amd64') }, { name: 'broken', path: '/etc/hostname' }],
    }));
    // The notification is the VS Code extension's: only clients that ask for it get it.
    client = await startClient(root, { defaultTargets: false }, undefined, { initializationOptions: { statusNotifications: true } });
    // Registered right after initialize: the first load takes far longer than this, so the notification is not missed.
    pushed = new Promise((resolve) => client.conn.onNotification(STATUS_METHOD, (s: ServerStatus) => resolve(s)));
  });
  after(async () => {
    await client?.stop();
  });

  it('notifies once targets are loaded: one loaded, one failed with its reason', async () => {
    const s = await pushed;
    assert.deepStrictEqual(s.targets.map((t) => [t.name, t.state]), [['6.1-amd64', 'loaded'], ['broken', 'failed']]);
    assert.strictEqual(s.targets[0]!.path, kernelPath('6.1-amd64'));
    assert.match(s.targets[1]!.message ?? '', /target broken: /);
  });

  it('answers the request with the same snapshot', async () => {
    await pushed;
    const s = await client.conn.sendRequest<ServerStatus>(STATUS_METHOD);
    assert.deepStrictEqual(s.targets.map((t) => t.state), ['loaded', 'failed']);
    assert.ok(Array.isArray(s.includePaths));
  });
});
