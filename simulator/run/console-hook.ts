/**
 * Where `npm start` starts the web console next to the broker: the console's own starter
 * (simulator/console/run-console.ts) — the broker's WebSocket listener, or the console's bridge to its
 * TCP port, and the scenario's floor plan. demo.ts prints the URL it returns.
 */
import type { BrokerHandle } from '../broker/types';
import { startRunConsole } from '../console/run-console';
import type { Scenario } from '../scenario/types';

export interface ConsoleStarter {
  /** port: the HTTP port (0 or absent: a free one). */
  start(options: { broker: BrokerHandle; scenario: Scenario; port?: number }): Promise<{ url: string; stop(): Promise<void> }>;
}

export const CONSOLE: ConsoleStarter = { start: startRunConsole };
