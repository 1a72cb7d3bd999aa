import type { HostContext, HostFunction } from './HostContext.js';
import { MappingFailure } from './MappingFailure.js';
import { UNSUPPORTED_HOST_FUNCTIONS } from './hostFunctionNames.js';

export function unsupportedHostFunctions(ctx: HostContext): Record<string, HostFunction> {
  return Object.fromEntries(
    UNSUPPORTED_HOST_FUNCTIONS.map((name) => [
      name,
      () => {
        throw new MappingFailure(
          `${name} is not supported by the devnet host (handler ${ctx.handler} of ${ctx.dataSource.name})`,
        );
      },
    ]),
  );
}
