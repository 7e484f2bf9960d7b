/** Words the EPUB adds around the author's text, in the book's language. */
export interface Labels {
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
  /** Between names in a list of authors. */
  separator: string;
}

const EN: Labels = {
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
  separator: ', ',
};

const ZH_HANT: Labels = {
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
  separator: '、',
};

const ZH_HANS: Labels = {
  ...ZH_HANT,
  titlePage: '书名页',
  contents: '目录',
  landmarks: '导览',
  copyright: '版权页',
  source: '原文出处：',
  date: '出版日期',
  identifier: '识别码',
  builtWith: '以 Bindery 制作',
};

const JA: Labels = {
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
  separator: '、',
};

export function labelsFor(language: string): Labels {
  const tag = language.toLowerCase();
  if (tag.startsWith('ja')) return JA;
  if (tag.startsWith('zh')) return /-(hans|cn|sg)\b/.test(tag) ? ZH_HANS : ZH_HANT;
  return EN;
}
