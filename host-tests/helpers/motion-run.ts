/** Feeds a signal to anything that takes sample blocks and keeps copies of what it detected. */
import type { Detection } from '../../firmware/detect/types';
import type { SampleBlock } from '../../firmware/ports';
import { sensorModel, sourceUnitsPerCount } from '../../simulator/signals/motion/sensor';
import { feedBlocks } from '../../simulator/signals/signal';
import type { Signal } from '../../simulator/signals/signal';

export interface BlockConsumer {
  push(block: SampleBlock): readonly Detection[];
}

export function detect(consumer: BlockConsumer, signal: Signal, sensor: string, blockFrames = 32): Detection[] {
  const found: Detection[] = [];
  feedBlocks(signal, { unitsPerCount: sourceUnitsPerCount(sensorModel(sensor)), blockFrames }, (block) => {
    for (const d of consumer.push(block)) found.push({ ...d, features: { ...d.features } });
  });
  return found;
}
