/** The consent page's words (`/consent/<token>`): English, and Traditional Chinese for a record in zh-Hant. */
export interface ConsentWords {
  title: string;
  intro: (name: string, role: string) => string;
  introWithdrawn: (name: string, role: string) => string;
  statusGranted: (date: string) => string;
  statusWithdrawn: (date: string) => string;
  scopeAll: string;
  scopeBook: (book: string) => string;
  usesHeading: string;
  articleText: string;
  image: (path: string) => string;
  unknownArticle: string;
  onSaleHeading: string;
  onSaleNone: string;
  onSaleRebuilding: string;
  bundle: string;
  book: string;
  edition: (date: string) => string;
  withdrawHeading: string;
  withdrawExplain: string;
  reasonLabel: string;
  reasonHint: string;
  withdrawButton: string;
  regrantHeading: string;
  regrantExplain: string;
  regrantButton: string;
  historyHeading: string;
  actions: Record<'grant' | 'withdraw' | 'regrant', string>;
  viaLink: string;
  viaPublisher: string;
  doneWithdrawn: string;
  doneGranted: string;
  crossSite: string;
}

const ENGLISH: ConsentWords = {
  title: 'Your consent',
  intro: (name, role) => `${name}, the publisher uses your work as ${role} in the content listed below, with your consent. You can withdraw it here at any time, without an account.`,
  introWithdrawn: (name, role) => `${name}, this page lists your work as ${role} that the publisher used. You withdrew your consent: it is left out of every new edition. You can give your consent again here, without an account.`,
  statusGranted: (date) => `Consent given on ${date}.`,
  statusWithdrawn: (date) => `You withdrew your consent on ${date}.`,
  scopeAll: 'It covers every book and bundle the publisher sells.',
  scopeBook: (book) => `It covers one book only: ${book}.`,
  usesHeading: 'What of yours is used',
  articleText: 'the article',
  image: (path) => `the image ${path}`,
  unknownArticle: '(an article no longer in the pool)',
  onSaleHeading: 'Editions on sale that contain it',
  onSaleNone: 'No edition on sale contains it.',
  onSaleRebuilding: 'New editions without your work are being built and replace these automatically; readers who bought them receive the new edition.',
  bundle: 'topic bundle',
  book: 'book',
  edition: (date) => `edition of ${date}`,
  withdrawHeading: 'Withdraw your consent',
  withdrawExplain: 'Your work is left out of every future edition at once: books and bundles on sale are rebuilt without it, and the free samples too.',
  reasonLabel: 'Reason (optional)',
  reasonHint: 'Only the publisher sees it.',
  withdrawButton: 'Withdraw my consent',
  regrantHeading: 'Give your consent again',
  regrantExplain: 'Your work may then appear again from the next edition the publisher builds.',
  regrantButton: 'Give my consent again',
  historyHeading: 'History',
  actions: { grant: 'Consent recorded', withdraw: 'Consent withdrawn', regrant: 'Consent given again' },
  viaLink: 'through this page',
  viaPublisher: 'by the publisher',
  doneWithdrawn: 'Your consent is withdrawn. The editions on sale are being rebuilt without your work.',
  doneGranted: 'Your consent is given again.',
  crossSite: 'This form can only be sent from its own page. Nothing was changed.',
};

const TRADITIONAL_CHINESE: ConsentWords = {
  title: '您的同意',
  intro: (name, role) => `${name}您好：出版者經您同意，在下列內容中使用您以「${role}」身分提供的作品。您隨時可以在這裡撤回同意，不需要帳號。`,
  introWithdrawn: (name, role) => `${name}您好：這裡列出出版者曾使用的、您以「${role}」身分提供的作品。您已撤回同意，之後的新版本都不再包含這些作品；您可以在這裡重新同意，不需要帳號。`,
  statusGranted: (date) => `您於 ${date} 同意。`,
  statusWithdrawn: (date) => `您已於 ${date} 撤回同意。`,
  scopeAll: '同意範圍：出版者販售的所有書籍與主題合輯。',
  scopeBook: (book) => `同意範圍：僅限《${book}》。`,
  usesHeading: '使用了您的哪些內容',
  articleText: '文章本身',
  image: (path) => `圖片 ${path}`,
  unknownArticle: '（已不在文章庫中的文章）',
  onSaleHeading: '販售中且包含這些內容的版本',
  onSaleNone: '目前沒有販售中的版本包含這些內容。',
  onSaleRebuilding: '不含您作品的新版本正在製作，完成後會自動取代這些版本；已購買的讀者會收到新版本。',
  bundle: '主題合輯',
  book: '書籍',
  edition: (date) => `${date} 版`,
  withdrawHeading: '撤回同意',
  withdrawExplain: '撤回後，之後的每個版本都不再包含您的作品：販售中的書籍與合輯會立即重新製作，免費試讀本也一樣。',
  reasonLabel: '原因（選填）',
  reasonHint: '只有出版者看得到。',
  withdrawButton: '撤回我的同意',
  regrantHeading: '重新同意',
  regrantExplain: '重新同意後，出版者下次製作的版本可能再次包含您的作品。',
  regrantButton: '重新同意',
  historyHeading: '紀錄',
  actions: { grant: '記錄同意', withdraw: '撤回同意', regrant: '重新同意' },
  viaLink: '經由本頁',
  viaPublisher: '由出版者',
  doneWithdrawn: '已撤回您的同意。販售中的版本正在重新製作，將不含您的作品。',
  doneGranted: '已重新同意。',
  crossSite: '這個表單只能從它自己的頁面送出，沒有任何變更。',
};

/** The consent page's words for a record's language tag: Traditional Chinese for zh-Hant, English otherwise. */
export function consentWords(tag: string): ConsentWords {
  return tag === 'zh-Hant' ? TRADITIONAL_CHINESE : ENGLISH;
}
