import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Where tests/support/epubcheck.ts sends an EPUB's path to be checked by the run's one EPUBCheck JVM. */
    epubcheckUrl: string;
  }
}

const SERVER_SOURCE = fileURLToPath(new URL('./EpubCheckServer.java', import.meta.url));
const EPUBCHECK_JAR = '/usr/share/java/epubcheck.jar';

/**
 * One EPUBCheck JVM for the whole test run (a vitest globalSetup). Each JVM
 * start with EPUBCheck's schemas costs ~13 s of CPU; six test files check
 * eleven EPUBs, so one warm JVM saves minutes of a 2-core run. Test files
 * reach it over local HTTP (POST the EPUB's path, get `{ code, report }`);
 * the JVM starts on the first request, so a run without EPUBCheck tests pays
 * nothing, and checks run one after another (EPUBCheck prints to the JVM's
 * one stdout).
 */
export default async function startEpubcheckServer(project: TestProject): Promise<() => Promise<void>> {
  let jvm: ReturnType<typeof startJvm> | undefined;
  let queue: Promise<unknown> = Promise.resolve();
  const server = createServer(async (req, res) => {
    let path = '';
    for await (const chunk of req) path += chunk;
    const check = queue.then(() => (jvm ??= startJvm()).check(path));
    queue = check.catch(() => undefined);
    try {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(await check));
    } catch (error) {
      jvm = undefined;
      res.writeHead(500, { 'content-type': 'text/plain' }).end(String(error));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  project.provide('epubcheckUrl', `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  return async () => {
    jvm?.stop();
    await new Promise((resolve) => server.close(resolve));
  };
}

/** The JVM running EpubCheckServer.java: paths in on stdin, "<code> <length>\n<report>" out on stdout. */
function startJvm() {
  // The source launcher compiles the one-file server at start (jdk.compiler ships in Debian's JRE too).
  const child: ChildProcessWithoutNullStreams = spawn('java', ['-cp', EPUBCHECK_JAR, SERVER_SOURCE], { stdio: ['pipe', 'pipe', 'pipe'] });
  let buffered = Buffer.alloc(0);
  let stderr = '';
  let waiting: { resolve: (r: { code: number; report: string }) => void; reject: (e: Error) => void } | undefined;
  child.stderr.on('data', (d) => (stderr += d));
  child.stdout.on('data', (data: Buffer) => {
    buffered = Buffer.concat([buffered, data]);
    const newline = buffered.indexOf(10);
    if (newline < 0 || !waiting) return;
    const [code, length] = buffered.subarray(0, newline).toString().split(' ').map(Number);
    if (buffered.length < newline + 1 + length) return;
    const report = buffered.subarray(newline + 1, newline + 1 + length).toString('utf8');
    buffered = buffered.subarray(newline + 1 + length);
    const done = waiting;
    waiting = undefined;
    done.resolve({ code, report });
  });
  child.on('exit', (code) => waiting?.reject(new Error(`the EPUBCheck JVM exited with ${code}: ${stderr}`)));
  return {
    check(path: string): Promise<{ code: number; report: string }> {
      if (child.exitCode !== null) return Promise.reject(new Error(`the EPUBCheck JVM exited with ${child.exitCode}: ${stderr}`));
      return new Promise((resolve, reject) => {
        waiting = { resolve, reject };
        child.stdin.write(`${path}\n`);
      });
    },
    stop: () => child.kill(),
  };
}
