// Mocha's spec reporter that also writes the pass/fail counts to $POSIT_SNOWFLAKE_COUNTS for `npm test`'s summary.
const fs = require('node:fs');
const Mocha = require('mocha');

class CountingReporter extends Mocha.reporters.Spec {
  constructor(runner, options) {
    super(runner, options);
    runner.once('end', () => {
      const file = process.env.POSIT_SNOWFLAKE_COUNTS;
      if (file)
        fs.writeFileSync(
          file,
          JSON.stringify({ passed: this.stats.passes, failed: this.stats.failures, pending: this.stats.pending }),
        );
    });
  }
}

module.exports = CountingReporter;
