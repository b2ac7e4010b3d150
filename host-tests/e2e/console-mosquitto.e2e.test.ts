/**
 * `npm run console` on its own against Mosquitto 2, as docs/console.md describes: once through the
 * console's bridge to Mosquitto's TCP listener, once straight to Mosquitto's websockets listener (--ws).
 * The console runs as a child process exactly as the npm script starts it; a live node publishes.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startMosquitto } from '../../simulator/broker/mosquitto';
import type { MosquittoBroker } from '../../simulator/broker/mosquitto';
import { findFreePort } from '../../simulator/broker/ports';
import { LiveNode } from '../helpers/live-node';
import { launchBrowser, screenshot } from './helpers/browser';
import type { Browser } from './helpers/browser';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SITE_FILE = 'simulator/console/sites/louvre-apollo.site.json';

/** Starts `tsx simulator/cli/console.ts …` and resolves with its URL once it prints it. */
function startConsoleProcess(args: string[]): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'simulator/cli/console.ts', ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let output = '';
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      const url = /Vitrine console: (http:\/\/\S+)/.exec(output)?.[1];
      if (url !== undefined) resolve({ child, url });
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`npm run console exited (${code}) before serving: ${output}`)));
  });
}

function stopProcess(child: ChildProcess | undefined): Promise<void> {
  if (child === undefined || child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGINT');
  });
}

describe('npm run console against Mosquitto 2 (headless Chromium)', function () {
  this.timeout(60_000);
  let broker: MosquittoBroker;
  let node: LiveNode;
  let browser: Browser;
  let child: ChildProcess | undefined;

  before(async function () {
    broker = await startMosquitto({ wsPort: 0 });
    node = new LiveNode({
      brokerUrl: broker.url, site: 'louvre', node: 'apollo-case-a', role: 'display_case',
      location: { building: 'Louvre — Denon wing', floor: '1', room: 'Galerie d\'Apollon (705)', element: 'display case A (crown jewels)', label: 'Apollo case A' },
    }).start();
    browser = await launchBrowser();
  });
  afterEach(async function () {
    await stopProcess(child);
    child = undefined;
    assert.deepEqual(browser.errors, []);
  });
  after(async function () {
    await browser?.close();
    node?.stop();
    await broker?.stop();
  });

  const ways: Array<{ name: string; args: () => string[] }> = [
    { name: 'through the console\'s bridge to the TCP listener', args: () => ['--broker', broker.url] },
    { name: 'straight to the websockets listener (--ws)', args: () => ['--broker', broker.url, '--ws', broker.wsUrl ?? ''] },
  ];
  for (const { name, args } of ways) {
    it(`shows the node and its alert ${name}`, async function () {
      const port = await findFreePort();
      const started = await startConsoleProcess([...args(), '--site-file', SITE_FILE, '--port', String(port)]);
      child = started.child;
      const page = browser.page;
      await page.goto(started.url);
      await page.waitForSelector('#connection.connected');
      await page.waitForSelector('tr.node-row[data-node="apollo-case-a"][data-liveness="online"]');
      node.mic = 'burst';
      const row = page.locator('tr.alert-row[data-node="apollo-case-a"][data-type="glass_break"]').first();
      await row.waitFor({ timeout: 10_000 });
      assert.equal(await row.locator('td.location').textContent(),
        'Louvre — Denon wing · floor 1 · Galerie d\'Apollon (705) · display case A (crown jewels) — Apollo case A');
      await page.waitForSelector('g.node-marker[data-node="apollo-case-a"].alerting');
      // The other planned nodes are not running here: after the grace period they are dead, loudly.
      await page.waitForSelector('#dead-banner:not([hidden])', { timeout: 15_000 });
      assert.match(await page.textContent('#dead-banner') ?? '', /4 nodes DEAD/);
      if (args().includes('--ws')) await screenshot(page, 'mosquitto-console');
      await new Promise((resolve) => setTimeout(resolve, 5500)); // the glass-break cooldown before the next test's burst
    });
  }
});
