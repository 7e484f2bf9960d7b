declare namespace Cloudflare {
  interface Env {
    TEST_FONTS: Fetcher;
  }
}
