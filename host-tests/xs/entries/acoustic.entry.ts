// Runs inside XS: the acoustic pipeline on samples sent by the test, and steady-state cost probes.
import { serveXsCommands } from '../../helpers/xs/dispatch';
import { AcousticPipeline } from '../../../firmware/node/pipeline-acoustic';
import type { SampleBlock } from '../../../firmware/ports';
import { type NotedFlex, newBlock, pushBlocks, runAcoustic, splitBlocks } from '../cases/acoustic-case';

let blocks: Int16Array[] = [];
let pipeline: AcousticPipeline | undefined;
let block: SampleBlock = newBlock();
let next = 0;

serveXsCommands({
  noop: () => 0,
  /** Loads samples (Int16 counts) and starts a fresh pipeline on them. */
  load: (arg) => {
    blocks = splitBlocks(arg as number[]);
    pipeline = new AcousticPipeline();
    block = newBlock();
    next = 0;
    return blocks.length;
  },
  /** Pushes the next `count` loaded blocks through the live pipeline; returns detections decided. */
  push: (arg) => {
    const count = arg as number;
    if (pipeline === undefined) throw new Error('push before load');
    if (next + count > blocks.length) throw new Error(`push: only ${blocks.length - next} blocks left`);
    const detections = pushBlocks(pipeline, block, blocks, next, next + count);
    next += count;
    return detections;
  },
  /** Candidates the live pipeline has decided since load, and how many of those stopped early. */
  candidates: () => ({ decided: pipeline?.detector.candidates ?? 0, stopped: pipeline?.detector.stoppedCandidates ?? 0 }),
  /** Whole run of a fresh pipeline over the loaded samples (with the pane flexes given, if any): detections and final snapshot. */
  run: (arg) => runAcoustic(blocks, undefined, (arg ?? []) as NotedFlex[]),
});
