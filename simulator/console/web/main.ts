/**
 * The console page: connects to the broker over MQTT over WebSocket with MQTT.js's browser bundle,
 * feeds every message into the site state, and shows the operator view (#/) or a node's technician
 * view (#/node/<site>/<node>). Data arrive only by subscription; the one-second timer only ages what
 * is shown (heartbeat ages, dead nodes, alert marks).
 */
import { CommandChannel } from '../shared/command-channel';
import type { ConsoleConfig } from '../shared/console-config';
import { SiteState } from '../shared/site-state';
import { clock, fill, h } from './dom';
import { OperatorView } from './operator-view';
import { TechnicianView } from './technician-view';

const config = JSON.parse(document.getElementById('console-config')?.textContent ?? '{}') as ConsoleConfig;
const state = new SiteState({ plan: config.plan, siteId: config.siteId, startedMs: Date.now() });
const brokerUrl = new URL(config.brokerWsUrl, window.location.href.replace(/^http/, 'ws')).toString();

const connection = h('span', { id: 'connection', class: 'connection connecting' }, `connecting to ${brokerUrl}…`);
const content = h('main');
// Without the broker the console hears nothing, not even the wills of dead nodes: say so over everything.
const linkBanner = h('div', { id: 'link-banner', class: 'banner link', role: 'alert', hidden: true });
// A page that stops redrawing hides dead nodes as surely as a lost link: say so too.
const drawBanner = h('div', { id: 'draw-banner', class: 'banner link', role: 'alert', hidden: true });
document.title = config.title;
fill(document.getElementById('app') as HTMLElement,
  h('header', {}, h('h1', {}, h('a', { href: '#/' }, config.title)), connection),
  linkBanner,
  drawBanner,
  content);
let lostSinceMs: number | undefined;
function linkDown(reason: string): void {
  lostSinceMs ??= Date.now();
  connection.textContent = reason;
  connection.className = 'connection disconnected';
  linkBanner.hidden = false;
  linkBanner.textContent = `⚠ NO CONNECTION to the broker since ${clock(lostSinceMs)}: alerts and node states shown are stale (${reason})`;
}

const client = mqtt.connect(brokerUrl, {
  protocolVersion: 4,
  clientId: `vitrine-console-${Math.random().toString(16).slice(2, 10)}`,
  clean: true,
  reconnectPeriod: 2000,
  connectTimeout: 10_000,
  keepalive: 30,
});
const channel = new CommandChannel({
  idPrefix: 'console',
  publish: (topic, payload) => {
    if (!client.connected) throw new Error('not connected to the broker');
    client.publish(topic, payload, { qos: 1, retain: false });
  },
});
const telemetryWatch = new Set<string>();

client.on('connect', () => {
  connection.textContent = `connected to ${brokerUrl}`;
  connection.className = 'connection connected';
  lostSinceMs = undefined;
  linkBanner.hidden = true;
  client.subscribe([...state.subscriptions(), ...telemetryWatch], { qos: 1 });
});
client.on('close', () => linkDown(`disconnected from ${brokerUrl}: reconnecting…`));
client.on('error', (error) => linkDown(`broker ${brokerUrl}: ${error.message}`));
client.on('message', (topic, payload) => {
  const text = payload.toString();
  channel.handle(topic, text);
  if (state.handle(topic, text, Date.now()) !== 'none') scheduleRender();
});

const commands = {
  send: (site: string, node: string, name: string, args: Record<string, unknown>) => channel.send(site, node, name, args),
  watchTelemetry(site: string, node: string, on: boolean): void {
    const topic = `vitrine/${site}/${node}/telemetry`;
    if (on) {
      telemetryWatch.add(topic);
      if (client.connected) client.subscribe(topic, { qos: 0 });
    } else {
      telemetryWatch.delete(topic);
      if (client.connected) client.unsubscribe(topic);
    }
  },
};

let view: { element: HTMLElement; render(nowMs: number): void; close?(): void } | undefined;

function route(): void {
  view?.close?.();
  const match = /^#\/node\/(.+)$/.exec(window.location.hash);
  if (match === null) {
    view = new OperatorView(state, (key) => {
      window.location.hash = `#/node/${encodeURIComponent(key)}`;
    });
  } else {
    const technician = new TechnicianView(state, decodeURIComponent(match[1]), commands, config);
    technician.open();
    view = technician;
  }
  fill(content, view.element);
  const shown = view;
  draw(() => shown.render(Date.now()));
}

/** Draws, and if drawing fails says on top of the page that what it shows is stale, until a draw succeeds. */
let drawFailingSinceMs: number | undefined;
function draw(render: () => void): void {
  try {
    render();
    drawFailingSinceMs = undefined;
    drawBanner.hidden = true;
  } catch (error) {
    drawFailingSinceMs ??= Date.now();
    drawBanner.hidden = false;
    drawBanner.textContent = `⚠ THE CONSOLE CANNOT DRAW the latest state since ${clock(drawFailingSinceMs)}: what is shown may be stale; ` +
      `reload the page (${error instanceof Error ? error.message : String(error)})`;
  }
}

let pending = false;
function scheduleRender(): void {
  if (pending) return;
  pending = true;
  // A short timer batches bursts of messages into one render (and keeps rendering in a hidden tab).
  setTimeout(() => {
    pending = false;
    draw(() => view?.render(Date.now()));
  }, 50);
}

window.addEventListener('hashchange', route);
setInterval(scheduleRender, 1000);
route();
