#!/usr/bin/env node
// The devnet's own entry point (the keeper's CLI never loads the devnet); tsx runs the TypeScript directly.
import { register } from 'tsx/esm/api';

register();
await import('../devnet/cli/main.ts');
