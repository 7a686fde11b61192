// The stored configuration file: what an earlier release wrote still reads, and nothing is guessed.
import assert from 'node:assert/strict';
import { defaultConfiguration, parseConfiguration } from '../../src/install/configuration.ts';

describe('the stored configuration', () => {
  it('reads a standby stored under its earlier name (staging) and under its own', () => {
    const { standby: _, ...rest } = defaultConfiguration();
    assert.equal(parseConfiguration(JSON.stringify({ ...rest, staging: true }), 'old.json').standby, true);
    assert.equal(parseConfiguration(JSON.stringify({ ...rest, standby: true }), 'new.json').standby, true);
    assert.equal(parseConfiguration(JSON.stringify(rest), 'none.json').standby, false);
  });

  it('refuses a configuration whose standby is not a yes or no, naming the field', () => {
    const { standby: _, ...rest } = defaultConfiguration();
    assert.throws(() => parseConfiguration(JSON.stringify({ ...rest, staging: 'yes' }), 'bad.json'), /standby/);
  });
});
