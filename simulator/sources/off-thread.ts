/**
 * Renders sensor signal on a worker thread for real-time runs: the runner asks for the chunks its nodes
 * will need in the next seconds, the worker renders them with the same generators and sends the counts
 * back, and SensorSignal.offer() files them. Whatever is not there in time is rendered in the block path
 * as before (counted as a miss), so the result never depends on the worker keeping up.
 */
import { Worker } from 'node:worker_threads';
import type { SensorKind } from '../../firmware/ports';
import type { Scenario } from '../scenario/types';

/** Where a worker can import the generator registry from: a module URL and the export's name. */
export interface RegistryModule {
  url: string;
  name: string;
}

export interface ChunkRequest {
  node: string;
  kind: SensorKind;
  chunk: number;
}

export interface ChunkReply extends ChunkRequest {
  counts: Int16Array;
  renderMs: number;
}

export class OffThreadRenderer {
  readonly #worker: Worker;
  readonly #pending = new Set<string>();
  #failed: Error | undefined;

  private constructor(worker: Worker, onChunk: (reply: ChunkReply) => void, onError: (error: Error) => void) {
    this.#worker = worker;
    worker.on('message', (reply: ChunkReply) => {
      this.#pending.delete(`${reply.node}/${reply.kind}/${reply.chunk}`);
      onChunk(reply);
    });
    worker.on('error', (error) => {
      this.#failed = error;
      onError(error);
    });
  }

  /** Starts the worker and waits until it has loaded the scenario and the generators. */
  static async start(scenario: Scenario, registry: RegistryModule, onChunk: (reply: ChunkReply) => void,
    onError: (error: Error) => void): Promise<OffThreadRenderer> {
    const worker = new Worker(new URL('./render-worker-boot.mjs', import.meta.url), { workerData: { scenario, registry } });
    await new Promise<void>((resolve, reject) => {
      worker.once('message', () => resolve());
      worker.once('error', (error) => reject(new Error(`the rendering worker did not start: ${error.message}`, { cause: error })));
    });
    return new OffThreadRenderer(worker, onChunk, onError);
  }

  /** False once the worker has failed (rendering then stays on the main thread). */
  get working(): boolean {
    return this.#failed === undefined;
  }

  isPending(request: ChunkRequest): boolean {
    return this.#pending.has(`${request.node}/${request.kind}/${request.chunk}`);
  }

  /** Chunks asked for and not back yet. */
  get backlog(): number {
    return this.#pending.size;
  }

  request(request: ChunkRequest): void {
    const key = `${request.node}/${request.kind}/${request.chunk}`;
    if (this.#failed !== undefined || this.#pending.has(key)) return;
    this.#pending.add(key);
    this.#worker.postMessage(request);
  }

  async close(): Promise<void> {
    await this.#worker.terminate();
  }
}
