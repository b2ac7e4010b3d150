/**
 * Runs inside XS (bundled into a generated entry with one registry): commands to prepare a pipeline
 * run and push it one second of signal at a time, so the harness meters each second on its own.
 */
import { serveXsCommands } from '../helpers/xs/dispatch';
import { preparePipelineRun } from './pipeline-run';
import type { PipelineRegistry, PipelineRun } from './pipeline-run';

export function servePipelineBench(registry: PipelineRegistry): void {
  let run: PipelineRun | undefined;
  serveXsCommands({
    noop: () => 0,
    prepare: (arg) => {
      const { name, seconds } = arg as { name: string; seconds: number };
      run = preparePipelineRun(registry, name, seconds);
      return run.seconds;
    },
    second: (arg) => {
      if (run === undefined) throw new Error('second: no pipeline prepared');
      return run.pushSecond(arg as number);
    },
  });
}
