import { hexlify, toUtf8Bytes } from 'ethers';
import { describe, expect, it } from 'vitest';
import { MAX_RUNTIME_CODE_BYTES, loadArtifacts } from '../../devnet/compile/compileContracts.js';

const artifacts = loadArtifacts();
const runtimeBytes = (name: string) => (artifacts[name]!.deployedBytecode.length - 2) / 2;
const holdsText = (name: string, text: string) =>
  artifacts[name]!.deployedBytecode.includes(hexlify(toUtf8Bytes(text)).slice(2));

describe('contracts are compiled with their generation’s settings', () => {
  it('every module fits EIP-170', () => {
    for (const name of ['MarginModule', 'MarginModuleGen2', 'MarginModuleGen3']) {
      expect(runtimeBytes(name), name).toBeGreaterThan(0);
      expect(runtimeBytes(name), name).toBeLessThanOrEqual(MAX_RUNTIME_CODE_BYTES);
    }
  });

  it('gen 1 keeps its revert strings; gen 2 and gen 3 are stripped', () => {
    expect(holdsText('MarginModule', 'Liquidation criteria are not met')).toBe(true);
    for (const name of ['MarginModuleGen2', 'MarginModuleGen3']) {
      for (const text of ['Position is closed', 'Position frozen', 'Subject to liquidation']) {
        expect(holdsText(name, text), `${name}: ${text}`).toBe(false);
      }
    }
  });
});
