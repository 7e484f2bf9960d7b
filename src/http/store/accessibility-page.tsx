import type { Child } from 'hono/jsx';
import { CONFORMS_TO } from '../../document/accessibility.ts';
import { Layout } from './layout.tsx';
import { STATEMENT_LANGUAGES, statementPath, type StatementLanguage } from './statement-path.ts';

/** The day this statement was last reviewed against the shop and its files. */
const REVIEWED = '2026-12-01';

interface Statement {
  title: string;
  otherLanguage: { lang: StatementLanguage; label: string };
  sections: { heading: string; body: Child }[];
}

const STATEMENTS: Record<StatementLanguage, Statement> = {
  en: {
    title: 'Accessibility',
    otherLanguage: { lang: 'zh-Hant', label: '無障礙說明（繁體中文）' },
    sections: [
      {
        heading: 'Our aim',
        body: (
          <p>
            This shop and the books it sells should work for every reader, including readers who use a screen reader, a keyboard only, magnification or their own colours. We aim for the Web Content
            Accessibility Guidelines (WCAG) 2.1 at level AA for the shop, and for EPUB Accessibility 1.1 for the books.
          </p>
        ),
      },
      {
        heading: 'The shop',
        body: (
          <ul>
            <li>Every page — catalog, book pages, checkout result, library, the library-link form, contributors’ consent pages, error pages and this statement — is checked with axe-core against WCAG 2.1 A and AA, at desktop and phone widths, in English and Traditional Chinese; none reports a violation.</li>
            <li>You can find a book, read about it and buy it with the keyboard alone; the focused element always shows a clear outline, and a “Skip to content” link comes first.</li>
            <li>Text contrast is at least 4.5:1, pages reflow at 320 CSS pixels and up to 400% zoom, and every page states its language; English words inside Chinese text are marked as English.</li>
            <li>The pages use no script. Payment happens on Stripe’s checkout page, which Stripe is responsible for.</li>
          </ul>
        ),
      },
      {
        heading: 'The books',
        body: (
          <ul>
            <li>
              Each EPUB states its accessibility in its package metadata (EPUB Accessibility 1.1): access modes, features, hazards and a summary, and the claim “{CONFORMS_TO}” when every image has a text description. Each
              book page shows the same information.
            </li>
            <li>Every EPUB, and every copy stamped for a buyer, is checked with Ace by DAISY and reports no violations. Chapters have headings in order, a table of contents, DPUB-ARIA roles, table headers and text descriptions for images.</li>
            <li>For a screen reader, prefer the EPUB: it reflows and can be read aloud by any reading app. The PDF is meant for print-like reading.</li>
          </ul>
        ),
      },
      {
        heading: 'What is not yet accessible',
        body: (
          <ul>
            <li>Automated checks cannot find every barrier; we have not yet had the shop tested by people who use assistive technology.</li>
            <li>Chinese words inside English books are not yet marked with their language.</li>
            <li>PDF editions are not validated against PDF/UA.</li>
          </ul>
        ),
      },
      {
        heading: 'Tell us about a barrier',
        body: <p>If something in the shop or a book stops you, reply to any mail from the shop or write to the publisher named on the book page, and say which page or book it was and what happened.</p>,
      },
    ],
  },
  'zh-Hant': {
    title: '無障礙說明',
    otherLanguage: { lang: 'en', label: 'Accessibility statement (English)' },
    sections: [
      {
        heading: '我們的目標',
        body: (
          <p>
            本書店與所售書籍應讓每一位讀者都能使用，包括使用螢幕閱讀器、只用鍵盤、放大畫面或自訂配色的讀者。書店網頁以 <span lang="en">Web Content Accessibility Guidelines</span>（WCAG）2.1 AA 級為目標，書籍以 <span lang="en">EPUB Accessibility</span> 1.1 為目標。
          </p>
        ),
      },
      {
        heading: '書店網頁',
        body: (
          <ul>
            <li>所有頁面（目錄、書籍頁、結帳結果、書庫、補寄書庫連結、提供者同意頁面、錯誤頁面與本說明）皆以 <span lang="en">axe-core</span> 依 WCAG 2.1 A 與 AA 檢查，涵蓋桌機與手機寬度、英文與繁體中文，沒有任何違規。</li>
            <li>只用鍵盤即可找書、閱讀介紹並購買；取得焦點的元素一律有清楚的外框，頁面最前方有「跳至內容」連結。</li>
            <li>文字對比至少 4.5:1，頁面在 320 CSS 像素寬與 400% 縮放下都能重排，每一頁都標明語言，中文裡的英文字詞也標示為英文。</li>
            <li>網頁不使用任何指令碼。付款在 <span lang="en">Stripe</span> 的結帳頁面進行，由 <span lang="en">Stripe</span> 負責。</li>
          </ul>
        ),
      },
      {
        heading: '書籍',
        body: (
          <ul>
            <li>
              每本 EPUB 都在套件中載明無障礙資訊（<span lang="en">EPUB Accessibility</span> 1.1）：存取模式、功能、危害與摘要；所有圖片皆有文字描述時，並聲明符合「<span lang="en">{CONFORMS_TO}</span>」。書籍頁面顯示同樣的資訊。
            </li>
            <li>每本 EPUB 以及為買家加印的每一份都經 <span lang="en">Ace by DAISY</span> 檢查，沒有任何違規。章節標題層級有序，附目錄、DPUB-ARIA 角色、表格標題與圖片文字描述。</li>
            <li>使用螢幕閱讀器時建議選擇 EPUB：可重排，任何閱讀軟體都能朗讀。PDF 適合接近印刷品的閱讀方式。</li>
          </ul>
        ),
      },
      {
        heading: '尚未達成的部分',
        body: (
          <ul>
            <li>自動檢查無法找出所有障礙；書店尚未請輔助科技使用者實際測試。</li>
            <li>英文書中的中文字詞尚未標示語言。</li>
            <li>PDF 版本尚未通過 PDF/UA 驗證。</li>
          </ul>
        ),
      },
      {
        heading: '回報障礙',
        body: <p>若書店或書籍中有任何地方讓您無法使用，請回覆書店寄出的任何一封信，或聯絡書籍頁面上的出版者，並說明是哪一頁或哪一本書、發生了什麼情況。</p>,
      },
    ],
  },
};

/** `/accessibility` (and `/accessibility/zh-Hant`): what the shop and its files conform to, what is still open, and whom to tell. */
export function AccessibilityPage({ lang }: { lang: StatementLanguage }) {
  const statement = STATEMENTS[lang];
  const other = statement.otherLanguage;
  return (
    <Layout
      title={`${statement.title} · Bindery`}
      lang={lang}
      head={STATEMENT_LANGUAGES.map((l) => (
        <link rel="alternate" hreflang={l} href={statementPath(l)} />
      ))}
    >
      <article class="statement">
        <h1>{statement.title}</h1>
        <p>
          <a href={statementPath(other.lang)} hreflang={other.lang} lang={other.lang}>
            {other.label}
          </a>
        </p>
        {statement.sections.map((s) => (
          <section>
            <h2>{s.heading}</h2>
            {s.body}
          </section>
        ))}
        <p class="reviewed">
          {lang === 'en' ? 'Last reviewed: ' : '最後檢視：'}
          <time datetime={REVIEWED}>{REVIEWED}</time>
        </p>
      </article>
    </Layout>
  );
}
