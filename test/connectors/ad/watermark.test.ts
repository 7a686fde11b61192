import assert from 'node:assert/strict';
import { isWatermarkRejected } from '../../../src/engine/ports.ts';
import { decodeWatermark, encodeWatermark } from '../../../src/connectors/ad/watermark.ts';
import type { AdWatermark } from '../../../src/connectors/ad/watermark.ts';

describe('AD watermark', () => {
  const dirSync: AdWatermark = { version: 1, scope: 'abc', mechanism: 'dirsync', cookies: { 'DC=corp': 'TVNEUw==' } };
  const usn: AdWatermark = {
    version: 1,
    scope: 'abc',
    mechanism: 'usn',
    server: 'CN=NTDS Settings,CN=DC1',
    highestCommittedUsn: '4003',
    namingContexts: ['DC=corp'],
  };

  it('round-trips both mechanisms', () => {
    assert.deepEqual(decodeWatermark(encodeWatermark(dirSync), 'abc'), dirSync);
    assert.deepEqual(decodeWatermark(encodeWatermark(usn), 'abc'), usn);
  });

  it('rejects what it cannot resume from: not JSON, another version, another scope', () => {
    assert.throws(() => decodeWatermark('not json', 'abc'), isWatermarkRejected);
    assert.throws(() => decodeWatermark(JSON.stringify({ ...dirSync, version: 2 }), 'abc'), isWatermarkRejected);
    assert.throws(() => decodeWatermark(JSON.stringify({ ...usn, highestCommittedUsn: 'x' }), 'abc'), isWatermarkRejected);
    assert.throws(() => decodeWatermark(encodeWatermark(dirSync), 'other'), /scope .* changed/);
  });
});
