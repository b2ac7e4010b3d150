/** Node-only test helper (reads a file): kept out of acoustic-cases.ts, which the XS bench bundles. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { NodeConfig } from '../../firmware/node/config';
import { loadConfig } from '../../simulator/classify/config-file';
import { MICROPHONE_ONLY_EXAMPLE } from '../../simulator/eval/report-text';

/** The window's configuration with glass break judged on the microphone alone (docs/examples/window-microphone-only.json). */
export function microphoneOnlyConfig(): NodeConfig {
  const file = fileURLToPath(new URL(`../../${MICROPHONE_ONLY_EXAMPLE}`, import.meta.url));
  const loaded = loadConfig(readFileSync(file, 'utf8'), 'acoustic');
  if (!loaded.ok) throw new Error(`${file}: ${loaded.errors.join('; ')}`);
  return loaded.config;
}
