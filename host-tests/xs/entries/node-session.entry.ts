// Runs inside XS: the scripted node session, and the node's block path for allocation and cost.
import { serveXsCommands } from '../../helpers/xs/dispatch';
import type { NodeRig } from '../../helpers/node-rig';
import type { TestAcousticPipeline } from '../../helpers/test-pipelines';
import type { BlockRigKind } from '../cases/node-session-case';
import { emitBlocks, makeBlockRig, runNodeSession } from '../cases/node-session-case';

const rigs: Partial<Record<BlockRigKind, NodeRig>> = {};

interface EmitArg {
  rig: BlockRigKind;
  source: 'microphone' | 'accelerometer';
  count: number;
}

serveXsCommands({
  session: () => runNodeSession(),
  setup: (arg) => {
    const kind = arg as BlockRigKind;
    rigs[kind] = makeBlockRig(kind);
    return kind;
  },
  noop: () => 0,
  emit: (arg) => {
    const { rig, source, count } = arg as EmitArg;
    return emitBlocks(rigs[rig]!, source, count);
  },
  flexNotes: (arg) => (rigs[arg as BlockRigKind]!.lastPipelines.acoustic as TestAcousticPipeline).flexNotes,
  // Control for the allocation measurement: one small object per "block".
  allocate: (arg) => {
    const kept: { i: number }[] = [];
    for (let i = 0; i < (arg as number); i++) kept.push({ i });
    return kept.length;
  },
});
