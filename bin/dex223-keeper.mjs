#!/usr/bin/env node
// The CLI is TypeScript; tsx's loader runs it without a separate build step. The devnet has its own entry
// point (dev dependencies only there): the keeper's code never loads it.
import { register } from 'tsx/esm/api';

register();
if (process.argv[2] === 'devnet') await import('../devnet/cli/devnetMain.ts');
else await import('../keeper/src/cli/main.ts');
