// No SQL Server runs here (the contract suite skips it): Microsoft's own T-SQL parser checks every statement the SQL
// Server store can send, as SQL Server 2016 reads them, and that anchors and cloud ids have one collation (see
// test/tsql-check). Needs the .NET 10 SDK, as the pwsh tests do; the first run builds the tool (about 20 s).
import assert from 'node:assert/strict';
import { ANCHOR_COLLATION } from '../../src/store/migrations/migration.ts';
import { COLLATED_COLUMNS, ensureTsqlCheckBuilt, runTsqlCheck, sqlServerStatements } from '../tsql-check/check.ts';

describe('the T-SQL of the SQL Server store, read by Microsoft.SqlServer.TransactSql.ScriptDom', function () {
  this.timeout(300_000);

  before(() => {
    const buildMs = ensureTsqlCheckBuilt();
    if (buildMs > 0) console.log(`      (built the T-SQL check in ${(buildMs / 1000).toFixed(1)} s)`);
  });

  it('parses every statement as SQL Server 2016 T-SQL, and every anchor and cloud-id column declares the one collation', () => {
    const statements = sqlServerStatements();
    const { status, output } = runTsqlCheck({ collation: ANCHOR_COLLATION, collatedColumns: COLLATED_COLUMNS, statements });
    for (const line of output.trim().split('\n')) console.log(`      ${line}`);
    assert.match(output, new RegExp(`^${statements.length} T-SQL statements parsed, 0 errors$`, 'm'));
    const [, checked] = /^(\d+) anchor and cloud-id columns checked, 0 not declaring (\S+)$/m.exec(output) ?? [];
    // Tables and table types with anchors: links, memberships, run errors, retries, deleted objects, run changes,
    // deleted links, and the six table types: far more than 20 columns, so the check found them.
    assert.ok(Number(checked) >= 20, output);
    assert.equal(status, 0, output);
  });

  it('fails on a statement SQL Server 2016 cannot read and on a column of another collation, saying which', () => {
    const { status, output } = runTsqlCheck({
      collation: ANCHOR_COLLATION,
      collatedColumns: COLLATED_COLUMNS,
      statements: [
        { source: 'a typo', text: 'SELECT anchor FORM dbo.links' },
        { source: 'SQL Server 2022 syntax', text: 'SELECT anchor FROM dbo.links WHERE cloud_id IS DISTINCT FROM @cloudId' },
        {
          source: 'v3 as first released',
          text: 'CREATE TABLE dbo.retries (anchor nvarchar(128) COLLATE Latin1_General_100_BIN2 NOT NULL PRIMARY KEY)',
        },
        { source: 'a table type', text: 'CREATE TYPE dbo.ids AS TABLE (cloud_id nvarchar(64) NOT NULL)' },
      ],
    });
    assert.equal(status, 1, output);
    assert.match(output, /^a typo: line 1, column \d+: Incorrect syntax near 'dbo'/m);
    assert.match(output, /^SQL Server 2022 syntax: line 1, column \d+: Incorrect syntax near 'DISTINCT'/m);
    assert.match(output, /^4 T-SQL statements parsed, 2 errors$/m);
    assert.match(output, /^v3 as first released: retries\.anchor declares Latin1_General_100_BIN2, not Latin1_General_BIN2$/m);
    assert.match(output, /^a table type: ids\.cloud_id declares no collation, not Latin1_General_BIN2$/m);
    assert.match(output, /^2 anchor and cloud-id columns checked, 2 not declaring Latin1_General_BIN2$/m);
  });
});
