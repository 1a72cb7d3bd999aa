import type { OracleProfile } from '../model/types.js';
import { FixedRatioModel } from './FixedRatioModel.js';
import { Gen1SpotModel } from './Gen1SpotModel.js';
import type { OracleModel } from './OracleModel.js';
import { TwapModel } from './TwapModel.js';

/**
 * The in-process model for a probed oracle, or null when it must be valued on chain (unknown interface, or a
 * model that disagreed with `getPositionStatus`). TWAP models price at the second they are given (`atSec`).
 */
export function createOracleModel(profile: OracleProfile): OracleModel | null {
  switch (profile.kind) {
    case 'gen1-spot':
      return new Gen1SpotModel(profile);
    case 'fixed-ratio':
      return new FixedRatioModel(profile);
    case 'twap-6e5e5c3':
    case 'twap-2d3ffd2':
      return new TwapModel(profile);
    case 'onchain':
      return null;
  }
}
