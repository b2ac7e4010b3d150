/**
 * `npm start` starts the web console next to its broker and prints its URL: the page is served while
 * the scenario runs, and the console stops with the run. --no-console leaves it out.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runDemo } from '../../simulator/run/demo';
import { SIGNAL_LIBRARY, SIMULATOR_FIRMWARE } from '../../simulator/run/stack';

describe('npm start with the console', function () {
  this.timeout(90_000);
  let directory: string;

  beforeEach(function () {
    directory = mkdtempSync(path.join(tmpdir(), 'vitrine-demo-console-'));
  });
  afterEach(function () {
    rmSync(directory, { recursive: true, force: true });
  });

  it('prints the console URL, serves the page with the scenario plan during the run, and stops it after', async function () {
    const lines: string[] = [];
    let page: Promise<{ status: number; text: string }> | undefined;
    const code = await runDemo(['--scenario', 'smoke', '--clock', 'virtual', '--console', '--run-dir', directory], {
      firmware: SIMULATOR_FIRMWARE, registry: SIGNAL_LIBRARY,
      out: (line) => {
        lines.push(line);
        const url = /^ {2}console: (http:\/\/\S+)$/.exec(line)?.[1];
        // Fetched while the run goes on: the line is printed before the nodes boot.
        if (url !== undefined) page = fetch(url).then(async (response) => ({ status: response.status, text: await response.text() }));
      },
    });
    assert.equal(code, 0, lines.join('\n'));
    assert.ok(page !== undefined, `no console URL in:\n${lines.join('\n')}`);
    const { status, text } = await page;
    assert.equal(status, 200);
    assert.match(text, /<title>Vitrine — [^<]+<\/title>/);
    assert.match(text, /"brokerWsUrl":"ws:\/\/127\.0\.0\.1:\d+\/mqtt"/, 'the page connects to the embedded broker\'s WebSocket');
    const url = /console: (\S+)/.exec(lines.find((l) => l.startsWith('  console: ')) ?? '')?.[1] ?? '';
    await assert.rejects(fetch(url), 'the console stops with the run');
  });

  it('leaves it out with --no-console, and in virtual time unless asked', async function () {
    for (const args of [['--no-console'], []]) {
      const lines: string[] = [];
      await runDemo(['--scenario', 'smoke', '--clock', 'virtual', ...args, '--run-dir', directory], {
        firmware: SIMULATOR_FIRMWARE, registry: SIGNAL_LIBRARY, out: (line) => lines.push(line),
      });
      const expected = args.length === 0 ? '  console: off (virtual time; --console starts it)' : '  console: off (--no-console)';
      assert.ok(lines.includes(expected), lines.join('\n'));
    }
  });

  it('names a bad console port', async function () {
    await assert.rejects(runDemo(['--console-port', 'eighty', '--run-dir', directory], { firmware: SIMULATOR_FIRMWARE, registry: SIGNAL_LIBRARY, out: () => undefined }),
      /--console-port must be a port number 0…65535, not eighty/);
  });
});
