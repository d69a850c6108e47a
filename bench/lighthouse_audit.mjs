// One Lighthouse audit of a logged-in page: node lighthouse_audit.mjs URL SESSIONID desktop|mobile OUT.json
//
// The session cookie is set in the browser itself (Lighthouse's --extra-headers reach only the
// page's own request, so covers and audio would be audited as redirects to the login page).
// Run by bench/lighthouse.py, with Lighthouse installed in bench/.lighthouse.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const modules = path.join(path.dirname(fileURLToPath(import.meta.url)), ".lighthouse", "node_modules");
const load = async (name) => (await import(pathToFileURL(path.join(modules, name)).href)).default;
const lighthouse = await load("lighthouse/core/index.js");
const desktopConfig = await load("lighthouse/core/config/desktop-config.js");
const chromeLauncher = await import(pathToFileURL(path.join(modules, "chrome-launcher/dist/index.js")).href);
const puppeteer = await load("puppeteer-core/lib/esm/puppeteer/puppeteer-core.js");

const [url, sessionid, form, out] = process.argv.slice(2);
const chrome = await chromeLauncher.launch({
  chromePath: process.env.CHROME_PATH || "/usr/bin/chromium",
  chromeFlags: ["--headless=new", "--no-sandbox", "--disable-gpu"],
});
let code = 0;
try {
  const browser = await puppeteer.connect({ browserURL: `http://127.0.0.1:${chrome.port}` });
  const page = await browser.newPage();
  await page.setCookie({ name: "sessionid", value: sessionid, url: new URL(url).origin });
  const flags = {
    output: "json",
    logLevel: "error",
    onlyCategories: ["accessibility", "best-practices", "performance", "seo"],
    // Keeps the cookie: the reset would clear it with the rest of the origin's storage.
    disableStorageReset: true,
  };
  const result = await lighthouse(url, flags, form === "desktop" ? desktopConfig : undefined, page);
  if (result.lhr.runtimeError) {
    console.error(`${result.lhr.runtimeError.code}: ${result.lhr.runtimeError.message}`);
    code = 1;
  }
  fs.writeFileSync(out, result.report);
  await browser.disconnect();
} finally {
  await chrome.kill();
}
process.exit(code);
