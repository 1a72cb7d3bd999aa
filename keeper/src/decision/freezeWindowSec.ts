/** How long after a freeze a completion is accepted (`T - frozenTime <= 3600`); later calls re-freeze. */
export const freezeWindowSec = 3600n;
