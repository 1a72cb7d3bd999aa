import type { HostContext, HostFunction, MappingLogLevel } from './HostContext.js';
import { MappingFailure } from './MappingFailure.js';

const LEVELS: readonly MappingLogLevel[] = ['critical', 'error', 'warning', 'info', 'debug'];

export function diagnosticHostFunctions(ctx: HostContext): Record<string, HostFunction> {
  const text = (ptr: number) => (ptr === 0 ? '' : ctx.heap().readString(ptr));
  return {
    abort: (messagePtr: number, filePtr: number, line: number, column: number) => {
      throw new MappingFailure(
        `Mapping aborted at ${text(filePtr) || '?'}, line ${line}, column ${column}, with message: ${text(messagePtr)}`,
      );
    },
    'log.log': (level: number, messagePtr: number) => {
      const message = text(messagePtr);
      const name = LEVELS[level] ?? 'info';
      ctx.log(name, message);
      // graph-ts documents log.critical as terminating the subgraph.
      if (name === 'critical') throw new MappingFailure(`Critical error logged in mapping: ${message}`);
    },
  };
}
