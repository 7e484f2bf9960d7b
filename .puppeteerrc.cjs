// Ace by DAISY drives puppeteer: it must use Debian's Chromium and never download a browser of its own,
// whatever npm version runs the install (npm 11 also skips puppeteer's install script: package.json allowScripts).
module.exports = {
  skipDownload: true,
  executablePath: process.env.PUPPETEER_EXECUTABLE_PATH || '/usr/bin/chromium',
};
