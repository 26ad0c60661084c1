import { chromium } from "playwright-core";
const base = process.argv[2];
const paths = process.argv.slice(3);
const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--no-sandbox"] });
for (const w of [320]) {
  const page = await browser.newPage({ viewport: { width: w, height: 800 } });
  for (const p of paths) {
    await page.goto(base + p);
    const r = await page.evaluate(() => {
      const out = { sw: document.documentElement.scrollWidth, iw: window.innerWidth };
      const wide = [];
      for (const el of document.querySelectorAll("body *")) {
        const b = el.getBoundingClientRect();
        if (b.right > window.innerWidth + 0.5 && !el.closest(".table-scroll,.visually-hidden,.skip-link")) wide.push(el.tagName + "." + el.className + ":" + Math.round(b.right));
      }
      out.wide = wide.slice(0, 5);
      return out;
    });
    console.log(w, p, JSON.stringify(r));
  }
}
await browser.close();
