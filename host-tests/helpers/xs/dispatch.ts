/**
 * Runs inside the XS engine (bundled with a test entry): answers the harness's commands.
 * Each command gets a JSON argument and returns a JSON-serialisable value.
 * No Node APIs here; TextEncoder/TextDecoder and performance.now come from xsnap's host.
 */

export type XsCommandHandler = (arg: unknown) => unknown;

interface XsnapGlobals {
  handleCommand?: (message: ArrayBuffer) => ArrayBuffer;
  __vitrineTrace?: string[];
  performance?: { now(): number };
}

export function serveXsCommands(handlers: Record<string, XsCommandHandler>): void {
  const host = globalThis as unknown as XsnapGlobals;
  const encoder = new TextEncoder();
  const decoder = new TextDecoder();
  const now = (): number => host.performance?.now() ?? 0;
  host.handleCommand = (message: ArrayBuffer): ArrayBuffer => {
    let answer: { ok: boolean; value?: unknown; error?: string; xsMs?: number };
    try {
      const { name, arg } = JSON.parse(decoder.decode(message)) as { name: string; arg: unknown };
      if (name === '__trace') {
        answer = { ok: true, value: host.__vitrineTrace ?? [] };
      } else {
        const handler = handlers[name];
        if (handler === undefined) throw new Error(`no XS command named '${name}'`);
        const started = now();
        const value = handler(arg);
        answer = { ok: true, value, xsMs: now() - started };
      }
    } catch (error) {
      const e = error as { message?: string; stack?: string };
      answer = { ok: false, error: `${e.message ?? String(error)}\n${e.stack ?? ''}` };
    }
    return encoder.encode(JSON.stringify(answer)).buffer as ArrayBuffer;
  };
}
