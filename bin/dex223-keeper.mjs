#!/usr/bin/env node
// The CLI is TypeScript; tsx's loader runs it without a separate build step.
import { register } from 'tsx/esm/api';

register();
await import('../keeper/src/cli/main.ts');
