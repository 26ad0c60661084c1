import { chromium } from "playwright-core";
const base = process.argv[2];
const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--no-sandbox"] });
const page = await browser.newPage({ viewport: { width: 375, height: 812 } });
for (const p of ["/search?q=ear+defenders", "/search?q=reading&need=cognition-learning&tier=universal&phase=primary"]) {
  await page.goto(base + p);
  const r = await page.evaluate(() => {
    const b = (s) => { const e = document.querySelector(s); return e ? Math.round(e.getBoundingClientRect().bottom) : null; };
    return { count: b("[data-result-count]"), first: b(".results .card-title"), header: b(".site-header") };
  });
  console.log(p, JSON.stringify(r));
}
await page.goto(base + "/strategies/movement-breaks-for-attention");
console.log("what you can do", await page.evaluate(() => Math.round(document.getElementById("what-you-can-do").getBoundingClientRect().top + window.scrollY)));
await browser.close();
