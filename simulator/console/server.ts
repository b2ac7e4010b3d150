/**
 * The console's HTTP server: one page, its script (TypeScript under web/ bundled with esbuild when the
 * server starts, uPlot included), its styles, and MQTT.js's browser bundle. The page then talks MQTT
 * over WebSocket to the broker itself — aedes or Mosquitto through their WebSocket listeners, or
 * through this server's `/mqtt` bridge when the broker only has TCP. Nothing is polled.
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { parseBrokerUrl } from '../broker/broker-url';
import type { Scenario } from '../scenario/types';
import type { SitePlan } from './shared/site-plan';
import { sitePlanOf } from './site-file';
import type { RoleDefaultsJson, SpecRegistryJson } from '../calibration/recommend';
import type { ConsoleConfig } from './shared/console-config';
import { createMqttBridge } from './ws-bridge';
import type { MqttBridge } from './ws-bridge';

export interface ConsoleServerOptions {
  /** HTTP port; 0 (default) picks a free one. */
  port?: number;
  /** Interface; default 127.0.0.1. */
  host?: string;
  /** `ws://…` the browser connects to directly (aedes' or Mosquitto's WebSocket listener). */
  brokerWsUrl?: string;
  /** `mqtt://…` or `mqtts://…`, bridged through this server's `/mqtt` when no brokerWsUrl is given. */
  brokerUrl?: string;
  /** For an `mqtts://` brokerUrl: the CA certificate(s), PEM, that signed the broker's certificate (default: Node's trusted roots). */
  brokerCa?: string;
  /** The floor plan and node positions; without one the console lists whatever nodes it hears. */
  plan?: SitePlan;
  /** Or the scenario to take the plan from (its site and nodes). */
  scenario?: Pick<Scenario, 'site' | 'nodes'>;
  /** Site to watch when there is no plan (`+`: every site). */
  siteId?: string;
  title?: string;
  /** Detector option specs (min, max, default, unit) for recommended thresholds in the browser. */
  detectorSpecs?: SpecRegistryJson;
  /** Per-role detector defaults, so that recommendations never go below the default the node's role was tuned with. */
  detectorDefaults?: RoleDefaultsJson;
}

export interface ConsoleServer {
  url: string;
  /** What the page connects to: the broker's WebSocket URL, or this server's bridge. */
  brokerWsUrl: string;
  stop(): Promise<void>;
}

const here = (file: string): string => fileURLToPath(new URL(file, import.meta.url));

/** Bundles web/main.ts (and uPlot) into one script; runs once per server start. */
export async function bundleConsoleScript(): Promise<string> {
  const result = await build({
    entryPoints: [here('./web/main.ts')],
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    target: ['es2022'],
    sourcemap: 'inline',
    logLevel: 'silent',
  });
  return result.outputFiles[0].text;
}

function page(config: ConsoleConfig): string {
  // '<' escaped so that no text in the plan can close the script element.
  const json = JSON.stringify(config).replace(/</g, '\\u003c');
  const title = config.title.replace(/[<>&"]/g, (c) => `&#${c.charCodeAt(0)};`);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/app.css">
</head>
<body>
<div id="app"></div>
<script id="console-config" type="application/json">${json}</script>
<script src="/mqtt.min.js"></script>
<script src="/app.js"></script>
</body>
</html>
`;
}

export async function startConsoleServer(options: ConsoleServerOptions): Promise<ConsoleServer> {
  const host = options.host ?? '127.0.0.1';
  let bridge: MqttBridge | undefined;
  if (options.brokerWsUrl === undefined) {
    if (options.brokerUrl === undefined) throw new Error('startConsoleServer: give brokerWsUrl (ws://…) or brokerUrl (mqtt://…) to bridge');
    const broker = parseBrokerUrl(options.brokerUrl);
    if (broker.protocol === 'ws' || broker.protocol === 'wss') throw new Error(`startConsoleServer: ${broker.url} is a WebSocket URL: pass it as brokerWsUrl`);
    if (options.brokerCa !== undefined && broker.protocol !== 'mqtts') throw new Error(`startConsoleServer: brokerCa is for an mqtts:// broker, not ${broker.url}`);
    bridge = createMqttBridge(broker, { ca: options.brokerCa });
  } else {
    const ws = parseBrokerUrl(options.brokerWsUrl);
    if (ws.protocol !== 'ws' && ws.protocol !== 'wss') throw new Error(`startConsoleServer: brokerWsUrl must be ws:// or wss://, got ${options.brokerWsUrl}`);
  }
  const [script, mqttScript] = await Promise.all([
    bundleConsoleScript(),
    Promise.resolve(readFileSync(here('../../node_modules/mqtt/dist/mqtt.min.js'), 'utf8')),
  ]);
  const styles = readFileSync(here('./web/console.css'), 'utf8') + '\n' +
    readFileSync(here('../../node_modules/uplot/dist/uPlot.min.css'), 'utf8');

  if (options.plan !== undefined && options.scenario !== undefined) throw new Error('startConsoleServer: give plan or scenario, not both');
  const plan = options.plan ?? (options.scenario === undefined ? undefined : sitePlanOf(options.scenario));
  const config: ConsoleConfig = {
    title: options.title ?? (plan !== undefined ? `Vitrine — ${plan.name}` : 'Vitrine console'),
    // A relative bridge URL is resolved by the page against its own address.
    brokerWsUrl: options.brokerWsUrl ?? '/mqtt',
    plan,
    siteId: plan?.id ?? options.siteId ?? '+',
    specs: options.detectorSpecs ?? {},
    roleDefaults: options.detectorDefaults ?? {},
  };
  const html = page(config);
  const routes: Record<string, { type: string; body: string }> = {
    '/': { type: 'text/html; charset=utf-8', body: html },
    '/index.html': { type: 'text/html; charset=utf-8', body: html },
    '/app.js': { type: 'text/javascript; charset=utf-8', body: script },
    '/mqtt.min.js': { type: 'text/javascript; charset=utf-8', body: mqttScript },
    '/app.css': { type: 'text/css; charset=utf-8', body: styles },
  };

  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const path = new URL(request.url ?? '/', 'http://console').pathname;
    const route = routes[path];
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, { allow: 'GET, HEAD' }).end();
    } else if (route === undefined) {
      response.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end(`not found: ${path}\n`);
    } else {
      response.writeHead(200, { 'content-type': route.type, 'cache-control': 'no-store' }).end(request.method === 'HEAD' ? undefined : route.body);
    }
  });
  server.on('upgrade', (request: IncomingMessage, socket, head: Buffer) => {
    const path = new URL(request.url ?? '/', 'http://console').pathname;
    if (bridge !== undefined && path === '/mqtt') bridge.upgrade(request, socket, head);
    else socket.destroy();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://${host}:${port}/`;
  return {
    url,
    brokerWsUrl: options.brokerWsUrl ?? `ws://${host}:${port}/mqtt`,
    async stop() {
      bridge?.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
