/**
 * The Louvre demo as `npm start` plays it — the real firmware, the real detectors, the signal library —
 * with the console `npm start` starts (startRunConsole) open in headless Chromium. Virtual time keeps the
 * 170 s scenario to well under a minute; the console dates what it hears by arrival, so it is the same
 * page as in real time. Each alert the run's subscriber received must be on the plan at its node and in
 * the list with the node's exact location. Screenshot: artifacts/screenshots/demo-operator.png.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { AlertMessage } from '../../firmware/node/protocol';
import { startEmbeddedBroker } from '../../simulator/broker/embedded';
import type { EmbeddedBroker } from '../../simulator/broker/embedded';
import { startRunConsole } from '../../simulator/console/run-console';
import type { ConsoleServer } from '../../simulator/console/server';
import { SIGNAL_LIBRARY, SIMULATOR_FIRMWARE } from '../../simulator/run/stack';
import { RunSession } from '../../simulator/run/session';
import { loadScenarioFile } from '../../simulator/scenario/load';
import { launchBrowser, screenshot } from './helpers/browser';
import type { Browser } from './helpers/browser';

describe('console on the Louvre demo (real firmware, headless Chromium)', function () {
  this.timeout(180_000);
  const scenario = loadScenarioFile('louvre-apollo');
  let directory: string;
  let broker: EmbeddedBroker;
  let server: ConsoleServer;
  let browser: Browser;
  let session: RunSession | undefined;

  before(async function () {
    directory = mkdtempSync(path.join(tmpdir(), 'vitrine-e2e-demo-'));
    broker = await startEmbeddedBroker({ wsPort: 0 });
    server = await startRunConsole({ broker, scenario });
    browser = await launchBrowser();
  });

  after(async function () {
    await session?.close();
    await browser?.close();
    await server?.stop();
    await broker?.stop();
    rmSync(directory, { recursive: true, force: true });
  });

  it('places every alert of the demo on the plan at its node, with the exact location in the list, and says how each node decides a glass break', async function () {
    const page = browser.page;
    await page.goto(server.url);
    await page.waitForSelector('#connection.connected');
    session = await RunSession.open({
      scenario, broker, clock: 'virtual', firmware: SIMULATOR_FIRMWARE, registry: SIGNAL_LIBRARY, directory, quiet: true,
    });
    await session.run();
    const card = session.score();
    assert.deepEqual(card.missed.map((m) => `${m.type} at ${m.node}`), [], 'the demo raised every expected alert');
    const alerts = session.alerts().filter((a) => !a.test);
    assert.ok(alerts.length >= card.matched.length && alerts.length > 0);

    // Every alert the run's subscriber received is listed once, at its node, with its location.
    for (const alert of alerts) {
      const row = page.locator(`tr.alert-row[data-alert-id="${alert.id}"]`);
      await row.waitFor({ timeout: 5000 });
      assert.equal(await row.count(), 1, `alert ${alert.id} listed once`);
      assert.equal(await row.getAttribute('data-node'), alert.node);
      assert.equal(await row.getAttribute('data-type'), alert.type);
      const location = scenario.nodes.find((n) => n.id === alert.node)?.location;
      assert.ok(location !== undefined, `${alert.node} is on the plan`);
      assert.equal(await row.locator('td.location').textContent(),
        `${location.building} · floor ${location.floor} · ${location.room} · ${location.element} — ${location.label}`);
    }
    // Each node that raised an alert is marked on the plan with the type of its latest one; the others are not.
    const latest = new Map<string, AlertMessage>();
    for (const alert of alerts) latest.set(alert.node, alert);
    for (const node of scenario.nodes) {
      const marker = page.locator(`g.node-marker[data-node="${node.id}"]`);
      const alert = latest.get(node.id);
      if (alert === undefined) {
        assert.equal(await marker.evaluate((g) => g.classList.contains('alerting')), false, `${node.id} raised nothing and is not marked`);
        continue;
      }
      assert.equal(await marker.evaluate((g) => g.classList.contains('alerting')), true, `${node.id} is marked`);
      assert.equal(await marker.locator('.marker-alert').textContent(), alert.type.replace('_', ' ').toUpperCase());
    }
    process.stdout.write(`      ${alerts.length} alerts on the console from ${latest.size} nodes: ` +
      `${[...latest.keys()].map((id) => `${id} (${alerts.filter((a) => a.node === id).map((a) => a.type).join(', ')})`).join('; ')}\n`);
    await screenshot(page, 'demo-operator');

    // The technician view says how each node decides a glass break: the window on its glass needs the flex.
    for (const [id, remark] of [['apollo-window', /^\s*↳ dual technology \(a window node mounted on its glass\)/], ['apollo-case-a', /^\s*↳ the microphone decides \(a display case node mounted on its glass\).*; without one the sound alone needs a score of 0\.9\s*$/]] as const) {
      await page.goto(`${server.url}#/node/${encodeURIComponent(`${scenario.site.id}/${id}`)}`);
      const line = page.locator('#node-config [data-remark="detectors.glassBreak.requireFlex"]');
      await line.waitFor({ timeout: 5000 });
      assert.match(await line.textContent() ?? '', remark, `${id}'s requireFlex remark`);
    }
    assert.deepEqual(browser.errors, [], 'the page logged no errors');
  });
});
