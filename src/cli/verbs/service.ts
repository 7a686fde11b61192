import type { Command } from 'commander';
import { parseParameters } from '../../use-cases/parameters.ts';
import { runService, serviceParameters } from '../../use-cases/service.ts';
import { integer, pick, runForTerminal, type CommonOptions } from '../run-command.ts';

export function registerService(program: Command, setExitCode: (code: number) => void): void {
  program
    .command('service')
    .description('run a synchronization cycle on a schedule (every 3 hours by default) until stopped with SIGTERM')
    .requiredOption('--path <dir>', 'installation directory')
    .option('--interval-minutes <n>', 'minutes between cycles (default: the configured interval, 180)', integer)
    .option('--cycles <n>', 'stop after this many cycles', integer)
    .option('--metrics-listen <host:port>', 'serve Prometheus metrics on /metrics and health on /healthz (e.g. 127.0.0.1:9464)')
    .option('--metrics-allow-remote', 'let --metrics-listen take an address other than loopback')
    .option('--verbose', 'say what is being done')
    .action(async (options: CommonOptions & Record<string, unknown>) => {
      setExitCode(
        await runForTerminal(options, (output, _secrets, signal) =>
          runService(
            parseParameters(serviceParameters, pick(options, ['path', 'intervalMinutes', 'cycles', 'metricsListen', 'metricsAllowRemote'])),
            output,
            signal,
          ),
        ),
      );
    });
}
