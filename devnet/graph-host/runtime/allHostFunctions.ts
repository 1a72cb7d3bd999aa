import { conversionHostFunctions } from './conversionHostFunctions.js';
import { dataSourceHostFunctions } from './dataSourceHostFunctions.js';
import { diagnosticHostFunctions } from './diagnosticHostFunctions.js';
import { ethereumHostFunctions } from './ethereumHostFunctions.js';
import type { HostContext, HostFunction } from './HostContext.js';
import { jsonHostFunctions } from './jsonHostFunctions.js';
import { numberHostFunctions } from './numberHostFunctions.js';
import { storeHostFunctions } from './storeHostFunctions.js';
import { unsupportedHostFunctions } from './unsupportedHostFunctions.js';

/** Every host function the runtime offers a mapping, by its import name. */
export function allHostFunctions(ctx: HostContext): Record<string, HostFunction> {
  return {
    ...storeHostFunctions(ctx),
    ...ethereumHostFunctions(ctx),
    ...numberHostFunctions(ctx),
    ...conversionHostFunctions(ctx),
    ...diagnosticHostFunctions(ctx),
    ...dataSourceHostFunctions(ctx),
    ...jsonHostFunctions(ctx),
    ...unsupportedHostFunctions(ctx),
  };
}
