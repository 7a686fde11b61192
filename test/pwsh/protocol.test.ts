import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { promisify } from 'node:util';
import type { PowerShell } from 'node-powershell';
import { runModuleRequest } from '../../src/cli/verbs/module-request.ts';
import { CMDLET_OF_COMMAND } from '../../src/core/advice.ts';
import { DirSyncError } from '../../src/core/errors.ts';
import { shippedArtefacts } from '../support/shipped-artefacts.ts';
import { encodeString, Guid, toCliXml, TypedObject } from '../../src/protocol/clixml.ts';
import { findCommand, registerCommand } from '../../src/protocol/command-registry.ts';
import { registerModuleCommands } from '../../src/protocol/module-commands.ts';
import { MODULE_CONTRACT_FILE, moduleContract, moduleContractFile, PROTOCOL_VERSION } from '../../src/protocol/module-contract.ts';
import { parseModuleRequest, receiveModuleRequest } from '../../src/protocol/module-request.ts';
import { toModuleShape } from '../../src/protocol/module-shapes.ts';
import { toPowerShellDataFile } from '../../src/protocol/powershell-data.ts';
import { ProtocolOutput } from '../../src/protocol/protocol-output.ts';
import { startPowerShell, text } from './pwsh-session.ts';

const repositoryRoot = resolve(import.meta.dirname, '..', '..');

/** A PowerShell single-quoted literal. */
function quote(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

describe('the module protocol', function () {
  this.timeout(120_000);

  describe('CliXml, deserialized by the real engine', () => {
    let shell: PowerShell;
    before(() => {
      shell = startPowerShell();
    });
    after(async () => {
      await shell.dispose();
    });

    async function deserialize(value: unknown): Promise<void> {
      const document = toCliXml(value);
      assert.doesNotMatch(document, /\n/, 'one document per line');
      await shell.invoke(`$o = [System.Management.Automation.PSSerializer]::Deserialize(${quote(document)})`);
    }

    async function typeAndValue(expression: string): Promise<string> {
      return text(await shell.invoke(`$v = ${expression}; if ($null -eq $v) { '<null>' } else { $v.GetType().FullName + ' ' + [string]$v }`));
    }

    it('keeps the primitive types and their values', async () => {
      await deserialize({
        int32: -2147483648,
        int64: 2 ** 31,
        bigint: 9007199254740993n,
        double: 0.1,
        infinity: Infinity,
        yes: true,
        no: false,
        when: new Date('2026-03-04T05:06:07.089Z'),
        nothing: null,
        id: new Guid('0F8FAD5B-D9CB-469F-A165-70867728950E'),
      });
      assert.equal(await typeAndValue('$o.int32'), 'System.Int32 -2147483648');
      assert.equal(await typeAndValue('$o.int64'), 'System.Int64 2147483648');
      assert.equal(await typeAndValue('$o.bigint'), 'System.Int64 9007199254740993');
      assert.equal(await typeAndValue('$o.double'), 'System.Double 0.1');
      assert.equal(await typeAndValue('[double]::IsPositiveInfinity($o.infinity)'), 'System.Boolean True');
      assert.equal(await typeAndValue('$o.yes'), 'System.Boolean True');
      assert.equal(await typeAndValue('$o.no'), 'System.Boolean False');
      assert.equal(await typeAndValue("$o.when.ToString('o') + ' ' + $o.when.Kind"), 'System.String 2026-03-04T05:06:07.0890000Z Utc');
      assert.equal(await typeAndValue('$o.nothing'), '<null>');
      assert.equal(await typeAndValue('$o.id'), 'System.Guid 0f8fad5b-d9cb-469f-a165-70867728950e');
    });

    it('restores every character of a string, including markup, control characters, surrogates and _x sequences', async () => {
      const tricky = 'a<b>&"c\' \r\n\t\u0000\u0001\u001f\u007f é 😀 _x0020_ _x _ end';
      await deserialize({ tricky, odd_x0041_name: 1 });
      const codes = text(await shell.invoke("($o.tricky.ToCharArray() | ForEach-Object { [int]$_ }) -join ','"));
      assert.equal(
        codes,
        [...tricky].flatMap((character) => [...Array(character.length).keys()].map((index) => character.charCodeAt(index))).join(','),
      );
      assert.equal(text(await shell.invoke("$o.'odd_x0041_name'")), '1');
    });

    it('escapes as MS-PSRP shows: control characters and a leading _x', () => {
      assert.equal(encodeString('Order\nDetails'), 'Order_x000A_Details');
      assert.equal(encodeString('Order_Details'), 'Order_Details');
      assert.equal(encodeString('Order_x0020_'), 'Order_x005F_x0020_');
    });

    it('keeps nested objects, their type names, arrays and hashtables', async () => {
      await deserialize(
        new TypedObject('DirSync.Sample', {
          counts: { created: 3, deleted: 0 },
          items: ['one', 2, [3], { four: 4 }],
          owner: new TypedObject('DirSync.Owner', { name: 'n' }),
          byKind: new Map<string, number>([['user', 7]]),
        }),
      );
      assert.equal(text(await shell.invoke('$o.PSTypeNames[0]')), 'Deserialized.DirSync.Sample');
      assert.equal(text(await shell.invoke('$o.owner.PSTypeNames[0] + " " + $o.owner.name')), 'Deserialized.DirSync.Owner n');
      assert.equal(text(await shell.invoke('$o.counts.created + $o.counts.deleted')), '3');
      assert.equal(text(await shell.invoke('$o.items.Count; $o.items[1].GetType().Name; $o.items[2][0]; $o.items[3].four')), '4\nInt32\n3\n4');
      assert.equal(text(await shell.invoke("$o.byKind.GetType().Name + ' ' + $o.byKind['user']")), 'Hashtable 7');
    });

    it('refuses what it cannot represent instead of writing a wrong document', () => {
      const cycle: Record<string, unknown> = {};
      cycle.self = cycle;
      assert.throws(() => toCliXml(cycle), /contains itself/);
      assert.throws(() => toCliXml(() => 1), /Cannot serialize a function/);
      assert.throws(() => toCliXml(2n ** 63n), /Int64/);
      assert.throws(() => new Guid('not-a-guid'), /Not a GUID/);
    });
  });

  describe('requests', () => {
    it('accepts a command with parameters and secrets, defaulting both to empty', () => {
      assert.deepEqual(parseModuleRequest('{"command":"sync","parameters":{"path":"/x","full":true},"secrets":{"adPassword":"p"}}'), {
        command: 'sync',
        parameters: { path: '/x', full: true },
        secrets: { adPassword: 'p' },
      });
      assert.deepEqual(parseModuleRequest('{"command":"version"}'), { command: 'version', parameters: {}, secrets: {} });
      assert.equal(parseModuleRequest('{"protocolVersion":3,"command":"version"}').protocolVersion, 3);
    });

    for (const [what, request] of [
      ['empty input', ''],
      ['text that is not JSON', '{"command":'],
      ['a request without a command', '{"parameters":{}}'],
      ['a secret that is not a string', '{"command":"sync","secrets":{"adPassword":1}}'],
      ['an unknown field', '{"command":"sync","extra":1}'],
    ] as const) {
      it(`rejects ${what} with Module.invalid-request`, () => {
        assert.throws(
          () => parseModuleRequest(request),
          (error: unknown) => error instanceof DirSyncError && error.code === 'Module.invalid-request' && error.category === 'InvalidArgument',
        );
      });
    }
  });

  describe('dispatch', () => {
    /** Runs a request as the module sends it (of this protocol version, unless it names one); answers the lines after the Hello. */
    async function dispatch(request: string): Promise<{ exitCode: number; lines: string[]; hello: string }> {
      const lines: string[] = [];
      const json = JSON.parse(request) as Record<string, unknown>;
      const sent = JSON.stringify({ protocolVersion: PROTOCOL_VERSION, ...json });
      const exitCode = await runModuleRequest(Readable.from([sent]), new ProtocolOutput((line) => lines.push(line)));
      const [hello = '', ...rest] = lines;
      return { exitCode, lines: rest, hello };
    }

    before(() => {
      registerCommand('test-echo', async (parameters, secrets, output) => {
        output.progress({ activity: 'Echoing', status: 'half', current: 1, total: 2 });
        output.result({ typeName: 'DirSync.Echo', properties: { parameters, secretNames: Object.keys(secrets) } });
        return 3;
      });
      registerCommand('test-fail', async () => {
        throw new DirSyncError('ActiveDirectory.unreachable', 'no way', { target: 'dc01' });
      });
      registerCommand('test-crash', async () => {
        throw new TypeError('undefined is not a function');
      });
      registerCommand(
        'test-outcome',
        async (_parameters, _secrets, output) => {
          output.result({ typeName: 'DirSync.SyncRun', properties: { runId: 7 } });
          return 4;
        },
        { 4: 'Sync.deletion-threshold-exceeded' },
      );
    });

    it('answers first with the Hello: the protocol version and the product version', async () => {
      const { hello } = await dispatch('{"command":"test-echo"}');
      assert.match(
        hello,
        new RegExp(
          `<T>DirSync\\.Protocol\\.Hello</T>.*<I32 N="protocolVersion">${PROTOCOL_VERSION}</I32><S N="productVersion">\\d+\\.\\d+\\.\\d+\\.\\d+</S>`,
        ),
      );
    });

    for (const [what, name, version] of [
      ['an older module (its request names no version)', 'none', undefined],
      ['a module of the previous protocol', 'older', PROTOCOL_VERSION - 1],
      ['a module of a newer protocol', 'newer', PROTOCOL_VERSION + 1],
    ] as const) {
      it(`refuses ${what} with Module.protocol-mismatch, exit 2, and runs nothing`, async () => {
        let ran = false;
        registerCommand(`test-refused-${name}`, async () => {
          ran = true;
          return 0;
        });
        const lines: string[] = [];
        const request = JSON.stringify({
          ...(version === undefined ? {} : { protocolVersion: version }),
          command: `test-refused-${name}`,
        });
        const exitCode = await runModuleRequest(Readable.from([request]), new ProtocolOutput((line) => lines.push(line)));
        assert.equal(exitCode, 2);
        assert.equal(ran, false);
        assert.equal(lines.length, 2, 'the Hello, then the refusal');
        assert.match(
          lines[1] ?? '',
          /<S N="code">Module\.protocol-mismatch<\/S>.*speaks module protocol 3, and the PowerShell module .* speaks .*it ran nothing.*<B N="terminating">true<\/B><I32 N="exitCode">2<\/I32>/,
        );
      });
    }

    it('says what each command means by its exit codes 3 and 4: export errors and the deletion threshold for runs, errors found for readiness', () => {
      registerModuleCommands();
      for (const command of ['sync', 'configure', 'restore']) {
        assert.deepEqual(findCommand(command)?.outcomes, { 3: 'Sync.completed-with-export-errors', 4: 'Sync.deletion-threshold-exceeded' }, command);
      }
      assert.deepEqual(findCommand('readiness')?.outcomes, { 3: 'Readiness.errors-found' });
      assert.deepEqual(findCommand('status')?.outcomes, {});
    });

    it("words the scheduler's warning about a failed cycle in PowerShell's words", async () => {
      const work = await mkdtemp(join(tmpdir(), 'dirsync-service-'));
      try {
        const path = join(work, 'Not Configured');
        assert.equal((await dispatch(JSON.stringify({ command: 'install', parameters: { path, upgrade: false } }))).exitCode, 0);
        const { exitCode, lines } = await dispatch(JSON.stringify({ command: 'service', parameters: { path, cycles: 1, intervalMinutes: 1 } }));
        assert.equal(exitCode, 0, 'the schedule goes on after a failed cycle');
        const warning = lines.find((line) => line.includes('DirSync.Protocol.Warning')) ?? '';
        assert.match(warning, /Cycle 1 failed \[Configuration\.required\].*run Set-CoexistenceConfiguration -InstallPath '[^']*Not Configured'/);
        assert.doesNotMatch(warning, /dirsync configure|--path/);
      } finally {
        await rm(work, { recursive: true, force: true });
      }
    });

    it("reports an outcome other than success as a non-terminating error after the command's results, with the advice in PowerShell's words", async () => {
      const { exitCode, lines } = await dispatch('{"command":"test-outcome"}');
      assert.equal(exitCode, 4);
      assert.equal(lines.length, 2);
      assert.match(lines[0] ?? '', /DirSync\.Protocol\.Result/);
      assert.match(
        lines[1] ?? '',
        /<S N="code">Sync\.deletion-threshold-exceeded<\/S><S N="category">LimitsExceeded<\/S>.*<S N="recommendedAction">[^<]*Start-OnlineCoexistenceSync -AcceptDeletes\.<\/S>.*<B N="terminating">false<\/B>/,
      );
      assert.doesNotMatch(lines[1] ?? '', /--accept-deletes/);
    });

    it('runs the registered handler and returns its exit code', async () => {
      const { exitCode, lines } = await dispatch('{"command":"test-echo","parameters":{"a":1},"secrets":{"s":"hidden"}}');
      assert.equal(exitCode, 3, 'a command without outcomes says nothing more about its exit code');
      assert.equal(lines.length, 2);
      assert.match(lines[0] ?? '', /<T>DirSync\.Protocol\.Progress<\/T>.*<I32 N="percent">50<\/I32>/);
      assert.match(lines[1] ?? '', /<T>DirSync\.Protocol\.Result<\/T>.*<T>DirSync\.Echo<\/T>/);
      assert.doesNotMatch(lines.join(''), /hidden/);
    });

    it('turns a DirSyncError into an Error message with its code and the exit code of its category', async () => {
      const { exitCode, lines } = await dispatch('{"command":"test-fail"}');
      assert.equal(exitCode, 1);
      assert.match(
        lines.at(-1) ?? '',
        /<T>DirSync\.Protocol\.Error<\/T>.*<S N="code">ActiveDirectory\.unreachable<\/S><S N="category">ConnectionError<\/S>.*<S N="target">dc01<\/S><B N="terminating">true<\/B><I32 N="exitCode">1<\/I32>/,
      );
    });

    it('reports any other exception as Internal.unexpected, exit 1, with the stack on the verbose stream', async () => {
      const { exitCode, lines } = await dispatch('{"command":"test-crash"}');
      assert.equal(exitCode, 1);
      assert.match(lines[0] ?? '', /DirSync\.Protocol\.Verbose.*TypeError: undefined is not a function/);
      assert.match(lines[1] ?? '', /<S N="code">Internal\.unexpected<\/S>.*<I32 N="exitCode">1<\/I32>/);
    });

    it('answers an unknown command with exit 2 and the list of known ones', async () => {
      const { exitCode, lines } = await dispatch('{"command":"no-such-command"}');
      assert.equal(exitCode, 2);
      assert.match(lines[0] ?? '', /Module\.unknown-command.*it knows: .*version/);
    });
  });
  describe('PowerShell shapes of results', () => {
    it("flattens a run's counts, names the error count ErrorCount and types its errors and plan", () => {
      const startedAt = new Date('2026-03-04T05:06:07Z');
      const shaped = toModuleShape({
        typeName: 'DirSync.SyncRun',
        properties: {
          runId: 3,
          mode: 'delta',
          status: 'completed-export-errors',
          startedAt,
          endedAt: null,
          counts: { added: 1, updated: 2, deleted: 3, unchanged: 4, errors: 1, notExportable: 0 },
          errors: [{ dn: 'CN=A,DC=x', anchor: 'YQ==', code: 'Request_BadRequest', message: 'bad' }],
          message: null,
          plan: [{ action: 'create', anchor: 'YQ==', dn: 'CN=A,DC=x', objectType: 'user' }],
        },
      });
      assert.equal(shaped.typeName, 'DirSync.SyncRun');
      assert.deepEqual(Object.keys(shaped.properties), [
        'RunId',
        'Mode',
        'Status',
        'StartedAt',
        'EndedAt',
        'Added',
        'Updated',
        'Deleted',
        'Unchanged',
        'NotExportable',
        'ErrorCount',
        'Errors',
        'Message',
        'Plan',
      ]);
      assert.equal(shaped.properties.StartedAt, startedAt);
      assert.equal(shaped.properties.ErrorCount, 1);
      const [error] = shaped.properties.Errors as TypedObject[];
      assert.equal(error?.typeName, 'DirSync.SyncError');
      assert.deepEqual(error?.properties, { DistinguishedName: 'CN=A,DC=x', Anchor: 'YQ==', Code: 'Request_BadRequest', Message: 'bad' });
      const [operation] = shaped.properties.Plan as TypedObject[];
      assert.equal(operation?.typeName, 'DirSync.PlannedOperation');
      assert.equal(operation?.properties.Action, 'create');
    });

    it("keeps a run's count of reverted objects as Reverted and lists the changes as RevertedChanges, typed", () => {
      const change = { dn: 'CN=Z,DC=x', anchor: 'eg==', attribute: 'department', cloudValue: 'Helpdesk', adValue: 'Sales' };
      const shaped = toModuleShape({
        typeName: 'DirSync.SyncRun',
        properties: {
          runId: 4,
          mode: 'delta',
          status: 'success',
          startedAt: new Date(),
          endedAt: new Date(),
          counts: { added: 0, updated: 0, deleted: 0, unchanged: 9, errors: 0, notExportable: 0, reverted: 1, restored: 2 },
          errors: [],
          message: null,
          reverted: [change],
          drift: [change],
        },
      });
      assert.equal(shaped.properties.Reverted, 1);
      assert.equal(shaped.properties.Restored, 2);
      const [reverted] = shaped.properties.RevertedChanges as TypedObject[];
      assert.equal(reverted?.typeName, 'DirSync.CloudChange');
      assert.deepEqual(reverted?.properties, {
        DistinguishedName: 'CN=Z,DC=x',
        Anchor: 'eg==',
        Attribute: 'department',
        CloudValue: 'Helpdesk',
        AdValue: 'Sales',
      });
      assert.equal((shaped.properties.Drift as TypedObject[])[0]?.typeName, 'DirSync.CloudChange');
    });

    it('types each readiness finding, which Test-CoexistenceReadiness writes one by one', () => {
      const finding = { dn: 'CN=A,DC=x', attribute: 'mail', value: 'a@@x', code: 'Readiness.mail-malformed', severity: 'error', fix: 'Correct it.' };
      const shaped = toModuleShape({ typeName: 'DirSync.ReadinessReport', properties: { scanned: 1, findings: [finding] } });
      const [item] = shaped.properties.Findings as TypedObject[];
      assert.equal(item?.typeName, 'DirSync.ReadinessFinding');
      assert.deepEqual(item?.properties, {
        DistinguishedName: 'CN=A,DC=x',
        Attribute: 'mail',
        Value: 'a@@x',
        Code: 'Readiness.mail-malformed',
        Severity: 'error',
        Fix: 'Correct it.',
      });
    });

    it("spells OU lists like the cmdlet parameters and leaves other results' values as they are", () => {
      const shaped = toModuleShape({
        typeName: 'DirSync.Configuration',
        properties: { path: '/x', includeOus: ['OU=A'], excludeOus: [], adServer: null, checks: [{ name: 'bind', passed: true }] },
      });
      assert.deepEqual(Object.keys(shaped.properties), ['Path', 'IncludeOU', 'ExcludeOU', 'AdServer', 'Checks']);
      assert.deepEqual(shaped.properties.IncludeOU, ['OU=A']);
      assert.equal((shaped.properties.Checks as TypedObject[])[0]?.typeName, 'DirSync.ConfigurationCheck');
    });
  });

  describe('cancellation on stdin', () => {
    const request = '{"command":"sync","parameters":{"path":"/x"},"cancellation":"stdin"}';

    it('reads the first line as the request and aborts the signal when the line cancel arrives', async () => {
      const input = new PassThrough();
      input.write(`${request}\n`);
      const received = await receiveModuleRequest(input);
      assert.equal(received.request.command, 'sync');
      assert.equal(received.signal?.aborted, false);
      input.write('noise\n');
      await new Promise((resolve) => setImmediate(resolve));
      assert.equal(received.signal?.aborted, false, 'only the line cancel cancels');
      const aborted = new Promise((resolve) => received.signal?.addEventListener('abort', resolve));
      input.write('cancel\n');
      await aborted;
      received.stopListening();
    });

    it('treats the end of stdin as a cancellation: the module that could cancel is gone', async () => {
      const input = new PassThrough();
      input.write(`${request}\n`);
      const received = await receiveModuleRequest(input);
      const aborted = new Promise((resolve) => received.signal?.addEventListener('abort', resolve));
      input.end();
      await aborted;
    });

    it('without the field, reads stdin to its end and gives no signal', async () => {
      const received = await receiveModuleRequest(Readable.from(['{"command":"version",\n', '"parameters":{}}']));
      assert.deepEqual(received.request, { command: 'version', parameters: {}, secrets: {} });
      assert.equal(received.signal, undefined);
    });

    it('hands the signal to the handler, which stops when the module cancels', async () => {
      let seen: AbortSignal | undefined;
      registerCommand('test-wait', async (_parameters, _secrets, output, signal) => {
        seen = signal;
        await new Promise((resolve) => signal?.addEventListener('abort', resolve));
        output.warning('stopped');
        return 0;
      });
      const input = new PassThrough();
      const lines: string[] = [];
      const running = runModuleRequest(input, new ProtocolOutput((line) => lines.push(line)));
      input.write(`{"protocolVersion":${PROTOCOL_VERSION},"command":"test-wait","cancellation":"stdin"}\n`);
      await new Promise((resolve) => setTimeout(resolve, 50));
      input.write('cancel\n');
      assert.equal(await running, 0);
      assert.equal(seen?.aborted, true);
      assert.match(lines[1] ?? '', /DirSync\.Protocol\.Warning.*stopped/);
      assert.equal(input.destroyed, true, 'stdin is let go once the command is done');
    });
  });

  describe("the module's contract, generated from the core", () => {
    let shell: PowerShell;
    let work: string;
    before(async () => {
      shell = startPowerShell();
      work = await mkdtemp(join(tmpdir(), 'dirsync-contract-'));
      await shell.invoke(`Import-Module ${quote(join(shippedArtefacts().moduleRoot, 'DirSync.psd1'))}`);
    });
    after(async () => {
      await shell.dispose();
      await rm(work, { recursive: true, force: true });
    });

    /** A data file read by the module's own loader, back as JSON. */
    async function load(file: string): Promise<unknown> {
      const json = text(
        await shell.invoke(`& (Get-Module DirSync) { Import-DirSyncContract -Path ${quote(file)} } | ConvertTo-Json -Depth 6 -Compress`),
      );
      return JSON.parse(json);
    }

    it('is what the build wrote: the module loads the current core, not an old copy', async () => {
      assert.equal(await readFile(join(repositoryRoot, MODULE_CONTRACT_FILE), 'utf8'), moduleContractFile());
    });

    it('reads back in PowerShell as the core wrote it: exit codes, every error code with its category and advice, defaults, versions', async () => {
      const file = join(work, 'contract.psd1');
      await writeFile(file, moduleContractFile());
      assert.deepEqual(await load(file), moduleContract());
    });

    it('keeps every character of a string: quotes (typographic ones too), $ and backticks, non-ASCII text', async () => {
      const file = join(work, 'tricky.psd1');
      const tricky = "it's ‘quoted’ ‚so‛ — $env:HOME `n “twice” é 😀";
      await writeFile(file, toPowerShellDataFile({ Tricky: tricky, 'Dotted.key-name': [1, true, null] }, 'header'));
      assert.deepEqual(await load(file), { Tricky: tricky, 'Dotted.key-name': [1, true, null] });
    });

    it("says every piece of advice to the module in PowerShell's words: no command-line option, no dirsync command", () => {
      const errors = (moduleContract() as { Errors: Record<string, { Action: string }> }).Errors;
      for (const [code, { Action }] of Object.entries(errors)) {
        assert.doesNotMatch(Action, /(^|[\s("])--[a-z]|\bdirsync [a-z]/, code);
      }
      assert.equal(errors['Installation.not-installed']?.Action, 'Run Install-OnlineCoexistenceTool first, or give the right -InstallPath.');
    });
  });

  describe('every command-line verb has its cmdlet', () => {
    it('names a cmdlet for each command of the command line, and the module exports each', async () => {
      // The commands as the built executable's --help lists them (two-space indent, name first).
      const { stdout } = await promisify(execFile)(process.execPath, [shippedArtefacts().bundle, '--help']);
      const listed = stdout.slice(stdout.indexOf('Commands:'));
      const verbs = [...listed.matchAll(/^ {2}([a-z][a-z-]*)/gm)]
        .map((match) => match[1])
        .filter((name) => name !== 'module-request' && name !== 'help');
      // A command with subcommands (settings export, …) is one verb of the top-level help.
      assert.deepEqual(verbs.sort(), [...new Set(Object.keys(CMDLET_OF_COMMAND).map((command) => command.split(' ')[0]))].sort());
      const manifest = await readFile(join(repositoryRoot, 'DirSync.psd1'), 'utf8');
      const exported =
        /FunctionsToExport\s*=\s*@\(([^)]*)\)/
          .exec(manifest)?.[1]
          ?.match(/'[^']+'/g)
          ?.map((name) => name.slice(1, -1)) ?? [];
      for (const cmdlet of Object.values(CMDLET_OF_COMMAND)) assert.ok(exported.includes(cmdlet), `DirSync.psd1 exports ${cmdlet}`);
    });
  });
});
