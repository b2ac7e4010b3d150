/**
 * The console next to a simulator run (`npm start`): the run's broker — its WebSocket listener when it
 * has one (the embedded broker), else the console's bridge to its TCP port — the scenario's floor plan,
 * and the firmware's detector registry for recommendations.
 */
import { DETECTOR_SPECS, ROLE_DETECTOR_DEFAULTS } from '../../firmware/node/detector-registry';
import type { BrokerHandle } from '../broker/types';
import type { Scenario } from '../scenario/types';
import { startConsoleServer } from './server';
import type { ConsoleServer } from './server';

export function startRunConsole(options: { broker: BrokerHandle; scenario: Scenario; port?: number }): Promise<ConsoleServer> {
  const { broker, scenario } = options;
  return startConsoleServer({
    port: options.port ?? 0,
    brokerWsUrl: broker.wsUrl,
    brokerUrl: broker.wsUrl === undefined ? broker.url : undefined,
    scenario,
    detectorSpecs: DETECTOR_SPECS,
    detectorDefaults: ROLE_DETECTOR_DEFAULTS,
  });
}
