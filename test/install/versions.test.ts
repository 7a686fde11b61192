import assert from 'node:assert/strict';
import { compareVersions, parseProductVersion, upgradeVerdict } from '../../src/install/versions.ts';

const version = parseProductVersion;

describe('product versions and the upgrade rule', () => {
  it('compares part by part, numerically', () => {
    assert.equal(compareVersions(version('1.0.6385.0012'), version('1.0.6385.0011')), 1);
    assert.equal(compareVersions(version('1.0.6385.0012'), version('1.0.6385.0012')), 0);
    assert.equal(compareVersions(version('1.0.999.0000'), version('1.0.6385.0000')), -1);
  });

  it('rejects text that is not four numbers', () => {
    assert.throws(() => version('1.0.6385'), /not a product version/);
    assert.throws(() => version('1.0.6385.12a'), /not a product version/);
  });

  it('refuses in-place upgrades from versions older than 1.0.6385.0012', () => {
    assert.deepEqual(upgradeVerdict(version('1.0.6000.0000'), version('1.0.7100.0000')), { allowed: false, reason: 'too-old' });
    assert.deepEqual(upgradeVerdict(version('1.0.6385.0011'), version('1.0.7100.0000')), { allowed: false, reason: 'too-old' });
  });

  it('allows upgrades from 1.0.6385.0012 on, but not sideways or downwards', () => {
    assert.deepEqual(upgradeVerdict(version('1.0.6385.0012'), version('1.0.7100.0000')), { allowed: true });
    assert.deepEqual(upgradeVerdict(version('1.0.7100.0000'), version('1.0.7100.0000')), { allowed: false, reason: 'same-version' });
    assert.deepEqual(upgradeVerdict(version('1.0.7200.0000'), version('1.0.7100.0000')), { allowed: false, reason: 'newer-installed' });
  });
});
