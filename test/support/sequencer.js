const Sequencer = require('@jest/test-sequencer').default;

/**
 * Jest's order, except that the IAM simulation runs last: it judges the AWS calls the other
 * integration tests made.
 */
class LastIamSimulation extends Sequencer {
  sort(tests) {
    const ordered = super.sort(tests);
    const isIam = (test) => test.path.endsWith('iam-simulation.test.ts');
    return [...ordered.filter((t) => !isIam(t)), ...ordered.filter(isIam)];
  }
}

module.exports = LastIamSimulation;
