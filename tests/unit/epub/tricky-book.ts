import { readFileSync } from 'node:fs';
import { MemorySource } from '../../../src/content/source.ts';

/** 1×1 lossless WebP: a format EPUB 3.2 does not list as a core media type. */
const WEBP = Buffer.from('UklGRhoAAABXRUJQVlA4TA0AAAAvAAAAAAfQ/wFH/wE=', 'base64');

/** A PNG of 0×0 pixels: the signature, an IHDR chunk saying so, and IEND. */
const EMPTY_PNG = Buffer.from('89504e470d0a1a0a0000000d49484452000000000000000008060000000000000000000000000049454e44ae426082', 'hex');

/**
 * A small English book of the cases EPUB validators trip on: heading ids
 * that are not XML names (①, ², rare Han), an id clashing with a generated
 * one or with a repeat's number (`Intro`, `Intro`, `Intro 1`), a non-ASCII image file name, WebP, task lists, an ordered list with
 * a start, aligned table columns, a link to a missing file, an invalid
 * `lang`, a `javascript:` source URL, nested links, `<time>` without a
 * datetime, a code block starting with a blank line and a control character,
 * and images no reader can show (a JPEG cut short, a PNG of 0×0).
 */
export function trickySource(manifestTail = ''): MemorySource {
  const png = readFileSync('tests/fixtures/books/edge-cases/images/checker.png');
  const one = `---
title: One
lang: "zh_TW"
source: "javascript:alert(1)"
---

## ① Circled

## ²

## ①

### 𠀀 rare

## sec-1

## Intro

## Intro

## Intro 1

- [ ] todo
- [x] done

3. three
4. four

| a | b | c |
|:--|:-:|--:|
| 1 | 2 | 3 |

![pic](<../img/Ünïcode name!.png> "A title")

![web](../img/x.webp)

![a photo cut short](../img/stub.jpg) ![an empty picture](../img/empty.png)

See [two](two.md#second), [missing](nope.md), [mail](mailto:a@b.c).

<a href="https://x.com">outer <a href="https://y.com">inner</a></a> <time>tomorrow</time>

\`\`\`

leading blank
\`\`\`
`;
  const two = `---
title: Two
lang: fr
---

## Second

text\u000b with a vertical tab
`;
  return new MemorySource(
    'tricky',
    new Map<string, Uint8Array | string>([
      ['book.yaml', `title: Tricky\nlanguage: en\nauthors: [A]\ndate: 2024-02-29\nchapters:\n  - a/one.md\n  - a/two.md\n${manifestTail}`],
      ['a/one.md', one],
      ['a/two.md', two],
      ['img/Ünïcode name!.png', png],
      ['img/x.webp', WEBP],
      // A JPEG cut after its first bytes and a PNG of 0×0: EPUBCheck calls such files corrupted (PKG-021).
      ['img/stub.jpg', Uint8Array.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00])],
      ['img/empty.png', EMPTY_PNG],
    ]),
  );
}
