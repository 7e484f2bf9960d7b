/** Words of the storefront's own interface, in the language of the page. */
export interface StoreLabels {
  catalog: string;
  search: string;
  searchPlaceholder: string;
  searchButton: string;
  allTags: string;
  tags: string;
  noBooks: string;
  more: string;
  by: string;
  contents: string;
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
  free: string;
  notFound: string;
  notFoundText: string;
  backToCatalog: string;
}

const EN: StoreLabels = {
  catalog: 'Handbooks',
  search: 'Search books',
  searchPlaceholder: 'Title, author or topic',
  searchButton: 'Search',
  allTags: 'All topics',
  tags: 'Topics',
  noBooks: 'No books match.',
  more: 'More books',
  by: 'by',
  contents: 'Contents',
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
  free: 'Free',
  notFound: 'Not found',
  notFoundText: 'There is no book at this address.',
  backToCatalog: 'Back to the catalog',
};

const ZH_HANT: StoreLabels = {
  catalog: '手冊',
  search: '搜尋書籍',
  searchPlaceholder: '書名、作者或主題',
  searchButton: '搜尋',
  allTags: '全部主題',
  tags: '主題',
  noBooks: '沒有符合的書。',
  more: '更多書籍',
  by: '作者',
  contents: '目錄',
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
  free: '免費',
  notFound: '找不到',
  notFoundText: '這個網址沒有書。',
  backToCatalog: '回到書目',
};

const ZH_HANS: StoreLabels = {
  ...ZH_HANT,
  catalog: '手册',
  search: '搜索图书',
  searchPlaceholder: '书名、作者或主题',
  searchButton: '搜索',
  allTags: '全部主题',
  noBooks: '没有符合的书。',
  more: '更多图书',
  contents: '目录',
  readSample: '免费试读',
  buy: '购买',
  buyFor: (price) => `购买 ${price}`,
  email: '电子邮件地址',
  emailHint: '下载链接会发送到这个地址。',
  editions: '版本记录',
  edition: (date) => `${date} 版`,
  notFoundText: '这个网址没有书。',
  backToCatalog: '返回书目',
};

/** Labels for a BCP 47 tag: Traditional Chinese for zh-Hant/TW/HK, Simplified for other zh, English otherwise. */
export function storeLabels(language: string): StoreLabels {
  const tag = language.toLowerCase();
  if (!tag.startsWith('zh')) return EN;
  return /hant|-tw|-hk|-mo/.test(tag) ? ZH_HANT : ZH_HANS;
}
