/**
 * The pipelines `npm run bench` measures, by the name the JSON reports them under, each built as a node
 * builds it (rolePipelineFactory over the default configuration of its role, simulator/eval/sensor-pipeline)
 * and fed a representative steady-state signal at its nominal rate (see gallery-signals.ts):
 * - `acoustic`: window node, microphone 16 kHz mono, 256-frame blocks;
 * - `vibration`: window node, accelerometer 1600 Hz × 3 (ADXL345, 3.9 mg/count), 32-frame FIFO reads;
 * - `tilt`: balcony node, accelerometer 50 Hz × 3 (LIS3DH ±2 g, 1 mg/count), 5-frame blocks; measured after
 *   the 6 s in which the detector learns its home position.
 */
import type { PipelineRegistry } from './pipeline-run';
import { BALCONY_TILT, GALLERY_SOUND, GALLERY_VIBRATION, balconyTilt, gallerySound, galleryVibration } from './gallery-signals';
import { MIC_BLOCK_FRAMES, MIC_UNITS_PER_COUNT, accelerometerBlockFrames, roleConfig, sensorPipeline } from '../../simulator/eval/sensor-pipeline';

const registry: PipelineRegistry = {
  acoustic: {
    create: () => sensorPipeline('acoustic', roleConfig('window'), 1600),
    signal: gallerySound,
    unitsPerCount: MIC_UNITS_PER_COUNT,
    blockFrames: MIC_BLOCK_FRAMES,
    description: GALLERY_SOUND,
    warmupS: 2,
    measureS: 8,
  },
  vibration: {
    create: () => sensorPipeline('vibration', roleConfig('window'), 1600),
    signal: galleryVibration,
    unitsPerCount: 0.0039,
    blockFrames: accelerometerBlockFrames(1600),
    description: GALLERY_VIBRATION,
    warmupS: 2,
    measureS: 8,
  },
  tilt: {
    create: () => sensorPipeline('tilt', roleConfig('balcony'), 50),
    signal: balconyTilt,
    unitsPerCount: 0.001,
    blockFrames: accelerometerBlockFrames(50),
    description: BALCONY_TILT,
    warmupS: 7,
    measureS: 8,
  },
};

export default registry;
