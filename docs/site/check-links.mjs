// Checks every link of the built site: each href and src that stays on the site must name a file
// that exists (a folder: its index.html) and, with #id, an element with that id in it. Links that
// leave the site are listed, not fetched (the build has no network). Exits 1 naming each broken
// link with the page it is on.
//
//   node check-links.mjs <site folder> [path prefix]
import fs from 'node:fs';
import path from 'node:path';

const [site, prefixArg] = process.argv.slice(2);
if (!site) {
  console.error('usage: node check-links.mjs <site folder> [path prefix]');
  process.exit(2);
}
const prefix = (prefixArg || '/').replace(/\/?$/, '/');

function htmlFiles(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? htmlFiles(p) : e.name.endsWith('.html') ? [p] : [];
  });
}

/** An attribute's text as the browser reads it (Javadoc writes ids such as &lt;init&gt;()). */
function unescapeHtml(text) {
  return text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');
}

const ids = new Map();
function idsOf(file) {
  if (!ids.has(file)) {
    const text = fs.readFileSync(file, 'utf8');
    ids.set(file, new Set([...text.matchAll(/\s(?:id|name)="([^"]*)"/g)].map((m) => unescapeHtml(m[1]))));
  }
  return ids.get(file);
}

const broken = [];
const external = new Set();
let checked = 0;
for (const file of htmlFiles(site)) {
  const text = fs.readFileSync(file, 'utf8');
  for (const m of text.matchAll(/\s(?:href|src)="([^"]*)"/g)) {
    const link = unescapeHtml(m[1]);
    if (link === '' || /^(javascript:|mailto:|data:)/i.test(link)) {
      continue;
    }
    if (/^[a-z][a-z0-9+.-]*:/i.test(link) || link.startsWith('//')) {
      external.add(link.replace(/#.*/, ''));
      continue;
    }
    checked++;
    const [target, anchor] = link.split('#');
    const bare = target.split('?')[0];
    let resolved;
    if (bare === '') {
      resolved = file;
    } else if (bare.startsWith('/')) {
      if (!bare.startsWith(prefix)) {
        broken.push(`${path.relative(site, file)}: ${link} is outside the site's path ${prefix}`);
        continue;
      }
      resolved = path.join(site, decodeURIComponent(bare.slice(prefix.length)));
    } else {
      resolved = path.join(path.dirname(file), decodeURIComponent(bare));
    }
    if (fs.existsSync(resolved) && fs.statSync(resolved).isDirectory()) {
      resolved = path.join(resolved, 'index.html');
    }
    if (!fs.existsSync(resolved)) {
      broken.push(`${path.relative(site, file)}: ${link} (no such file)`);
    } else if (anchor && resolved.endsWith('.html') && !idsOf(resolved).has(decodeURIComponent(anchor))) {
      broken.push(`${path.relative(site, file)}: ${link} (no #${anchor} there)`);
    }
  }
}
console.log(`[site] ${checked} links on the site checked, ${external.size} addresses off the site (not fetched)`);
if (broken.length > 0) {
  console.error(`[site] ${broken.length} broken links:\n  ${broken.join('\n  ')}`);
  process.exit(1);
}
