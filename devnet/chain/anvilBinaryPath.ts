import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { DevnetError } from './DevnetError.js';

const platformPackages: Record<string, string> = {
  'linux-x64': '@foundry-rs/anvil-linux-amd64',
  'linux-arm64': '@foundry-rs/anvil-linux-arm64',
  'darwin-x64': '@foundry-rs/anvil-darwin-amd64',
  'darwin-arm64': '@foundry-rs/anvil-darwin-arm64',
};

/**
 * The anvil binary shipped in @foundry-rs/anvil's platform package. We start it directly (not through the
 * package's node wrapper) so the PID we hold is anvil's own and stopping it leaves no orphan. The project
 * depends on the linux-x64 package only (the registry we install from serves no other platform); on another
 * platform install the matching package by hand.
 */
export function anvilBinaryPath(): string {
  const key = `${process.platform}-${process.arch}`;
  const pkg = platformPackages[key];
  if (!pkg) throw new DevnetError(`anvil is not packaged for ${key}`);
  const require = createRequire(import.meta.url);
  let pkgJson: string;
  try {
    pkgJson = require.resolve(`${pkg}/package.json`);
  } catch (cause) {
    throw new DevnetError(`${pkg} is not installed (npm install --no-save ${pkg}@1.7.1)`, { cause });
  }
  const binary = join(dirname(pkgJson), 'bin', 'anvil');
  if (!existsSync(binary)) throw new DevnetError(`anvil binary missing at ${binary}; run npm ci`);
  return binary;
}
