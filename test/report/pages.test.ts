// The pages and the CSV on their own: every value from the directory is text, never markup or a formula.
import assert from 'node:assert/strict';
import { toCsv } from '../../src/report/csv.ts';
import { readinessPage } from '../../src/report/readiness-page.ts';
import { objectPage } from '../../src/report/object-page.ts';
import { runPage } from '../../src/report/run-page.ts';

const hostile = `<script>alert("x")</script><img src=x onerror=alert(1)>'&`;

describe('report pages', () => {
  it('escape every value, in text and in attributes, and load nothing from elsewhere', () => {
    const readiness = readinessPage({
      scanned: 1,
      checkedAt: new Date('2026-12-01T00:00:00Z'),
      findings: [{ dn: `CN=${hostile}`, attribute: 'mail', value: hostile, code: 'Readiness.mail-malformed', severity: 'error', fix: hostile }],
    });
    const run = runPage({
      run: {
        id: 7,
        mode: 'full',
        status: 'completed-export-errors',
        startedAt: new Date('2026-12-01T00:00:00Z'),
        endedAt: new Date('2026-12-01T00:00:05Z'),
        counts: { added: 1, updated: 0, deleted: 0, unchanged: 0, errors: 1, notExportable: 0, reverted: 0, restored: 0 },
        message: hostile,
      },
      changes: [
        {
          anchor: 'a',
          dn: `CN=${hostile}`,
          kind: 'user',
          action: 'added',
          attributes: [{ name: 'displayName', old: null, new: hostile }],
          reason: null,
        },
      ],
      deleted: [],
      errors: [{ dn: `CN=${hostile}`, anchor: 'a', code: `"><b>${hostile}`, message: hostile }],
      actionFor: () => hostile,
      explainCommand: (anchor) => `dirsync explain --anchor ${anchor} ${hostile}`,
    });
    const object = objectPage({
      identity: `the UPN ${hostile}`,
      dn: `CN=${hostile}`,
      anchor: hostile,
      objectType: 'user',
      directory: { readAs: hostile, state: 'hidden', reason: hostile },
      inScope: null,
      scopeReason: hostile,
      match: { state: 'linked', cloudId: hostile, by: hostile, sinceRunId: 3, reason: hostile },
      cloudId: hostile,
      attributes: [{ target: hostile, desired: hostile, exported: [hostile], cloud: { nested: hostile } }],
      drift: [{ dn: hostile, anchor: hostile, attribute: hostile, cloudValue: hostile, adValue: hostile }],
      nextCycle: [{ action: 'update', method: 'PATCH', url: `/users/${hostile}`, body: { displayName: hostile }, note: hostile }],
      withheld: [{ dn: hostile, objectType: 'user', reason: hostile }],
      errors: [{ runId: null, code: hostile, message: hostile }],
      retry: { queued: true, position: 1, queueLength: 1 },
      history: [
        {
          runId: 3,
          mode: 'delta',
          endedAt: new Date(0),
          action: 'updated',
          changes: [{ name: hostile, old: hostile, new: hostile }],
          detail: hostile,
        },
      ],
    });
    for (const page of [readiness, run, object]) {
      assert.doesNotMatch(page, /<script|<img|<b>|onerror=alert\(1\)>/);
      assert.match(page, /&#60;script&#62;alert\(&#34;x&#34;\)&#60;\/script&#62;/);
      // Attribute values set aside (a value's quotes are escaped, so every " delimits one), no tag loads anything.
      assert.doesNotMatch(page.replace(/"[^"]*"/g, '""'), /<[^>]*\b(src|href)=|url\(|@import/, 'no element loads anything');
    }
    assert.match(run, /data-code="&#34;&#62;&#60;b&#62;/, 'attribute values are escaped too');
    assert.match(object, /data-target="&#60;script&#62;/, 'the object page escapes its attribute values too');
    assert.match(run, /dirsync explain --anchor a &#60;script&#62;/, 'each object of the run report carries its explain command, escaped');
  });

  it('lists what was changed in the cloud and sent back to AD, cloud value → AD value, with the counts', () => {
    const run = runPage({
      run: {
        id: 8,
        mode: 'delta',
        status: 'success',
        startedAt: new Date('2026-12-01T00:00:00Z'),
        endedAt: new Date('2026-12-01T00:00:02Z'),
        counts: { added: 0, updated: 0, deleted: 0, unchanged: 3, errors: 0, notExportable: 0, reverted: 1, restored: 1 },
        message: null,
      },
      changes: [
        {
          anchor: 'z',
          dn: 'CN=Zoe,OU=Sales',
          kind: 'user',
          action: 'reverted',
          attributes: [{ name: 'department', old: 'Helpdesk', new: 'Sales' }],
          reason: 'changed in the cloud',
        },
        {
          anchor: 'p',
          dn: 'CN=Paul,OU=Platform',
          kind: 'user',
          action: 'restored',
          attributes: [{ name: 'displayName', old: null, new: 'Paul' }],
          reason: null,
        },
      ],
      deleted: [],
      errors: [],
      actionFor: () => '',
      explainCommand: (anchor) => `dirsync explain --anchor ${anchor}`,
    });
    const drift = /<table[^>]*id="cloud-drift"[\s\S]*?<\/table>/.exec(run)?.[0] ?? '';
    assert.match(drift, /reverted user[\s\S]*CN=Zoe,OU=Sales[\s\S]*department[\s\S]*<del>Helpdesk<\/del> → <ins>Sales<\/ins>/);
    assert.doesNotMatch(drift, /Paul/, 'a restored object is listed with the added and updated ones');
    assert.match(run, /restored user[\s\S]*CN=Paul,OU=Platform/);
  });

  it("marks a standby's run as such, and only a standby's", () => {
    const page = (mode: 'delta' | 'standby-delta') =>
      runPage({
        run: {
          id: 3,
          mode,
          status: 'success',
          startedAt: new Date(),
          endedAt: new Date(),
          counts: { added: 2, updated: 0, deleted: 0, unchanged: 0, errors: 0, notExportable: 0, reverted: 0, restored: 0 },
          message: null,
        },
        changes: [],
        deleted: [],
        errors: [],
        actionFor: () => '',
        explainCommand: () => '',
      });
    assert.match(page('standby-delta'), /id="standby">A standby installation's run \(staging mode\): nothing was sent to Entra ID/);
    assert.doesNotMatch(page('delta'), /id="standby"/);
  });

  it('writes CSV fields quoted, quotes doubled, and formulas defused', () => {
    assert.equal(
      toCsv(
        ['a', 'b'],
        [
          ['=HYPERLINK("x")', 'say "hi"'],
          ['+1', 'plain'],
        ],
      ),
      '"a","b"\r\n"\'=HYPERLINK(""x"")","say ""hi"""\r\n"\'+1","plain"\r\n',
    );
  });
});
