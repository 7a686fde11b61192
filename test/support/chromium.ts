// Debian's headless Chromium, driven over the DevTools protocol: open a page, evaluate expressions in the rendered
// DOM, take a screenshot. Tests of the HTML reports assert on what the browser built, not on the markup string.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

export interface RenderedPage {
  /** The value of a JavaScript expression evaluated in the page (JSON-serialisable). */
  evaluate<T>(expression: string): Promise<T>;
  /** Saves a full-page PNG screenshot. */
  screenshot(file: string): Promise<void>;
  close(): Promise<void>;
}

export async function openInChromium(file: string): Promise<RenderedPage> {
  const profile = await mkdtemp(join(tmpdir(), 'dirsync-chromium-'));
  const browser = spawn(
    'chromium',
    [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--no-first-run',
      '--remote-debugging-port=0',
      `--user-data-dir=${profile}`,
      '--window-size=1280,900',
      'about:blank',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  try {
    const browserUrl = await devToolsUrl(browser);
    const port = new URL(browserUrl).port;
    const url = pathToFileURL(file).href;
    const target = (await (await fetch(`http://127.0.0.1:${port}/json/new?${url}`, { method: 'PUT' })).json()) as { webSocketDebuggerUrl: string };
    const session = await connect(target.webSocketDebuggerUrl);
    await session.send('Page.enable');
    await waitForLoad(session, url);
    const evaluate = async <T>(expression: string): Promise<T> => {
      const reply = (await session.send('Runtime.evaluate', { expression, returnByValue: true })) as {
        result: { value: T };
        exceptionDetails?: unknown;
      };
      if (reply.exceptionDetails) throw new Error(`evaluating ${expression} failed: ${JSON.stringify(reply.exceptionDetails)}`);
      return reply.result.value;
    };
    return {
      evaluate,
      async screenshot(path: string): Promise<void> {
        // The whole page: the viewport is made as tall as the document first.
        const height = (await evaluate<number>('document.documentElement.scrollHeight')) || 900;
        await session.send('Emulation.setDeviceMetricsOverride', { width: 1280, height, deviceScaleFactor: 1, mobile: false });
        const reply = (await session.send('Page.captureScreenshot', { format: 'png' })) as { data: string };
        await writeFile(path, Buffer.from(reply.data, 'base64'));
      },
      async close(): Promise<void> {
        session.close();
        await stop(browser);
        await removeProfile(profile);
      },
    };
  } catch (error) {
    await stop(browser);
    await removeProfile(profile);
    throw error;
  }
}

async function devToolsUrl(browser: ChildProcess): Promise<string> {
  return await new Promise((resolve, reject) => {
    let text = '';
    const timer = setTimeout(() => reject(new Error(`chromium did not start its DevTools server: ${text}`)), 30_000);
    browser.stderr!.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      const match = /DevTools listening on (ws:\/\/\S+)/.exec(text);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
    browser.once('exit', (code) => reject(new Error(`chromium exited (${code}): ${text}`)));
  });
}

interface Session {
  send(method: string, params?: Record<string, unknown>): Promise<unknown>;
  close(): void;
}

async function connect(url: string): Promise<Session> {
  const socket = new WebSocket(url);
  await new Promise((resolve, reject) => {
    socket.addEventListener('open', resolve, { once: true });
    socket.addEventListener('error', reject, { once: true });
  });
  let nextId = 1;
  const pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  socket.addEventListener('message', (event) => {
    // Events (messages without an id) are not needed here.
    const message = JSON.parse(String(event.data)) as { id?: number; result?: unknown; error?: { message: string } };
    if (message.id === undefined) return;
    const waiter = pending.get(message.id);
    pending.delete(message.id);
    if (message.error) waiter?.reject(new Error(message.error.message));
    else waiter?.resolve(message.result);
  });
  return {
    send(method, params = {}) {
      const id = nextId++;
      socket.send(JSON.stringify({ id, method, params }));
      return new Promise((resolve, reject) => pending.set(id, { resolve, reject }));
    },
    close: () => socket.close(),
  };
}

/** The page was opened before the session attached: wait until it is the document at `url` (not the initial blank one), complete. */
async function waitForLoad(session: Session, url: string): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const reply = (await session.send('Runtime.evaluate', { expression: '[location.href, document.readyState]', returnByValue: true })) as {
      result: { value: [string, string] };
    };
    if (reply.result.value[0] === url && reply.result.value[1] === 'complete') return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('the page did not finish loading');
}

/** Chromium's helper processes may still write into the profile for a moment after the browser exits: retried. */
function removeProfile(profile: string): Promise<void> {
  return rm(profile, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
}

async function stop(browser: ChildProcess): Promise<void> {
  if (browser.exitCode !== null || browser.pid === undefined) return;
  const exited = new Promise((resolve) => browser.once('exit', resolve));
  browser.kill('SIGTERM');
  await exited;
}

/** Whether a file is a PNG (its signature), for tests that keep screenshots. */
export async function isPng(file: string): Promise<boolean> {
  const bytes = await readFile(file);
  return bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
}
