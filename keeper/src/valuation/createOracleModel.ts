import type { OracleProfile } from '../model/types.js';
import { FixedRatioModel } from './FixedRatioModel.js';
import { Gen1SpotModel } from './Gen1SpotModel.js';
import type { OracleModel } from './OracleModel.js';

/**
 * The in-process model for a probed oracle, or null when it must be valued on chain (unknown interface, or a
 * model that disagreed with `getPositionStatus`). Gen-2 TWAP oracles land here as null until a model exists.
 */
export function createOracleModel(profile: OracleProfile): OracleModel | null {
  switch (profile.kind) {
    case 'gen1-spot':
      return new Gen1SpotModel(profile);
    case 'fixed-ratio':
      return new FixedRatioModel(profile);
    case 'twap-6e5e5c3':
    case 'twap-2d3ffd2':
    case 'onchain':
      return null;
  }
}
