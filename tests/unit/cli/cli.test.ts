import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeFilesAtomic } from '../../../src/cli/write-atomic.ts';
import { runCli } from './run-cli.ts';

let out: string;
beforeEach(() => {
  out = mkdtempSync(join(tmpdir(), 'bindery-cli-'));
});
afterEach(() => rmSync(out, { recursive: true, force: true }));

/** The output folder as the CLI is given it: relative to the working directory, like a user would type. */
const outArg = () => relative(process.cwd(), out);

describe('bindery build', () => {
  it('writes <slug>.epub and <slug>.json describing the build', async () => {
    const run = await runCli(['build', 'books/ai-video-handbook', '--out', outArg(), '--quiet']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toBe('');
    expect(readdirSync(out).sort()).toEqual(['ai-video-handbook.epub', 'ai-video-handbook.json']);
    const epub = readFileSync(join(out, 'ai-video-handbook.epub'));
    const facts = JSON.parse(readFileSync(join(out, 'ai-video-handbook.json'), 'utf8'));
    expect(facts).toMatchObject({ slug: 'ai-video-handbook', title: '生成式影片工具實戰手冊', language: 'zh-Hant', warnings: [] });
    expect(facts.chapters).toHaveLength(5);
    expect(facts.characters).toBeGreaterThan(3000);
    expect(facts.files).toEqual([
      expect.objectContaining({ filename: 'ai-video-handbook.epub', size: epub.byteLength, sha256: createHash('sha256').update(epub).digest('hex') }),
    ]);
  });

  it('prints progress and a summary on stderr unless --quiet, and the written paths on stdout', async () => {
    const run = await runCli(['build', 'books/remote-newsroom-playbook', '--out', outArg()]);
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/\[\s*0%\] epub: /);
    expect(run.stderr).toContain('built "The Remote Newsroom Playbook"');
    expect(run.stdout.trim().split('\n')).toEqual([join(outArg(), 'remote-newsroom-playbook.epub'), join(outArg(), 'remote-newsroom-playbook.json')]);
  });

  it('writes the same bytes on every build, and honours SOURCE_DATE_EPOCH', async () => {
    await runCli(['build', 'tests/fixtures/books/edge-cases', '--out', outArg(), '--quiet']);
    const first = readFileSync(join(out, 'edge-cases.epub'));
    await runCli(['build', 'tests/fixtures/books/edge-cases', '--out', outArg(), '--quiet']);
    expect(readFileSync(join(out, 'edge-cases.epub')).equals(first)).toBe(true);
    await runCli(['build', 'tests/fixtures/books/edge-cases', '--out', outArg(), '--quiet'], { SOURCE_DATE_EPOCH: '1700000000' });
    expect(readFileSync(join(out, 'edge-cases.epub')).equals(first)).toBe(false);
  });

  it('refuses a SOURCE_DATE_EPOCH past the year 9999 with a sentence, not a stack trace ("Invalid time value")', async () => {
    const run = await runCli(['build', 'tests/fixtures/books/edge-cases', '--out', outArg(), '--quiet'], { SOURCE_DATE_EPOCH: '99999999999999' });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/SOURCE_DATE_EPOCH must be whole seconds since 1970, before the year 10000, got "99999999999999"/);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  it('prints warnings as file:line: warning: message', async () => {
    const run = await runCli(['build', 'tests/fixtures/books/edge-cases', '--out', outArg(), '--quiet']);
    expect(run.stderr).toMatch(/^tests\/fixtures\/books\/edge-cases\/articles\/03-html\.md:\d+: warning: /m);
  });

  it('reports a book folder without book.yaml at its path', async () => {
    const run = await runCli(['build', 'tests/fixtures/books/nowhere', '--out', outArg()]);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe('tests/fixtures/books/nowhere/book.yaml: book.yaml not found\n');
  });

  it('reads a chapter symlinked out of the book folder as missing, naming its book.yaml line', async () => {
    const book = join(out, 'book');
    mkdirSync(join(book, 'articles'), { recursive: true });
    writeFileSync(join(out, 'secret.md'), '# Outside\n\nNot part of the book.\n');
    symlinkSync(join(out, 'secret.md'), join(book, 'articles/one.md'));
    writeFileSync(join(book, 'book.yaml'), 'title: Linked\nauthors: [A. Writer]\nlanguage: en\ndate: 2025-01-31\nchapters:\n  - articles/one.md\n');
    const run = await runCli(['check', book]);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(`${relative(process.cwd(), join(book, 'book.yaml'))}:6: chapter file "articles/one.md" not found (field: chapters.0)\n`);
  });

  it.each([
    [['build'], 'build takes exactly one <book-dir>'],
    [['build', 'books/ai-video-handbook', '--format', 'mobi'], '--format: expected epub, pdf or epub,pdf'],
    [['build', 'books/ai-video-handbook', '--colour'], "Unknown option '--colour'"],
    [['bind'], 'unknown command "bind"'],
    [[], 'Usage:'],
  ])('exits 2 with usage for %j', async (argv, message) => {
    const run = await runCli(argv);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(message);
  });
});

describe('bindery check', () => {
  it('validates a good book and writes nothing', async () => {
    const book = join(process.cwd(), 'books/ai-video-handbook');
    const run = await runCli(['check', book], {}, out);
    expect(run.code).toBe(0);
    expect(run.stderr).toContain('ok: "生成式影片工具實戰手冊": 5 chapters');
    expect(readdirSync(out)).toEqual([]);
  });

  it('fails on a broken book with the same located message as build', async () => {
    const run = await runCli(['check', 'tests/fixtures/books/broken/unknown-field']);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe('tests/fixtures/books/broken/unknown-field/book.yaml:2: unknown field "titel"\n');
  });
});

describe('writing outputs', () => {
  it('leaves the previous file and no temporary file behind when a write fails', async () => {
    const good = join(out, 'book.json');
    writeFileSync(good, 'old');
    const blocked = join(out, 'book.epub');
    mkdirSync(blocked); // renaming a file over a directory fails
    await expect(writeFilesAtomic([{ path: good, data: 'new' }, { path: blocked, data: 'x' }])).rejects.toThrow();
    expect(readdirSync(out).sort()).toEqual(['book.epub', 'book.json']);
  });
});

describe('the bindery executable', () => {
  it('runs through bin/bindery.js with the exit code and message of the command', () => {
    const run = spawnSync(process.execPath, ['bin/bindery.js', 'check', 'tests/fixtures/books/broken/missing-title'], { encoding: 'utf8' });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('tests/fixtures/books/broken/missing-title/book.yaml:1: missing required field "title"');
  });
});
