// `npm run relearn -- --node ID`: see technician/relearn.ts and docs/calibration.md.
import { runTool } from './node-client';
import { relearn } from './technician/relearn';

runTool(relearn);
