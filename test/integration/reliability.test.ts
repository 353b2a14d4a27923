import { runScenario } from '../reliability/scenario';
import { SCENARIOS } from '../reliability/scenarios';

/**
 * The reliability campaign at CI scale (`npm run reliability` runs it at full scale and writes
 * bench-results/reliability.json): each scenario's failures must be none.
 */
describe('Reliability campaign (CI scale)', () => {
  it.each(SCENARIOS.map((s) => [s.title, s] as const))(
    '%s',
    async (_title, scenario) => {
      const result = await runScenario(scenario, 'ci');
      expect({ scenario: result.id, failures: result.failures, figures: result.figures }).toEqual({
        scenario: result.id,
        failures: [],
        figures: result.figures,
      });
    },
    600_000,
  );
});
