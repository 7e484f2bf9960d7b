import { MemorySource } from '../../../src/content/source.ts';

/**
 * A small zh-Hant book of the faults in issue 11, items 2 and 3: paragraphs
 * wrapped in the source (Han–Han, Latin–Latin and mixed wraps, hard breaks)
 * and a CMS export that repeats its title as its first heading and skips a
 * heading level.
 */
export function reflowSource(): MemorySource {
  // Every source line is short; the wraps fall mid-word (換|行, 段|落) early in the paragraph, far from a page line end.
  const tools = `---
title: 工具地圖
author: 編輯部
---

# 工具地圖

這是換
行測試：一段在原始檔中每隔幾個字就換
行的中文段
落，排版時應由版面重新斷行，
而不是照著原始檔的行
印出來。我們使用
AI 工具整理素材，
並且閱讀 the
工具說明。

第一行<br>
第二行  
第三行\\
第四行

## 第一節

Soft breaks in English
keep one space
between words.

### 小節

內容。
`;
  const skips = `---
title: 跳級的文章
---

## 開始

內容。

#### 跳過一級

更多內容。
`;
  return new MemorySource(
    'reflow',
    new Map<string, Uint8Array | string>([
      ['book.yaml', 'title: 重排測試\nlanguage: zh-Hant\nauthors: [編輯部]\ndate: 2025-01-15\npage: a5\nchapters:\n  - a/tools.md\n  - a/skips.md\n'],
      ['a/tools.md', tools],
      ['a/skips.md', skips],
    ]),
  );
}

/** File line of `#### 跳過一級` in a/skips.md. */
export const SKIPPED_HEADING_LINE = 9;
