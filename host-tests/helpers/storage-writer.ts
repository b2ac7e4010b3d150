/**
 * Child process for the power-loss test: `node --import tsx storage-writer.ts <directory>` rewrites a
 * node's FileStorage as fast as it can until it is killed. Prints `ready` once every key exists.
 */
import { FileStorage } from '../../simulator/storage/file-storage';
import { KEYS, valueFor } from './storage-values';

const directory = process.argv[2];
if (directory === undefined) throw new Error('usage: storage-writer.ts <directory>');
const storage = new FileStorage({ directory, nodeId: 'victim' });
for (let counter = 0; ; counter++) {
  storage.write(`k${counter % KEYS}`, valueFor(counter));
  if (counter === KEYS) process.stdout.write('ready\n');
}
