import { MemorySource } from '../src/content/source.ts';

/**
 * A synthetic zh-Hant book for the benchmark: 100 chapters of about 3,000
 * characters each, with the structures real handbooks use (headings, nested
 * lists, tables, code, quotes, English terms inside Chinese sentences).
 * Generated from a fixed seed, so every run measures the same book.
 */
export interface SyntheticBook {
  manifest: string;
  chapters: { file: string; title: string; body: string }[];
}

const SENTENCES = [
  '新聞室導入生成式工具之前，必須先釐清誰對最後的畫面負責。',
  '每一次生成都應該留下 prompt、模型版本與 seed，事後才能重現。',
  '查核者不能是參與生成的人，這是避免自我確認偏誤的最低門檻。',
  '成本不只是 API 的單價，還包括重試次數與人工審稿的時間。',
  '讀者在意的不是技術本身，而是我們是否誠實告訴他們畫面從何而來。',
  '我們用 JSON 模板管理參數，並把模板放進版本控制系統。',
  '標示 AI 內容時，字體大小必須在手機螢幕上清楚可讀。',
  '如果一段畫面可能被誤認為實拍，就不應該放在新聞稿件旁邊。',
  '工作流程的每一個階段都要有明確的負責人與書面紀錄。',
  '供應商的服務條款會變動，採購前務必確認授權範圍與資料保存政策。',
  'The workflow has four stages: brief, generate, review and publish.',
  '在 deadline 壓力下，最容易被省略的就是 review 這一步。',
  '我們建議每季重新評估一次工具清單，淘汰不再符合需求的服務。',
  '「可追溯」的意思是：任何人都能從成品回推到當初的需求與決策。',
  '罕用字如「堃」「喆」「赟」常出現在人名中，字型必須能夠顯示。',
];

const WORDS = ['prompt', 'seed', 'workflow', 'API', 'latency', 'render queue', 'storyboard', 'C2PA', 'metadata', 'watermark'];

/** A small linear congruential generator: deterministic and fast enough for text. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

function chapterBody(n: number, rnd: () => number): string {
  const pick = <T>(list: readonly T[]) => list[Math.floor(rnd() * list.length)];
  const paragraph = (sentences: number) => Array.from({ length: sentences }, () => pick(SENTENCES)).join('');
  const parts: string[] = [paragraph(8), paragraph(6)];
  for (let s = 1; s <= 3; s++) {
    parts.push(`## 第 ${s} 節：${pick(WORDS)} 與流程設計`, paragraph(8), paragraph(7));
    parts.push(`### ${pick(WORDS)} 的實務細節`, paragraph(5));
    if (s === 1) {
      parts.push(
        ['- 企劃階段：先寫 brief，再寫 prompt', '  - 明確禁止出現的元素', '  - 預計長度與輸出規格', '- 生成階段：記錄每一次的參數', '- 查核階段：逐項勾選', '  1. 是否出現可辨識的人臉', '  2. 文字與數字是否正確'].join('\n'),
      );
    }
    if (s === 2) {
      parts.push(
        ['| 工具 | 單價（TWD） | 平均重試 | 備註 |', '|:--|--:|:-:|:--|', ...Array.from({ length: 5 }, (_, i) => `| 服務 ${String.fromCharCode(65 + i)} | ${(10 + i * 7.5).toFixed(1)} | ${2 + (i % 3)} | ${pick(SENTENCES).slice(0, 18)} |`)].join('\n'),
      );
      parts.push(['```json', '{', `  "story_id": "2025-${String(n).padStart(4, '0')}-bench",`, '  "model": "video-gen-v3",', '  "prompt": "清晨的台北盆地空景，薄霧，低飽和色調",', `  "seed": ${Math.floor(rnd() * 1e6)}`, '}', '```'].join('\n'));
    }
    if (s === 3) parts.push(`> ${paragraph(2)}\n>\n> —— 編輯室備忘錄，第 ${n} 號`);
  }
  parts.push(paragraph(6));
  return `${parts.join('\n\n')}\n`;
}

export function syntheticBook(chapterCount = 100): SyntheticBook {
  const rnd = random(20251015);
  const chapters = Array.from({ length: chapterCount }, (_, i) => {
    const n = i + 1;
    const title = `第 ${n} 章　${SENTENCES[i % SENTENCES.length].slice(0, 12)}`;
    return { file: `articles/${String(n).padStart(3, '0')}.md`, title, body: chapterBody(n, rnd) };
  });
  const manifest = [
    'title: 合成基準測試手冊',
    'subtitle: Bindery 效能量測用書',
    'slug: synthetic-bench',
    'language: zh-Hant',
    'authors: [基準測試小組]',
    'publisher: Bindery',
    'date: 2025-10-15',
    'chapters:',
    ...chapters.map((c) => `  - ${c.file}`),
  ].join('\n');
  return { manifest: `${manifest}\n`, chapters };
}

/** The book as Bindery reads it: book.yaml plus one Markdown file per chapter with front matter. */
export function syntheticSource(book: SyntheticBook = syntheticBook()): MemorySource {
  const files = new Map<string, string>([['book.yaml', book.manifest]]);
  for (const c of book.chapters) files.set(c.file, `---\ntitle: "${c.title}"\n---\n\n${c.body}`);
  return new MemorySource('synthetic-bench', files);
}

/** The same book as one Markdown file for pandoc: a metadata block, then each chapter under a level-1 heading. */
export function syntheticMarkdown(book: SyntheticBook = syntheticBook()): string {
  const meta = '---\ntitle: 合成基準測試手冊\nsubtitle: Bindery 效能量測用書\nauthor: 基準測試小組\nlang: zh-Hant\ndate: 2025-10-15\n---\n\n';
  return meta + book.chapters.map((c) => `# ${c.title}\n\n${c.body}`).join('\n');
}
