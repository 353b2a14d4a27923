import { localEnvironment } from '../../../infra/local/local-env';
import { ConfigError, configFrom } from '../../../lib/platform/config';

describe('Function: configFrom', () => {
  describe('NFVI_VIM_CONCURRENCY (the VIM adapter calls in flight at once)', () => {
    it("is left to the Nova client's default when unset", () => {
      expect(configFrom(localEnvironment()).vim.concurrency).toBeUndefined();
    });

    it('takes a whole number', () => {
      expect(configFrom({ ...localEnvironment(), NFVI_VIM_CONCURRENCY: '16' }).vim.concurrency).toBe(16);
    });

    it.each(['0', '-4', '2.5', 'many', '501'])('refuses %s, naming the variable', (value) => {
      const reading = () => configFrom({ ...localEnvironment(), NFVI_VIM_CONCURRENCY: value });
      expect(reading).toThrow(ConfigError);
      expect(reading).toThrow(/NFVI_VIM_CONCURRENCY/);
    });
  });
});
