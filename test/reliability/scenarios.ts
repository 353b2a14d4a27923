import { atLeastOnce } from './at-least-once';
import { malformedFlood } from './malformed-flood';
import type { Scenario } from './scenario';

/** The campaign, in the order docs/reliability.md lists it. */
export const SCENARIOS: Scenario[] = [atLeastOnce, malformedFlood];
