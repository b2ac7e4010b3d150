// `npm run walktest -- --node ID --minutes N`: see technician/walktest.ts and docs/calibration.md.
import { TOOL_DETECTOR_SPECS } from '../calibration/tool-specs';
import { runTool } from './node-client';
import { walkTest } from './technician/walktest';

runTool((argv, io) => walkTest(argv, io, TOOL_DETECTOR_SPECS));
