// Every error code of the catalogue, walked through both renderers: the terminal (text and --json) and the
// PowerShell module protocol. A code users can meet must read well everywhere and map to an exit code.
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { TerminalOutput } from '../../src/cli/terminal-output.ts';
import { exitCodeOfError, ExitCode } from '../../src/use-cases/exit-codes.ts';
import { DirSyncError, type ErrorCode } from '../../src/core/errors.ts';
import { ERROR_CODES, errorCatalogue } from '../../src/core/error-catalogue.ts';
import { cloudErrors } from '../../src/core/error-catalogue/cloud.ts';
import { onPremisesErrors } from '../../src/core/error-catalogue/directory.ts';
import { installationErrors } from '../../src/core/error-catalogue/installation.ts';
import { operationErrors } from '../../src/core/error-catalogue/operations.ts';
import { runErrors } from '../../src/core/error-catalogue/runs.ts';
import { ProtocolOutput } from '../../src/protocol/protocol-output.ts';

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function collect(stream: PassThrough): () => string {
  let text = '';
  stream.on('data', (chunk) => (text += chunk));
  return () => text;
}

describe('the error catalogue', () => {
  it('defines each code in exactly one area file (a spread would let a second definition win silently)', () => {
    const areas = [onPremisesErrors, cloudErrors, installationErrors, runErrors, operationErrors];
    const defined = areas.flatMap((area) => Object.keys(area));
    assert.deepEqual(
      defined.filter((code, at) => defined.indexOf(code) !== at),
      [],
    );
    assert.equal(defined.length, ERROR_CODES.length);
  });

  it('names every code Area.kebab-case, with a summary and an action that are sentences', () => {
    for (const code of ERROR_CODES) {
      assert.match(code, /^[A-Z][A-Za-z]+\.[a-z][a-z0-9]*(-[a-z0-9]+)*$/, code);
      const entry = errorCatalogue[code];
      assert.ok(entry.summary.length > 20 && /[.)]$/.test(entry.summary), `${code}: summary`);
      assert.ok(entry.action.length > 10, `${code}: action`);
    }
  });

  it('marks as transient exactly the conditions that pass by themselves (servers out of reach, throttling, a busy lock)', () => {
    const transient = ERROR_CODES.filter((code) => errorCatalogue[code].transient);
    assert.deepEqual(transient.sort(), [
      'ActiveDirectory.unreachable',
      'CloudConnection.connection-refused',
      'CloudConnection.host-not-found',
      'CloudConnection.network-error',
      'CloudConnection.proxy-failed',
      'CloudConnection.timed-out',
      'Graph.throttled',
      'Graph.unavailable',
      'Notification.undeliverable',
      'Store.unreachable',
      'Sync.already-running',
    ]);
  });

  for (const code of ERROR_CODES) {
    it(`renders ${code} on the terminal, in --json and for the module`, () => {
      const error = new DirSyncError(code as ErrorCode, undefined, { target: 'the-target' });
      const exitCode = exitCodeOfError(error);
      assert.ok(exitCode === ExitCode.runFailed || exitCode === ExitCode.usageOrConfiguration);

      const stdout = new PassThrough();
      const stderr = new PassThrough();
      const [out, err] = [collect(stdout), collect(stderr)];
      new TerminalOutput({ json: true, verbose: false, stdout, stderr }).error(error);
      assert.match(err(), new RegExp(`^error \\[${code.replace('.', '\\.')}\\]: .+\\n  what to do: .+`));
      const json = JSON.parse(out().trim().split('\n').at(-1)!) as { error: Record<string, string> };
      assert.deepEqual(json.error, {
        code,
        category: error.category,
        message: errorCatalogue[code].summary,
        recommendedAction: errorCatalogue[code].action,
        target: 'the-target',
      });

      const lines: string[] = [];
      new ProtocolOutput((line) => lines.push(line)).error(error);
      assert.equal(lines.length, 1);
      assert.match(
        lines[0]!,
        new RegExp(
          `<S N="code">${code.replace('.', '\\.')}</S><S N="category">${error.category}</S>.*<B N="terminating">true</B><I32 N="exitCode">${exitCode}</I32>`,
        ),
      );
      assert.doesNotMatch(`${err()}${out()}${lines[0]}`, /unexpected failure/i);
      assert.ok(
        lines[0]!.includes(`<S N="recommendedAction">${escapeXml(error.powerShellAction)}</S>`),
        'the module gets the advice in its own words',
      );
    });
  }
});
