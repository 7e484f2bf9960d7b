/**
 * The words Bindery adds around the author's text, per written language:
 * in the books it builds (EPUB pages, PDF front matter), on the licence page
 * of a stamped copy, and in the storefront's interface.
 */

/** Words inside a built book. */
export interface BookWords {
  cover: string;
  contents: string;
  landmarks: string;
  titlePage: string;
  copyright: string;
  start: string;
  /** Introduces the article's original URL, punctuation included. */
  source: string;
  publisher: string;
  date: string;
  identifier: string;
  builtWith: string;
  /** Stands where an image was, once its contributor withdrew consent: neutral, naming no one. */
  imageWithdrawn: string;
  /** The EPUB's `schema:accessibilitySummary`: what a reader of assistive technology can expect. */
  accessibilitySummary: (book: AccessibilityFacts) => string;
}

/** What the accessibility summary says about a book. */
export interface AccessibilityFacts {
  /** The book has images (the cover aside). */
  images: boolean;
  /** Every image has a text alternative. */
  alternativeText: boolean;
}

/** The page a stamped EPUB gains for its buyer. */
export interface LicenceWords {
  title: string;
  note: string;
}

/** The storefront's own interface; its table of contents uses the book's `contents`. */
export interface StoreWords {
  catalog: string;
  search: string;
  searchPlaceholder: string;
  searchButton: string;
  allTags: string;
  tags: string;
  noBooks: string;
  more: string;
  by: string;
  formats: string;
  format: string;
  size: string;
  pages: string;
  readSample: string;
  buy: string;
  buyFor: (price: string) => string;
  email: string;
  emailHint: string;
  editions: string;
  edition: (date: string) => string;
  /** An edition's changelog line: articles left out because their contributors withdrew consent. */
  removedAtRequest: (articles: number) => string;
  free: string;
  notFound: string;
  notFoundText: string;
  backToCatalog: string;
  /** Heading of the book page's accessibility section, which states what the EPUB states. */
  accessibility: string;
  /** The EPUB's conformance claim, and who certified it. */
  conformsTo: (claim: string, certifiedBy?: string) => string;
  noConformance: string;
  /** Link to the shop's accessibility statement. */
  accessibilityStatement: string;
}

export interface Words {
  book: BookWords;
  licence: LicenceWords;
  store: StoreWords;
}

export const ENGLISH: Words = {
  book: {
    cover: 'Cover',
    contents: 'Contents',
    landmarks: 'Landmarks',
    titlePage: 'Title Page',
    copyright: 'Copyright',
    start: 'Start of Content',
    source: 'Source: ',
    publisher: 'Publisher',
    date: 'Published',
    identifier: 'Identifier',
    builtWith: 'Built with Bindery',
    imageWithdrawn: 'Image removed at the contributor’s request.',
    accessibilitySummary: ({ images, alternativeText }) =>
      'A reflowable book with a table of contents, structured headings and a logical reading order; readers can resize and restyle its text.' +
      (images ? (alternativeText ? ' Every image has a text description.' : ' Some images have no text description.') : ''),
  },
  licence: { title: 'Licence', note: 'This copy is for the personal use of its buyer. Please do not share it.' },
  store: {
    catalog: 'Handbooks',
    search: 'Search books',
    searchPlaceholder: 'Title, author or topic',
    searchButton: 'Search',
    allTags: 'All topics',
    tags: 'Topics',
    noBooks: 'No books match.',
    more: 'More books',
    by: 'by',
    formats: 'Formats',
    format: 'Format',
    size: 'Size',
    pages: 'Pages',
    readSample: 'Read the sample',
    buy: 'Buy',
    buyFor: (price) => `Buy for ${price}`,
    email: 'Email address',
    emailHint: 'We send the download links to this address.',
    editions: 'Edition history',
    edition: (date) => `Edition of ${date}`,
    removedAtRequest: (n) => `${n === 1 ? 'one article' : `${n} articles`} removed at ${n === 1 ? 'its contributor’s' : 'their contributors’'} request`,
    free: 'Free',
    notFound: 'Not found',
    notFoundText: 'There is no book at this address.',
    backToCatalog: 'Back to the catalog',
    accessibility: 'Accessibility of the EPUB',
    conformsTo: (claim, certifiedBy) => `Conforms to ${claim}${certifiedBy ? `, certified by ${certifiedBy}` : ''}.`,
    noConformance: 'The publisher makes no conformance claim for this book.',
    accessibilityStatement: 'Accessibility of this shop',
  },
};

export const TRADITIONAL_CHINESE: Words = {
  book: {
    cover: '封面',
    contents: '目錄',
    landmarks: '導覽',
    titlePage: '書名頁',
    copyright: '版權頁',
    start: '正文開始',
    source: '原文出處：',
    publisher: '出版者',
    date: '出版日期',
    identifier: '識別碼',
    builtWith: '以 Bindery 製作',
    imageWithdrawn: '此圖片應提供者要求移除。',
    accessibilitySummary: ({ images, alternativeText }) =>
      '本書為可重排版面，附目錄、層級分明的標題與合理的閱讀順序，讀者可自行調整文字大小與樣式。' +
      (images ? (alternativeText ? '所有圖片皆附文字描述。' : '部分圖片缺少文字描述。') : ''),
  },
  licence: { title: '授權', note: '本書僅供購買者個人使用，請勿轉傳或分享。' },
  store: {
    catalog: '手冊',
    search: '搜尋書籍',
    searchPlaceholder: '書名、作者或主題',
    searchButton: '搜尋',
    allTags: '全部主題',
    tags: '主題',
    noBooks: '沒有符合的書。',
    more: '更多書籍',
    by: '作者',
    formats: '格式',
    format: '格式',
    size: '大小',
    pages: '頁數',
    readSample: '免費試讀',
    buy: '購買',
    buyFor: (price) => `購買 ${price}`,
    email: '電子郵件地址',
    emailHint: '下載連結會寄到這個地址。',
    editions: '版本紀錄',
    edition: (date) => `${date} 版`,
    removedAtRequest: (n) => `應撰稿人要求移除 ${n} 篇文章`,
    free: '免費',
    notFound: '找不到',
    notFoundText: '這個網址沒有書。',
    backToCatalog: '回到書目',
    accessibility: 'EPUB 無障礙資訊',
    conformsTo: (claim, certifiedBy) => `符合「${claim}」${certifiedBy ? `，由${certifiedBy}認證` : ''}。`,
    noConformance: '出版者未聲明本書符合任何無障礙標準。',
    accessibilityStatement: '本書店的無障礙說明',
  },
};

export const SIMPLIFIED_CHINESE: Words = {
  book: {
    ...TRADITIONAL_CHINESE.book,
    contents: '目录',
    landmarks: '导览',
    titlePage: '书名页',
    copyright: '版权页',
    start: '正文开始',
    source: '原文出处：',
    identifier: '识别码',
    builtWith: '以 Bindery 制作',
    imageWithdrawn: '此图片应提供者要求移除。',
    accessibilitySummary: ({ images, alternativeText }) =>
      '本书为可重排版面，附目录、层级分明的标题与合理的阅读顺序，读者可自行调整文字大小与样式。' +
      (images ? (alternativeText ? '所有图片均附文字描述。' : '部分图片缺少文字描述。') : ''),
  },
  licence: { title: '授权', note: '本书仅供购买者个人使用，请勿转发或分享。' },
  store: {
    ...TRADITIONAL_CHINESE.store,
    catalog: '手册',
    search: '搜索图书',
    searchPlaceholder: '书名、作者或主题',
    searchButton: '搜索',
    allTags: '全部主题',
    tags: '主题',
    noBooks: '没有符合的书。',
    more: '更多图书',
    pages: '页数',
    readSample: '免费试读',
    buy: '购买',
    buyFor: (price) => `购买 ${price}`,
    email: '电子邮件地址',
    emailHint: '下载链接会发送到这个地址。',
    editions: '版本记录',
    removedAtRequest: (n) => `应撰稿人要求移除 ${n} 篇文章`,
    free: '免费',
    notFoundText: '这个网址没有书。',
    backToCatalog: '返回书目',
    accessibility: 'EPUB 无障碍信息',
    conformsTo: (claim, certifiedBy) => `符合“${claim}”${certifiedBy ? `，由${certifiedBy}认证` : ''}。`,
    noConformance: '出版者未声明本书符合任何无障碍标准。',
    accessibilityStatement: '本书店的无障碍说明',
  },
};

/** Japanese books get Japanese words inside the book; the licence page and the storefront have no Japanese yet. */
export const JAPANESE: Words = {
  ...ENGLISH,
  book: {
    cover: '表紙',
    contents: '目次',
    landmarks: 'ランドマーク',
    titlePage: '扉',
    copyright: '奥付',
    start: '本文',
    source: '出典：',
    publisher: '発行',
    date: '発行日',
    identifier: '識別子',
    builtWith: 'Bindery で作成',
    imageWithdrawn: 'この画像は提供者の依頼により削除されました。',
    accessibilitySummary: ({ images, alternativeText }) =>
      'リフロー型の書籍で、目次、構造化された見出し、論理的な読み順を備え、読者が文字の大きさや書体を変更できます。' +
      (images ? (alternativeText ? 'すべての画像に代替テキストがあります。' : '一部の画像に代替テキストがありません。') : ''),
  },
};
