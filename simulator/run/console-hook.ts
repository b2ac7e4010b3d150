/**
 * Where `npm start` starts the web console next to the embedded broker. The console is written in
 * parallel (simulator/console/); its engineer sets CONSOLE to a starter and start.ts prints the URL it
 * returns. Until then the demo says the console is not there yet.
 */
import type { BrokerHandle } from '../broker/types';
import type { Scenario } from '../scenario/types';

export interface ConsoleStarter {
  start(options: { broker: BrokerHandle; scenario: Scenario }): Promise<{ url: string; stop(): Promise<void> }>;
}

export const CONSOLE: ConsoleStarter | undefined = undefined;
