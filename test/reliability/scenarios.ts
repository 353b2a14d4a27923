import { atLeastOnce } from './at-least-once';
import { busAway } from './bus-away';
import { crashes } from './crashes';
import { flapping } from './flapping';
import { malformedFlood } from './malformed-flood';
import type { Scenario } from './scenario';
import { startStop } from './start-stop';
import { tenantsApart } from './tenants-apart';
import { vimAway } from './vim-away';

/** The campaign, in the order docs/reliability.md lists it. */
export const SCENARIOS: Scenario[] = [
  atLeastOnce,
  malformedFlood,
  tenantsApart,
  vimAway,
  busAway,
  flapping,
  crashes,
  startStop,
];
