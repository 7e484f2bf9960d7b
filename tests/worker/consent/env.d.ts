declare namespace Cloudflare {
  interface Env {
    /** Node-side service (vitest.config.ts) serving the PDF fonts by R2 key, since workerd cannot read node_modules. */
    TEST_FONTS: Fetcher;
  }
}
