/**
 * The pipelines `npm run bench` measures, by the name the JSON reports them under: `acoustic`
 * (microphone, 16 kHz mono), `vibration` (accelerometer, 1600 Hz × 3) and `tilt` (the accelerometer
 * stream the tilt pipeline takes). Each entry builds the pipeline and the signal it is fed; see
 * PipelineBenchEntry in ./pipeline-run. For example:
 *
 *   acoustic: {
 *     create: () => new AcousticPipeline({ role: 'display_case' }),
 *     signal: (seconds) => ambient16k(seconds),   // ambience with the events the pipeline must handle
 *     unitsPerCount: 1 / 32768,
 *     blockFrames: 256,
 *   },
 *
 * None is registered until the pipelines exist (firmware/node/pipeline-*.ts).
 */
import type { PipelineRegistry } from './pipeline-run';

const registry: PipelineRegistry = {};

export default registry;
