import { atLeastOnce } from './at-least-once';
import { malformedFlood } from './malformed-flood';
import type { Scenario } from './scenario';
import { tenantsApart } from './tenants-apart';

/** The campaign, in the order docs/reliability.md lists it. */
export const SCENARIOS: Scenario[] = [atLeastOnce, malformedFlood, tenantsApart];
