// Advice in two vocabularies: the terminal reads the command line's options, the PowerShell module its cmdlets and
// parameters, and neither is sent to the other's syntax.
import assert from 'node:assert/strict';
import { commandLine, powerShell, recommendedActions } from '../../src/core/advice.ts';
import { ERROR_CODES, errorCatalogue } from '../../src/core/error-catalogue.ts';
import { DirSyncError, type ErrorCode } from '../../src/core/errors.ts';

const COMMAND_LINE_SYNTAX = /(^|[\s("])--[a-z]|\bdirsync [a-z]/;

describe('advice in two vocabularies', () => {
  it('says a command to type in each vocabulary, quoting values that hold a space', () => {
    assert.equal(commandLine.run('install', '--upgrade', '--path', '/srv/dir sync'), 'dirsync install --upgrade --path "/srv/dir sync"');
    assert.equal(
      powerShell.run('install', '--upgrade', '--path', "C:\\Dir Sync's"),
      "Install-OnlineCoexistenceTool -Upgrade -InstallPath 'C:\\Dir Sync''s'",
    );
    assert.equal(powerShell.run('sync', '--preview', '--save-plan'), 'Start-OnlineCoexistenceSync -WhatIf -SavePlan');
    assert.equal(powerShell.option('--include-ou'), '-IncludeOU');
    assert.equal(commandLine.command('promote'), 'promote');
  });

  for (const code of ERROR_CODES) {
    it(`gives ${code} advice in PowerShell's words, and keeps the command line's own for the terminal`, () => {
      const error = new DirSyncError(code as ErrorCode);
      assert.doesNotMatch(error.powerShellAction, COMMAND_LINE_SYNTAX);
      assert.equal(error.recommendedAction, errorCatalogue[code].action);
      if (COMMAND_LINE_SYNTAX.test(error.recommendedAction)) assert.notEqual(error.powerShellAction, error.recommendedAction);
    });
  }

  it("prefers an error's own advice to the catalogue's, in each vocabulary", () => {
    const own = new DirSyncError(
      'Configuration.required',
      'not configured',
      recommendedActions((say) => `run ${say.run('configure', '--path', '/x')}`),
    );
    assert.equal(own.recommendedAction, 'run dirsync configure --path /x');
    assert.equal(own.powerShellAction, 'run Set-CoexistenceConfiguration -InstallPath /x');
    const saidOnce = new DirSyncError('Configuration.required', 'not configured', { recommendedAction: 'ask the administrator' });
    assert.equal(saidOnce.powerShellAction, 'ask the administrator', 'advice for this case beats the general advice, even said one way');
  });
});
