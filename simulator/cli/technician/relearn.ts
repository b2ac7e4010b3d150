/**
 * `npm run relearn -- --node ID [--site S] [--broker URL]`: the node forgets its tilt home position and
 * its learned orientation and learns them again from the next seconds of signal (clears tamper).
 */
import type { CliIo } from '../node-client';
import { NodeClient, brokerOf, parseOptions, requireId, resultText } from '../node-client';

export const RELEARN_USAGE = 'usage: npm run relearn -- --node ID [--site S] [--broker URL]';
const OPTIONS = { node: { type: 'string' }, site: { type: 'string' }, broker: { type: 'string' }, help: { type: 'boolean' } } as const;

export async function relearn(argv: string[], io: CliIo): Promise<number> {
  const o = parseOptions(argv, OPTIONS, RELEARN_USAGE);
  if (o.help === true) {
    io.out(`${RELEARN_USAGE}\n`);
    return 0;
  }
  const node = requireId(o.node, '--node', RELEARN_USAGE);
  const client = await NodeClient.open({ brokerUrl: brokerOf(o.broker), node, site: o.site, tool: 'relearn' });
  try {
    const result = await client.command('relearn', {});
    io.out(`relearn ${client.site}/${node}: ${resultText(result)}\n`);
    if (result.ok) io.out('the node learns its home position again from the next seconds: keep the structure still\n');
    return result.ok ? 0 : 1;
  } finally {
    await client.close();
  }
}
