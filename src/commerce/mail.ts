import { nowIso } from '../catalog/clock.ts';
import type { CommerceConfig } from './config.ts';

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
}

/** Where mail goes: an HTTP mail API in production, the log in local development. */
export interface MailSender {
  send(message: MailMessage): Promise<void>;
}

/** Posts `{from, to, subject, text}` as JSON with a bearer key: the shape of Resend/Postmark-style APIs and of a small relay Worker. */
export class HttpMailSender implements MailSender {
  constructor(
    private readonly url: string,
    private readonly apiKey: string | undefined,
    private readonly from: string,
  ) {}

  async send(message: MailMessage): Promise<void> {
    const res = await fetch(this.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(this.apiKey ? { authorization: `Bearer ${this.apiKey}` } : {}) },
      body: JSON.stringify({ from: this.from, to: message.to, subject: message.subject, text: message.text }),
    });
    if (!res.ok) throw new Error(`mail API answered ${res.status}: ${(await res.text()).slice(0, 200)}`);
  }
}

/** No mail service configured: the message (with its link) goes to the Worker log, for local use. */
export class LogMailSender implements MailSender {
  async send(message: MailMessage): Promise<void> {
    console.log(`[mail] to ${message.to}: ${message.subject}\n${message.text}`);
  }
}

export function mailSender(config: CommerceConfig): MailSender {
  return config.MAIL_API_URL ? new HttpMailSender(config.MAIL_API_URL, config.MAIL_API_KEY, config.MAIL_FROM) : new LogMailSender();
}

/**
 * The mail outbox in D1: a message is written first and sent after, so a
 * failing mail service loses nothing (pending rows can be retried).
 */
export class Outbox {
  constructor(private readonly db: D1Database) {}

  async enqueue(message: MailMessage): Promise<number> {
    const row = await this.db
      .prepare('INSERT INTO mail_outbox (to_email, subject, body, created_at) VALUES (?, ?, ?, ?) RETURNING id')
      .bind(message.to, message.subject, message.text, nowIso())
      .first<{ id: number }>();
    return row!.id;
  }

  /** Sends pending messages (one, or the oldest `limit`), recording success or the error. */
  async deliver(sender: MailSender, options: { id?: number; limit?: number } = {}): Promise<{ sent: number; failed: number }> {
    const rows = options.id
      ? await this.db.prepare('SELECT id, to_email, subject, body FROM mail_outbox WHERE id = ? AND sent_at IS NULL').bind(options.id).all<OutboxRow>()
      : await this.db
          .prepare('SELECT id, to_email, subject, body FROM mail_outbox WHERE sent_at IS NULL AND attempts < 5 ORDER BY created_at LIMIT ?')
          .bind(options.limit ?? 20)
          .all<OutboxRow>();
    let sent = 0;
    let failed = 0;
    for (const row of rows.results) {
      try {
        await sender.send({ to: row.to_email, subject: row.subject, text: row.body });
        await this.db.prepare('UPDATE mail_outbox SET sent_at = ?, attempts = attempts + 1, last_error = NULL WHERE id = ?').bind(nowIso(), row.id).run();
        sent++;
      } catch (err) {
        await this.db
          .prepare('UPDATE mail_outbox SET attempts = attempts + 1, last_error = ? WHERE id = ?')
          .bind(String(err instanceof Error ? err.message : err).slice(0, 500), row.id)
          .run();
        failed++;
      }
    }
    return { sent, failed };
  }
}

interface OutboxRow {
  id: number;
  to_email: string;
  subject: string;
  body: string;
}

/** The message carrying a library link: after a purchase, a grant or a resend. */
export function libraryMail(to: string, libraryUrl: string, reason: 'purchase' | 'grant' | 'resend'): MailMessage {
  const opening = {
    purchase: 'Thank you for your purchase.',
    grant: 'A complimentary copy has been added to your library.',
    resend: 'Here is a fresh link to your library, as requested.',
  }[reason];
  return {
    to,
    subject: 'Your Bindery library',
    text: `${opening}\n\nYour books, in EPUB and PDF, are here:\n${libraryUrl}\n\nKeep this link private: it opens your library without a password.\n`,
  };
}
